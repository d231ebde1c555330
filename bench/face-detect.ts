// Face detection (issue 5): speed and recall of the old path (human's BlazeFace on the whole frame plus 18 tiles of
// 480 px) and the new one (createFrameDetector: BlazeFace through tfjs directly, a mirror-padded scale pyramid, in a
// worker thread) on 1080x1920 frames of the generated face clips (packages/media/test/face-clips).
// Run: npx tsx bench/face-detect.ts [speedFrames=24] [recallStep=10] [oldRecallStep=45]
// Prints per-frame wall and CPU ms (median and p90; CPU is the whole process: worker thread + main thread), the
// longest main-thread stall while the new path works, a cost breakdown, then recall by face size per scenario.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type BlazeFaceModel, loadBlazeFace } from '../packages/media/src/faces/blazeface-model.ts';
import { createFaceDetector, detectWithTiles } from '../packages/media/src/faces/face-detector.ts';
import { BLEND_IOU, CANDIDATE_SCORE, createFrameDetector, MIN_SCORE } from '../packages/media/src/faces/frame-detector.ts';
import { rgbPixels } from '../packages/media/src/faces/frame-pixels.ts';
import { detectPyramid } from '../packages/media/src/faces/pyramid-detect.ts';
import { planScales } from '../packages/media/src/faces/scale-plan.ts';
import type { FaceBox, RgbFrame } from '../packages/media/src/faces/tiles.ts';
import { composeFrame, loadAssets } from '../packages/media/test/face-clips/compose.ts';
import { planFaceClip } from '../packages/media/test/face-clips/generate.ts';
import { coverage, enlargeAboutCentre, intersect } from '../packages/media/test/face-clips/metrics.ts';
import { truthOf } from '../packages/media/test/face-clips/scenarios.ts';
import type { FaceClipTruth, FaceScenario, Rect } from '../packages/media/test/face-clips/truth.ts';
import { iou } from '../packages/media/test/face-frames.ts';

const SPEED_FRAMES = Number(process.argv[2] ?? 24);
const RECALL_STEP = Number(process.argv[3] ?? 10);
const OLD_RECALL_STEP = Number(process.argv[4] ?? 45);
const SCENARIOS: FaceScenario[] = ['crowd', 'edges', 'closeup', 'dark', 'none'];
const BUCKETS = [
  ['40-59', 40, 60],
  ['60-99', 60, 100],
  ['100-179', 100, 180],
  ['180-260', 180, 261],
  ['>260', 261, Number.POSITIVE_INFINITY],
] as const;
/** The blur pipeline enlarges every box this much (blur-stream.ts default). */
const BLUR_ENLARGE = 1.5;

type Detect = (frame: RgbFrame) => Promise<FaceBox[]>;

const cpuMs = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};
const ms = (v: number) => v.toFixed(0).padStart(5);

interface Clip {
  scenario: FaceScenario;
  truth: FaceClipTruth;
  frame(index: number): RgbFrame;
}

async function loadClip(scenario: FaceScenario): Promise<Clip> {
  const plan = planFaceClip({ scenario, seed: 1 });
  const assets = await loadAssets(plan);
  return {
    scenario,
    truth: truthOf(plan),
    frame(index) {
      // a fresh buffer per frame, as the pipeline passes them
      const rgb = new Uint8Array(plan.width * plan.height * 3);
      composeFrame(plan, assets, index, rgb);
      return { rgb, width: plan.width, height: plan.height };
    },
  };
}

/** Sequential calls: per-frame wall and process CPU, after two warm-up frames. */
async function timeSequential(detect: Detect, frames: RgbFrame[]) {
  for (const frame of frames.slice(0, 2)) await detect(frame);
  const walls: number[] = [];
  const cpu: number[] = [];
  for (const frame of frames) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await detect(frame);
    walls.push(performance.now() - t0);
    cpu.push(cpuMs(c0));
  }
  return { walls, cpu };
}

function printTiming(label: string, t: { walls: number[]; cpu: number[] }, extra = '') {
  console.log(
    `${label.padEnd(44)} wall median ${ms(quantile(t.walls, 0.5))} p90 ${ms(quantile(t.walls, 0.9))} ms | CPU median ${ms(quantile(t.cpu, 0.5))} p90 ${ms(quantile(t.cpu, 0.9))} ms${extra}`,
  );
}

async function speed(clip: Clip, oldDetect: Detect) {
  const frames = Array.from({ length: SPEED_FRAMES }, (_, i) => clip.frame((i * 17) % clip.truth.frameCount));
  console.log(`\n## Speed: ${frames.length} frames of the 'crowd' clip, 1080x1920 (CPU = this whole process)`);

  const one = await createFrameDetector({ threads: 1 });
  const stalls = monitorEventLoopDelay({ resolution: 5 });
  stalls.enable();
  const newTiming = await timeSequential((f) => one.detect(f), frames);
  stalls.disable();
  printTiming('new: frame detector, 1 worker thread', newTiming, ` | longest main-thread stall ${(stalls.max / 1e6).toFixed(0)} ms`);

  // throughput with every frame submitted at once
  for (const [label, detector] of [
    ['new: 1 thread, all frames in flight', one],
    ['new: 2 threads, all frames in flight', await createFrameDetector({ threads: 2 })],
  ] as const) {
    await Promise.all(frames.slice(0, 2).map((f) => detector.detect(f)));
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(frames.map((f) => detector.detect(f)));
    const wall = performance.now() - t0;
    console.log(`${label.padEnd(44)} wall per frame ${ms(wall / frames.length)} ms | CPU per frame ${ms(cpuMs(c0) / frames.length)} ms`);
    if (detector !== one) await detector.close();
  }
  await one.close();

  const oldFrames = frames.slice(0, Math.max(4, Math.min(frames.length, 20)));
  printTiming('old: human, whole frame + 18 tiles (480 px)', await timeSequential(oldDetect, oldFrames));

  // where the new path's time goes: the same detectPyramid in this thread, its model calls timed
  const model = await loadBlazeFace();
  const levels = planScales(1080, 1920, 40);
  const parts = { total: [] as number[], levels: [] as number[], crops: [] as number[], cropModel: [] as number[] };
  let cropMs = 0;
  let levelMs = 0;
  let cropCount = 0;
  const timedModel: BlazeFaceModel = {
    async run(...args) {
      const c0 = process.cpuUsage();
      const boxes = await model.run(...args);
      levelMs += cpuMs(c0);
      return boxes;
    },
    async runBatch(...args) {
      const c0 = process.cpuUsage();
      const boxes = await model.runBatch(...args);
      cropMs += cpuMs(c0);
      cropCount += args[1];
      return boxes;
    },
    dispose: () => model.dispose(),
  };
  for (const frame of frames) {
    levelMs = 0;
    cropMs = 0;
    cropCount = 0;
    const c0 = process.cpuUsage();
    await detectPyramid(timedModel, rgbPixels(frame), levels, { minScore: MIN_SCORE, candidateScore: CANDIDATE_SCORE, iouThreshold: BLEND_IOU });
    parts.total.push(cpuMs(c0));
    parts.levels.push(levelMs);
    parts.cropModel.push(cropMs);
    parts.crops.push(cropCount);
  }
  model.dispose();
  const med = (v: number[]) => quantile(v, 0.5).toFixed(0);
  console.log(
    `new path in this thread, CPU median per frame: total ${med(parts.total)} ms = BlazeFace on the levels ${med(parts.levels)} ms ` +
      `(${levels.map((l) => `${l.inputWidth}x${l.inputHeight}`).join(' + ')}) + BlazeFace on ${med(parts.crops)} check crops ` +
      `(median; max ${Math.max(...parts.crops)}) ${med(parts.cropModel)} ms + downscaling, padding, cropping, decoding`,
  );
}

interface Tally {
  found: number;
  covered: number;
  total: number;
}

async function recall(label: string, detect: Detect, clips: Clip[], step: number) {
  const bySize = new Map<string, Tally>();
  const rows: string[] = [];
  let falsePositives = 0;
  let frameCount = 0;
  let catFrames = 0;
  let catBoxes = 0;
  for (const clip of clips) {
    const scenarioTally: Tally = { found: 0, covered: 0, total: 0 };
    const { width, height } = clip.truth;
    for (let f = 0; f < clip.truth.frameCount; f += step) {
      const boxes = await detect(clip.frame(f));
      const truths = clip.truth.frames[f] ?? [];
      if (clip.scenario === 'none') {
        catFrames++;
        catBoxes += boxes.length;
        continue;
      }
      frameCount++;
      falsePositives += boxes.filter((b) => !truths.some((t) => iou(b, t) > 0.1)).length;
      const blurred = boxes.map((b) => enlargeAboutCentre(b, BLUR_ENLARGE));
      for (const t of truths) {
        const visible = intersect(t, { x: 0, y: 0, width, height }) as Rect | null;
        // a face less than 30% inside the frame is left to the tracker
        if (!visible || visible.width * visible.height < 0.3 * t.width * t.height) continue;
        const found = boxes.some((b) => iou(b, visible) >= 0.5);
        const covered = coverage(visible, blurred) >= 0.95;
        const bucket = BUCKETS.find(([, lo, hi]) => t.width >= lo && t.width < hi)?.[0] ?? '<40';
        let sizeTally = bySize.get(bucket);
        if (!sizeTally) {
          sizeTally = { found: 0, covered: 0, total: 0 };
          bySize.set(bucket, sizeTally);
        }
        for (const tally of [scenarioTally, sizeTally]) {
          tally.total++;
          if (found) tally.found++;
          if (covered) tally.covered++;
        }
      }
    }
    if (clip.scenario !== 'none') rows.push(`${clip.scenario} ${pct(scenarioTally.found, scenarioTally.total)}/${pct(scenarioTally.covered, scenarioTally.total)} of ${scenarioTally.total}`);
  }
  console.log(`\n## Recall, ${label}: every ${step}th frame; found = a box with IoU >= 0.5 on the visible face; covered = visible face >= 95% inside the boxes enlarged ${BLUR_ENLARGE}x`);
  for (const [bucket] of BUCKETS) {
    const t = bySize.get(bucket);
    if (t) console.log(`  face ${bucket.padEnd(8)} px: found ${pct(t.found, t.total)}  covered ${pct(t.covered, t.total)}  (${t.total} face-frames)`);
  }
  console.log(`  by scenario (found/covered): ${rows.join('; ')}`);
  console.log(`  boxes on no face: ${(falsePositives / Math.max(1, frameCount)).toFixed(2)} per frame; 'none' clip (two cats, no face): ${(catBoxes / Math.max(1, catFrames)).toFixed(2)} boxes per frame`);
}

const pct = (a: number, n: number) => (n ? `${((100 * a) / n).toFixed(1)}%` : '-');

async function main() {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`# Face detection bench, ${new Date().toISOString()}`);
  console.log(`machine: ${execFileSync('nproc', { encoding: 'utf8' }).trim()} cores (${cpu}), Node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`new path: minScore ${MIN_SCORE}, small faces from ${CANDIDATE_SCORE} checked again, blend IoU ${BLEND_IOU}, levels for 1080x1920: ${planScales(1080, 1920, 40).map((l) => `${l.scale.toFixed(3)} -> ${l.inputWidth}x${l.inputHeight}`).join(', ')}`);

  const clips = await Promise.all(SCENARIOS.map(loadClip));
  const crowd = clips[0] as Clip;
  const old = await createFaceDetector({ verifyWithMesh: false });
  const oldDetect: Detect = (frame) => detectWithTiles(old, frame);

  await speed(crowd, oldDetect);

  const detector = await createFrameDetector();
  try {
    await recall('new path', (f) => detector.detect(f), clips, RECALL_STEP);
  } finally {
    await detector.close();
  }
  await recall('old path', oldDetect, clips, OLD_RECALL_STEP);
  old.dispose();
  console.log(`\nload at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

await main();
