// Issue 5's hard cases with the real detector, real ffmpeg and the generated ground truth: no faces at all, a
// close-up, a rotated phone clip, a very dark room, faces cut by every frame edge. Each runs the whole blurred
// ladder and scores what was obscured against the known faces (packages/media/test/face-clips).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFrameDetector, type FrameDetector } from '../src/faces/frame-detector.ts';
import { alignBox, type Box } from '../src/faces/obscure.ts';
import { planLadder } from '../src/ladder-plan.ts';
import { probeMedia } from '../src/probe.ts';
import { transcodeLadder } from '../src/transcode-ladder.ts';
import { validateSource } from '../src/validate-source.ts';
import { type FaceClipTruth, type FaceScenario, generateFaceClip } from './face-clips/generate.ts';
import { protectionScore, totalObscuredArea } from './face-clips/metrics.ts';

let work: string;
let detector: FrameDetector;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'onward-blur-scenarios-'));
  detector = await createFrameDetector();
}, 120_000);
afterAll(async () => {
  await detector?.close();
  await rm(work, { recursive: true, force: true });
});

/** The truth restricted to faces of at least `size` px: what these tests hold to 99%; smaller ones are benchmarked. */
function facesFrom(truth: FaceClipTruth, size: number): FaceClipTruth {
  return { ...truth, frames: truth.frames.map((faces) => faces.filter((f) => Math.max(f.width, f.height) >= size)) };
}

/** Generates a scenario, runs the blurred ladder on it and returns the truth with what was obscured per frame. */
async function blurScenario(scenario: FaceScenario, seconds = 1) {
  const input = join(work, `${scenario}.mp4`);
  const truth = await generateFaceClip({ scenario, outPath: input, seconds, seed: 3 });
  const plan = planLadder(validateSource(await probeMedia(input)));
  const obscured: Box[][] = [];
  const result = await transcodeLadder(plan, input, join(work, scenario), {
    timeoutMs: 300_000,
    blur: {
      detector,
      onFrame: (frame, boxes, width, height) => {
        obscured[frame] = boxes.flatMap((b) => alignBox(b, width, height) ?? []);
      },
    },
  });
  return { truth, obscured, summary: result.blur, plan };
}

// Every case here must be handled correctly: the pipeline succeeds, coordinates are right, and the big faces are
// covered in every frame. How much of the rest is covered (smaller faces, fast movers, half faces at the edge)
// is measured on 15 s and 5 s clips by bench/face-blur.ts against the targets (docs/benchmarks.md).
describe('blurring the hard cases', { timeout: 300_000 }, () => {
  it('a close-up selfie is covered in every frame', async () => {
    const { truth, obscured } = await blurScenario('closeup');
    const score = protectionScore(truth, obscured);
    expect(score.faceFrames).toBe(truth.frameCount);
    expect(score.share, JSON.stringify(score.worst.slice(0, 5))).toBe(1);
  });

  it('a rotated phone clip is blurred in display coordinates', async () => {
    const { truth, obscured, plan } = await blurScenario('rotated');
    expect(plan.source.rotation).not.toBe(0);
    expect([truth.width, truth.height]).toEqual([plan.source.displayWidth, plan.source.displayHeight]);
    const score = protectionScore(facesFrom(truth, 200), obscured);
    expect(score.faceFrames).toBe(truth.frameCount);
    expect(score.share, JSON.stringify(score.worst.slice(0, 5))).toBe(1);
  });

  it('a very dark room still has its faces found and covered', async () => {
    const { truth, obscured } = await blurScenario('dark');
    const score = protectionScore(facesFrom(truth, 200), obscured);
    expect(score.faceFrames).toBe(truth.frameCount);
    expect(score.share, JSON.stringify(score.worst.slice(0, 5))).toBe(1);
  });

  it('faces cut by the frame edges are covered', async () => {
    const { truth, obscured } = await blurScenario('edges');
    const score = protectionScore(facesFrom(truth, 100), obscured);
    expect(score.faceFrames).toBeGreaterThan(truth.frameCount);
    // Measured 100% here (1 s, seed 3; 96.7% before FaceMesh checked faces cut by one edge on mirrored crops, 72%
    // before they were completed to their size). The 5 s clip's corner face is still missed at times: that figure
    // is benchmarked (bench/face-blur.ts, docs/benchmarks.md).
    console.log(`edges: ${(100 * score.share).toFixed(1)}% of face-frames from 100 px covered`);
    expect(score.share, JSON.stringify(score.worst.slice(0, 5))).toBeGreaterThanOrEqual(0.99);
  });

  it('a clip without faces goes through with nothing obscured: the cats BlazeFace sees are not confirmed', async () => {
    const { truth, obscured, summary } = await blurScenario('none');
    expect(summary?.frames).toBe(truth.frameCount);
    expect(obscured).toHaveLength(truth.frameCount);
    // Before FaceMesh's second opinion about half of every frame was obscured here; 2.6% before it checked boxes cut
    // by one edge on mirrored crops (a cat's face at the frame edge was kept, as a face cut by the edge would be).
    const share = totalObscuredArea(truth, obscured) / (truth.width * truth.height * truth.frameCount);
    console.log(`no faces: ${(100 * share).toFixed(2)}% of all pixels obscured`);
    expect(share).toBe(0);
    expect(summary?.tracks).toBe(0);
  });
});
