// Measures each rung's real peak and average bitrate from its media playlist and segment sizes, then writes the
// master playlist. Run after ffmpeg finished.
import { stat, writeFile } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LadderPlan } from './ladder-plan.ts';
import { buildMasterPlaylist, type MeasuredBandwidth, rungPlaylistPath } from './master-playlist.ts';

export interface PlaylistSegment {
  uri: string;
  durationSeconds: number;
}

/** Segments of a media playlist (pure). */
export function parseMediaPlaylist(text: string): PlaylistSegment[] {
  const segments: PlaylistSegment[] = [];
  let pending: number | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXTINF:')) pending = Number.parseFloat(line.slice('#EXTINF:'.length));
    else if (line && !line.startsWith('#') && pending !== null) {
      segments.push({ uri: line, durationSeconds: pending });
      pending = null;
    }
  }
  return segments;
}

export async function measureRungBandwidth(outDir: string, rungName: string): Promise<MeasuredBandwidth> {
  const playlistPath = join(outDir, rungPlaylistPath(rungName));
  const segments = parseMediaPlaylist(await readFile(playlistPath, 'utf8'));
  let peak = 0;
  let totalBits = 0;
  let totalSeconds = 0;
  for (const segment of segments) {
    const { size } = await stat(join(outDir, rungName, segment.uri));
    const bits = size * 8;
    totalBits += bits;
    totalSeconds += segment.durationSeconds;
    // A short last segment would exaggerate the peak; judge it over at least one second.
    peak = Math.max(peak, bits / Math.max(1, segment.durationSeconds));
  }
  return { peak, average: totalSeconds > 0 ? totalBits / totalSeconds : 0 };
}

/** Writes outDir/master.m3u8 with measured bandwidths and returns its path. */
export async function writeMasterPlaylist(outDir: string, plan: LadderPlan): Promise<string> {
  const measured = new Map<string, MeasuredBandwidth>();
  for (const rung of plan.rungs) measured.set(rung.name, await measureRungBandwidth(outDir, rung.name));
  const path = join(outDir, 'master.m3u8');
  await writeFile(path, buildMasterPlaylist(plan, measured));
  return path;
}
