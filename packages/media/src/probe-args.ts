// ffprobe command lines. Both are hardened the same way as the ffmpeg input: file protocol only, demuxer allowlist.
import { FORMAT_WHITELIST } from './media-limits.ts';

function hardenedInput(path: string): string[] {
  return ['-protocol_whitelist', 'file', '-format_whitelist', FORMAT_WHITELIST, '-i', `file:${path}`];
}

/**
 * Container and stream headers as JSON. ffprobe decodes a first frame to fill in stream details, so it gets a pixel
 * cap too: a decompression bomb fails here ("exceeds specified max pixel count") instead of allocating gigabytes.
 */
export function probeHeaderArgs(path: string, maxPixels: number): string[] {
  return [
    '-v',
    'error',
    '-hide_banner',
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    '-max_pixels',
    String(maxPixels),
    ...hardenedInput(path),
  ];
}

/**
 * Every packet's stream, pts and duration (demux only, no decoding): gives the duration when the header has none
 * (MediaRecorder WebM), confirms variable frame rate, and counts packets to spot truncated files.
 */
export function probePacketArgs(path: string): string[] {
  return [
    '-v',
    'error',
    '-hide_banner',
    '-print_format',
    'csv=p=0',
    '-show_entries',
    'packet=stream_index,pts_time,duration_time',
    ...hardenedInput(path),
  ];
}
