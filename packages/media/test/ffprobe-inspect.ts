// Test-only ffprobe helpers that read our outputs (trusted files, so no hardening needed here).
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseMediaPlaylist } from '../src/variant-bandwidth.ts';

const execFileAsync = promisify(execFile);

export interface InspectedStream {
  codec_type: string;
  codec_name: string;
  profile?: string;
  level?: number;
  width?: number;
  height?: number;
  channels?: number;
  tags?: Record<string, string>;
  side_data_list?: unknown[];
}

export interface Inspected {
  streams: InspectedStream[];
  format: { duration?: string; tags?: Record<string, string> };
}

export async function ffprobeJson(path: string): Promise<Inspected> {
  const { stdout } = await execFileAsync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path]);
  return JSON.parse(stdout) as Inspected;
}

/** Keyframe pts (seconds) of the video stream. */
export async function keyframeTimes(path: string): Promise<number[]> {
  const { stdout } = await execFileAsync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', path],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout
    .split('\n')
    .map((line) => line.split(','))
    .filter(([, flags]) => flags?.startsWith('K'))
    .map(([t]) => Number.parseFloat(t ?? ''));
}

/** init + every segment of a rung joined into one playable fragmented MP4, plus the segment start times. */
export async function joinRung(outDir: string, rungName: string): Promise<{ path: string; segmentStarts: number[] }> {
  const dir = join(outDir, rungName);
  const playlist = await readFile(join(dir, 'index.m3u8'), 'utf8');
  const mapUri = /#EXT-X-MAP:URI="([^"]+)"/.exec(playlist)?.[1];
  if (!mapUri) throw new Error(`no EXT-X-MAP in ${rungName}`);
  const segments = parseMediaPlaylist(playlist);
  const parts = [await readFile(join(dir, mapUri))];
  const segmentStarts: number[] = [];
  let t = 0;
  for (const segment of segments) {
    segmentStarts.push(t);
    t += segment.durationSeconds;
    parts.push(await readFile(join(dir, segment.uri)));
  }
  const path = join(outDir, `${rungName}.joined.mp4`);
  await writeFile(path, Buffer.concat(parts));
  return { path, segmentStarts };
}

/** Decodes a whole HLS presentation through ffmpeg's player-side demuxer; throws on any decode error. */
export async function decodeFully(masterPath: string): Promise<void> {
  await execFileAsync('ffmpeg', ['-v', 'error', '-xerror', '-protocol_whitelist', 'file', '-i', masterPath, '-map', '0', '-f', 'null', '-']);
}
