// The hardened ffmpeg input every command on an upload uses: local file only, the probed demuxer forced, no other
// demuxer or decoder allowed, and a pixel cap, so a disguised playlist or a decompression bomb goes nowhere. Beside
// it, the input of commands on our own ladder (posters of blurred clips, storyboards) and the metadata-free outputs.
import type { LadderRung } from './ladder-plan.ts';
import { rungPlaylistPath } from './master-playlist.ts';
import { FORMAT_WHITELIST } from './media-limits.ts';
import type { ValidatedSource } from './validate-source.ts';

/** ffprobe reports codecs; -codec_whitelist matches decoder names, which differ for a few. */
const DECODER_NAMES: Record<string, string[]> = {
  av1: ['libdav1d', 'libaom-av1', 'av1'],
  aac: ['aac', 'aac_fixed'],
  mp3: ['mp3float', 'mp3'],
  ac3: ['ac3', 'ac3_fixed'],
  eac3: ['eac3'],
  opus: ['opus', 'libopus'],
  vp8: ['vp8', 'libvpx'],
  vp9: ['vp9', 'libvpx-vp9'],
};

export function decoderWhitelist(source: ValidatedSource): string {
  const codecs = [source.videoCodec, ...(source.audio ? [source.audio.codec] : [])];
  return codecs.flatMap((codec) => DECODER_NAMES[codec] ?? [codec]).join(',');
}

export function hardenedInputArgs(source: ValidatedSource, inputPath: string, options: { seekSeconds?: number } = {}): string[] {
  // Decoders check aligned widths against max_pixels, so leave a margin above the validated coded size.
  const maxPixels = (source.codedWidth + 64) * (source.codedHeight + 64);
  return [
    '-protocol_whitelist',
    'file,pipe',
    '-format_whitelist',
    FORMAT_WHITELIST,
    '-codec_whitelist',
    decoderWhitelist(source),
    '-max_pixels',
    String(maxPixels),
    ...(options.seekSeconds !== undefined ? ['-ss', options.seekSeconds.toFixed(3)] : []),
    '-f',
    source.demuxer,
    '-i',
    `file:${inputPath}`,
  ];
}

/** Output options that drop every tag, chapter and stream tag of the input (GPS, device model, names). */
export const STRIP_METADATA_ARGS: readonly string[] = [
  '-map_metadata',
  '-1',
  '-map_metadata:s',
  '-1',
  '-map_chapters',
  '-1',
];

/**
 * One rung of our own HLS output as the input (trusted: we wrote it), for pictures taken from what viewers see
 * rather than from the upload: local files only, and the hls demuxer (with mov for its fMP4 segments) allowed here
 * and nowhere else.
 */
export function ownRungInputArgs(ladderDir: string, rung: Pick<LadderRung, 'name'>, options: { seekSeconds?: number } = {}): string[] {
  return [
    '-protocol_whitelist',
    'file',
    '-format_whitelist',
    'hls,mov',
    '-f',
    'hls',
    '-i',
    `file:${ladderDir}/${rungPlaylistPath(rung.name)}`,
    // after the input: frames before the time are decoded and dropped, so the picture is the one at that time
    ...(options.seekSeconds !== undefined ? ['-ss', options.seekSeconds.toFixed(3)] : []),
  ];
}

/** Output options for one JPEG picture (`quality`: ffmpeg's -q:v, 2 best to 31), without any metadata. */
export function singleJpegOutputArgs(outPath: string, quality: number): string[] {
  return ['-frames:v', '1', '-q:v', String(quality), ...STRIP_METADATA_ARGS, '-f', 'image2', '-update', '1', outPath];
}
