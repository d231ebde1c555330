// Writes one ground-truth face clip and its truth for people to look at:
//   npx tsx packages/media/test/face-clips/cli.ts <scenario> <out.mp4> [--seconds 15] [--width 1080] [--height 1920]
//     [--fps 30] [--seed 1]
// writes <out.mp4> and <out.mp4>.truth.json, and prints how long it took (wall and CPU, ffmpeg included).
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { generateFaceClip } from './generate.ts';
import { FACE_SCENARIOS, type FaceScenario } from './truth.ts';

/** CPU seconds of finished child processes (ffmpeg), from /proc on Linux; null elsewhere. */
function childCpuSeconds(): number | null {
  try {
    // fields after the parenthesised command name; cutime and cstime are the 14th and 15th of them
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return null;
  }
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: 'string' },
    width: { type: 'string' },
    height: { type: 'string' },
    fps: { type: 'string' },
    seed: { type: 'string' },
  },
});
const [scenario, outPath] = positionals;
if (!scenario || !outPath || !FACE_SCENARIOS.includes(scenario as FaceScenario)) {
  console.error(`usage: cli.ts <${FACE_SCENARIOS.join('|')}> <out.mp4> [--seconds N] [--width W] [--height H] [--fps F] [--seed S]`);
  process.exit(2);
}
const number = (v: string | undefined) => (v === undefined ? undefined : Number(v));

const started = performance.now();
const cpu = process.cpuUsage();
const childrenBefore = childCpuSeconds();
const truth = await generateFaceClip({
  scenario: scenario as FaceScenario,
  outPath,
  seconds: number(values.seconds),
  width: number(values.width),
  height: number(values.height),
  fps: number(values.fps),
  seed: number(values.seed),
});
const wall = (performance.now() - started) / 1000;
const own = process.cpuUsage(cpu);
const childrenAfter = childCpuSeconds();
await writeFile(`${outPath}.truth.json`, `${JSON.stringify({ scenario, seed: number(values.seed) ?? 1, ...truth })}\n`);

const widths = truth.frames.flat().map((b) => b.width);
const ids = new Set(truth.frames.flat().map((b) => b.id));
console.log(
  `${scenario}: ${truth.width}x${truth.height} ${truth.fps} fps, ${truth.frameCount} frames, ${ids.size} faces` +
    (widths.length ? ` (${Math.min(...widths)}-${Math.max(...widths)} px wide), ${widths.length} face-frames` : ''),
);
const ffmpegCpu = childrenBefore !== null && childrenAfter !== null ? ` + ffmpeg ${(childrenAfter - childrenBefore).toFixed(1)} s` : '';
console.log(`took ${wall.toFixed(1)} s wall; CPU: painting ${((own.user + own.system) / 1e6).toFixed(1)} s${ffmpegCpu}`);
console.log(`wrote ${outPath} and ${outPath}.truth.json`);
