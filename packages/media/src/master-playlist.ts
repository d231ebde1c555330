// buildMasterPlaylist: pure. The HLS master playlist written from the plan (ffmpeg's own lists an extra audio-only
// variant and guesses BANDWIDTH), optionally with bandwidths measured from the finished segments.
import type { LadderPlan } from './ladder-plan.ts';

export interface MeasuredBandwidth {
  /** Highest bits per second of any one segment. */
  peak: number;
  /** Whole-rung bits per second. */
  average: number;
}

function frameRateAttribute(num: number, den: number): string {
  return (num / den).toFixed(3);
}

export function rungPlaylistPath(rungName: string): string {
  return `${rungName}/index.m3u8`;
}

export function buildMasterPlaylist(plan: LadderPlan, measured: ReadonlyMap<string, MeasuredBandwidth> = new Map()): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS'];
  // Highest quality first: players that pick the first listed variant start sharp.
  for (const rung of plan.rungs) {
    const m = measured.get(rung.name);
    const attributes = [
      `BANDWIDTH=${Math.round(m?.peak ?? rung.bandwidth)}`,
      ...(m ? [`AVERAGE-BANDWIDTH=${Math.round(m.average)}`] : []),
      `RESOLUTION=${rung.width}x${rung.height}`,
      `FRAME-RATE=${frameRateAttribute(rung.frameRate.num, rung.frameRate.den)}`,
      `CODECS="${rung.codecs}"`,
    ];
    lines.push(`#EXT-X-STREAM-INF:${attributes.join(',')}`, rungPlaylistPath(rung.name));
  }
  return `${lines.join('\n')}\n`;
}
