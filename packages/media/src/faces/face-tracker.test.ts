import { describe, expect, it } from 'vitest';
import { createFaceTracker, iou, type TrackedBox } from './face-tracker.ts';
import type { Box } from './obscure.ts';

const box = (x: number, y: number, size = 40): Box => ({ x, y, width: size, height: size });
const contains = (outer: Box, inner: Box) =>
  outer.x <= inner.x + 1e-9 &&
  outer.y <= inner.y + 1e-9 &&
  outer.x + outer.width >= inner.x + inner.width - 1e-9 &&
  outer.y + outer.height >= inner.y + inner.height - 1e-9;
const coveredBy = (boxes: readonly Box[] | undefined, face: Box) => (boxes ?? []).some((b) => contains(b, face));

/** Runs detections (frame, boxes) through a tracker and returns the boxes of every frame, 0..last. */
function track(steps: Array<[number, Box[]]>, frameSize = { width: 1080, height: 1920 }): TrackedBox[][] {
  const tracker = createFaceTracker();
  tracker.setFrameSize(frameSize.width, frameSize.height);
  const frames: TrackedBox[][] = [];
  for (const [frame, boxes] of steps) frames.push(...tracker.advance(frame, boxes));
  frames.push(...tracker.finish());
  return frames;
}

describe('face tracker', () => {
  it('gives every frame up to the last detection its boxes, once, in order', () => {
    const frames = track([
      [0, [box(100, 100)]],
      [5, [box(102, 100)]],
      [10, [box(104, 100)]],
      [13, [box(106, 100)]],
    ]);
    expect(frames).toHaveLength(14);
    expect(frames.every((f) => f.length === 1)).toBe(true);
  });

  it('interpolates a face between detections and enlarges every box 1.5x', () => {
    const frames = track([
      [0, [box(100, 100)]],
      [10, [box(120, 100)]],
    ]);
    expect(new Set(frames.map((f) => f[0]?.trackId)).size).toBe(1);
    // frame 5 is half-way: the face is at x=110, its 1.5x box 100..160, plus a frame's motion either way
    const mid = frames[5]?.[0] as Box;
    expect(contains(mid, { x: 100, y: 90, width: 60, height: 60 })).toBe(true);
    expect(mid.width).toBeLessThan(60 + 2 * 2 * 1.5 + 1e-9);
    expect(iou(frames[0]?.[0] as Box, { x: 90, y: 90, width: 60, height: 60 })).toBeGreaterThan(0.9);
    expect(iou(frames[10]?.[0] as Box, { x: 110, y: 90, width: 60, height: 60 })).toBeGreaterThan(0.99);
  });

  it('covers the whole sweep of a fast mover whose path may bend', () => {
    // 300 px in 10 frames: five times its size
    const frames = track([
      [0, [box(0, 500, 60)]],
      [10, [box(300, 500, 60)]],
    ]);
    for (let f = 0; f < 10; f++) {
      for (let g = Math.max(0, f - 4); g <= Math.min(10, f + 4); g++) expect(coveredBy(frames[f], box(30 * g, 500, 60))).toBe(true);
    }
  });

  it('holds a lost face for one more interval, moving on with its velocity, then lets it go', () => {
    const frames = track([
      [0, [box(100, 100)]],
      [10, [box(120, 100)]],
      [20, []],
      [30, []],
      [40, []],
    ]);
    // it was moving 2 px per frame: by frame 19 it would be at 138, by 29 at 158
    expect(coveredBy(frames[19], box(138, 100))).toBe(true);
    expect(coveredBy(frames[29], box(158, 100))).toBe(true);
    expect(frames.slice(10, 30).every((f) => f.length === 1)).toBe(true);
    expect(frames.slice(30).every((f) => f.length === 0)).toBe(true);
  });

  it('re-finds a face missed once under the same track', () => {
    const frames = track([
      [0, [box(100, 100)]],
      [5, [box(110, 100)]],
      [10, []],
      [15, [box(130, 100)]],
    ]);
    expect(new Set(frames.flat().map((b) => b.trackId))).toEqual(new Set([frames[0]?.[0]?.trackId]));
    expect(frames.every((f) => f.length === 1)).toBe(true);
  });

  it('extends a new face back over the two intervals before it was first seen', () => {
    const frames = track([
      [0, []],
      [10, []],
      [20, []],
      [30, [box(500, 500)]],
    ]);
    expect(frames.slice(0, 10).every((f) => f.length === 0)).toBe(true);
    expect(frames.slice(10).every((f) => coveredBy(f, box(500, 500)))).toBe(true);
  });

  it('stretches a face first seen near an edge to that edge, where it came in from', () => {
    const frames = track([
      [0, []],
      [5, []],
      [10, [box(1000, 900, 100)]],
      [15, [box(900, 900, 100)]],
    ]);
    // half of it was still outside the frame at frame 7
    expect(coveredBy(frames[7], { x: 1040, y: 900, width: 40, height: 100 })).toBe(true);
    expect(coveredBy(frames[3], { x: 1060, y: 900, width: 20, height: 100 })).toBe(true);
    // and it is not stretched once it is tracked
    expect(frames[12]?.[0]?.width).toBeLessThan(400);
  });

  it('keeps two faces apart, including a small one passing near a big one', () => {
    const frames = track([
      [0, [box(100, 100, 200), box(330, 150, 40)]],
      [5, [box(105, 100, 200), box(310, 150, 40)]],
    ]);
    expect(new Set(frames[2]?.map((b) => b.trackId)).size).toBe(2);
    expect(coveredBy(frames[2], box(318, 150, 40))).toBe(true);
  });

  it('refuses detections that go backwards', () => {
    const tracker = createFaceTracker();
    tracker.advance(5, []);
    expect(() => tracker.advance(5, [])).toThrow(RangeError);
  });
});
