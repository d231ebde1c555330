import { describe, expect, it } from 'vitest';
import { createFaceTracker, iou } from './face-tracker.ts';
import type { Box } from './obscure.ts';

const box = (x: number, y: number, size = 40): Box => ({ x, y, width: size, height: size });
const contains = (outer: Box, inner: Box) =>
  outer.x <= inner.x + 1e-9 &&
  outer.y <= inner.y + 1e-9 &&
  outer.x + outer.width >= inner.x + inner.width - 1e-9 &&
  outer.y + outer.height >= inner.y + inner.height - 1e-9;

describe('face tracker', () => {
  it('interpolates a face between detections and enlarges every box 1.5x', () => {
    const tracker = createFaceTracker();
    expect(tracker.advance(0, [box(100, 100)])).toEqual([]);
    const frames = tracker.advance(10, [box(120, 100)]);
    expect(frames).toHaveLength(10);
    expect(frames.every((f) => f.length === 1)).toBe(true);
    expect(new Set(frames.map((f) => f[0]?.trackId)).size).toBe(1);
    // frame 5 is half-way: the face is at x=110, its 1.5x box 100..160, plus a frame's motion either way
    const mid = frames[5]?.[0] as Box;
    expect(contains(mid, { x: 100, y: 90, width: 60, height: 60 })).toBe(true);
    expect(mid.width).toBeLessThan(60 + 2 * 2 * 1.5 + 1e-9);
    expect(iou(frames[0]?.[0] as Box, { x: 90, y: 90, width: 60, height: 60 })).toBeGreaterThan(0.9);
  });

  it('covers the whole sweep of a fast mover whose path may bend', () => {
    const tracker = createFaceTracker();
    tracker.advance(0, [box(0, 500, 60)]);
    // 300 px in 10 frames: five times its size
    const frames = tracker.advance(10, [box(300, 500, 60)]);
    for (let f = 0; f < 10; f++) {
      const covered = frames[f]?.[0] as Box;
      // wherever it is along the straight path within +-5 frames, it is inside the box
      for (let g = Math.max(0, f - 4); g <= Math.min(10, f + 4); g++) expect(contains(covered, box(30 * g, 500, 60))).toBe(true);
    }
  });

  it('holds a lost face for one more interval, moving on with its velocity, then lets it go', () => {
    const tracker = createFaceTracker();
    tracker.advance(0, [box(100, 100)]);
    tracker.advance(10, [box(120, 100)]);
    const lost = tracker.advance(20, []);
    expect(lost.every((f) => f.length === 1)).toBe(true);
    // it was moving 2 px per frame: by frame 19 it would be at 138
    expect(contains(lost[9]?.[0] as Box, box(138, 100))).toBe(true);
    expect(tracker.current()).toHaveLength(1);
    const held = tracker.advance(30, []);
    expect(held.every((f) => f.length === 1)).toBe(true);
    expect(tracker.current()).toHaveLength(0);
    expect(tracker.advance(40, []).every((f) => f.length === 0)).toBe(true);
  });

  it('re-finds a face missed once under the same track', () => {
    const tracker = createFaceTracker();
    tracker.advance(0, [box(100, 100)]);
    const first = tracker.advance(5, [box(110, 100)])[0]?.[0]?.trackId;
    tracker.advance(10, []);
    const again = tracker.advance(15, [box(130, 100)]);
    expect(again[0]?.[0]?.trackId).toBe(first);
    expect(again.every((f) => f.length === 1)).toBe(true);
  });

  it('extends a new face back over the interval before it was first seen', () => {
    const tracker = createFaceTracker();
    tracker.advance(0, []);
    const frames = tracker.advance(10, [box(500, 500)]);
    expect(frames.every((f) => f.length === 1 && contains(f[0] as Box, box(500, 500)))).toBe(true);
  });

  it('keeps two faces apart, including a small one passing near a big one', () => {
    const tracker = createFaceTracker();
    tracker.advance(0, [box(100, 100, 200), box(330, 150, 40)]);
    const frames = tracker.advance(5, [box(105, 100, 200), box(310, 150, 40)]);
    const ids = frames[2]?.map((b) => b.trackId) ?? [];
    expect(new Set(ids).size).toBe(2);
    const small = frames[2]?.find((b) => b.width < 100);
    expect(small && contains(small, box(318, 150, 40))).toBe(true);
  });

  it('refuses detections that go backwards', () => {
    const tracker = createFaceTracker();
    tracker.advance(5, []);
    expect(() => tracker.advance(5, [])).toThrow(RangeError);
  });
});
