import { describe, expect, it } from 'vitest';
import { completeEdgeFaces, createFaceTracker, LEAVING_HOLD, MESH_TRUSTED_BOX, type DetectedBox, type TrackedBox } from './face-tracker.ts';
import { iou } from './tiles.ts';
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

  it('holds a face lost near an edge, moving on to it, while it is predicted in the frame (LEAVING_HOLD at most)', () => {
    // slow: 1 px per frame towards the bottom edge (1920); lost at frame 20 with its bottom at 1910
    const slow = track([[0, [box(500, 1850)]], [10, [box(500, 1860)]], [20, []], [30, []], [40, []], [50, []], [60, []], [70, [], ], [80, []]]);
    // at frame 25 it would be at 1875: covered, down to the edge
    expect(coveredBy(slow[25], { x: 500, y: 1875, width: 40, height: 45 })).toBe(true);
    expect(slow.slice(10, 10 + 10 * LEAVING_HOLD).every((f) => f.length === 1)).toBe(true);
    expect(slow.slice(10 + 10 * (LEAVING_HOLD + 1)).every((f) => f.length === 0)).toBe(true);
    // fast: 4 px per frame; predicted out of the frame by frame 40, so given up there
    const fast = track([[0, [box(500, 1780)]], [10, [box(500, 1820)]], [20, []], [30, []], [40, []], [50, []], [60, []]]);
    expect(coveredBy(fast[25], { x: 500, y: 1880, width: 40, height: 40 })).toBe(true);
    expect(fast.slice(40).every((f) => f.length === 0)).toBe(true);
  });

  it('holds a face lost away from the edges for one interval only, and one seen once near an edge too', () => {
    const inside = track([[0, [box(500, 900)]], [10, [box(500, 900)]], [20, []], [30, []], [40, []]]);
    expect(inside.slice(30).every((f) => f.length === 0)).toBe(true);
    const once = track([[0, []], [10, [box(1030, 900)]], [20, []], [30, []], [40, []]]);
    expect(once.slice(30).every((f) => f.length === 0)).toBe(true);
  });

  it('extends a face first seen at an edge back over three intervals, an inner one over two', () => {
    const frames = track([[0, []], [10, []], [20, []], [30, []], [40, [box(0, 900, 60), box(500, 500)]]]);
    expect(frames.slice(10).every((f) => coveredBy(f, { x: 0, y: 900, width: 60, height: 60 }))).toBe(true);
    expect(frames.slice(0, 10).every((f) => !coveredBy(f, { x: 0, y: 900, width: 60, height: 60 }))).toBe(true);
    expect(frames.slice(20).every((f) => coveredBy(f, box(500, 500)))).toBe(true);
    expect(frames.slice(0, 20).every((f) => !coveredBy(f, box(500, 500)))).toBe(true);
  });

  it('rejects tracks FaceMesh checked and never confirmed, keeps confirmed and never-checked ones', () => {
    const tracker = createFaceTracker();
    tracker.setFrameSize(1080, 1920);
    const cat: DetectedBox = { ...box(100, 100, 300), faceScore: 0.02 };
    const face: DetectedBox = { ...box(600, 100, 100), faceScore: 0.03 };
    const cut: DetectedBox = box(0, 1000, 80); // at the edge: not checked
    const frames = [...tracker.advance(0, [cat, face, cut]), ...tracker.advance(5, [{ ...cat, faceScore: 0.07 }, { ...face, faceScore: 0.97 }, cut])];
    frames.push(...tracker.finish());
    // the track whose box holds the detection's centre
    const idAt = (d: Box) => frames[0]?.find((b) => contains(b, { x: d.x + d.width / 2, y: d.y + d.height / 2, width: 0, height: 0 }) && b.width < d.width * 2)?.trackId;
    const [catId, faceId, cutId] = [idAt(cat), idAt(face), idAt(cut)];
    expect(new Set([catId, faceId, cutId]).size).toBe(3);
    expect(tracker.rejected()).toEqual(new Set([catId]));
    expect(tracker.rejected().has(faceId as number)).toBe(false);
    expect(tracker.rejected().has(cutId as number)).toBe(false);
    expect(tracker.sightings(catId as number)).toBe(2);
  });

  it('does not shrink a confirmed face onto a small box inside it (an eye, a sliver), but an unconfirmed one still follows', () => {
    const face: DetectedBox = { ...box(400, 800, 160), faceScore: 0.97 };
    const eye: DetectedBox = { ...box(440, 840, 40), score: 0.55, faceScore: 0.01 };
    const tracker = createFaceTracker();
    tracker.setFrameSize(1080, 1920);
    // the face, confirmed, then at the last frame the detector sees only something a quarter its size inside it
    const frames = [...tracker.advance(0, [face]), ...tracker.advance(5, [face]), ...tracker.advance(10, [eye])];
    frames.push(...tracker.finish());
    expect(frames).toHaveLength(11);
    // held where it was (it did not move): still covered on every frame, the last one too
    for (const [f, boxes] of frames.entries()) expect(coveredBy(boxes, face), `frame ${f}`).toBe(true);
    // the small box became a track of its own, which FaceMesh rejected
    expect(tracker.rejected().size).toBe(1);

    // Never confirmed (say, a large box FaceMesh could not check): the smaller box inside continues it, so that the
    // track is judged, and rejected, as one.
    const big: DetectedBox = box(300, 700, 400);
    const small: DetectedBox = { ...box(420, 820, 150), faceScore: 0.01 };
    const other = createFaceTracker();
    other.setFrameSize(1080, 1920);
    const seen = [...other.advance(0, [big]), ...other.advance(5, [small]), ...other.advance(10, [small])];
    seen.push(...other.finish());
    expect(new Set(seen.flat().map((b) => b.trackId)).size).toBe(1);
    expect(other.rejected().size).toBe(1);
  });

  it('does not move a confirmed, slow face onto a box its motion cannot explain; a fast one still follows its path', () => {
    // A face leaving through the bottom edge, ~4 px a frame down, confirmed; at frame 15 the detector misses it and
    // finds a false box at the edge 230 px across instead (measured on the crowd clip).
    const at = (f: number): DetectedBox => ({ ...box(100, 1800 + 4 * f, 80), faceScore: 0.97 });
    const edgeNoise: DetectedBox = { ...box(330, 1870, 55), score: 0.55 };
    const tracker = createFaceTracker();
    tracker.setFrameSize(1080, 1920);
    const frames = [...tracker.advance(0, [at(0)]), ...tracker.advance(5, [at(5)]), ...tracker.advance(10, [at(10)]), ...tracker.advance(15, [edgeNoise])];
    frames.push(...tracker.finish());
    expect(frames).toHaveLength(16);
    // held on its way out: covered to the last frame; the false box is a track of its own
    for (const f of [11, 13, 15]) expect(coveredBy(frames[f], box(100, Math.min(1800 + 4 * f, 1840), 80)), `frame ${f}`).toBe(true);
    expect(new Set(frames.flat().map((b) => b.trackId)).size).toBe(2);

    // A confirmed fast face (40 px a frame) whose path bends by half a face still continues its track.
    const fast = (f: number, dx = 0): DetectedBox => ({ ...box(300 + dx, 400 + 40 * f, 80), faceScore: 0.97 });
    const other = createFaceTracker();
    other.setFrameSize(1080, 1920);
    const seen = [...other.advance(0, [fast(0)]), ...other.advance(5, [fast(5)]), ...other.advance(10, [fast(10, 60)])];
    seen.push(...other.finish());
    expect(new Set(seen.flat().map((b) => b.trackId)).size).toBe(1);
  });

  it('extends a fast face back along its path once its second sighting gives its velocity', () => {
    // 40 px per frame downwards: first seen at frame 20 (y 1000), again at 25 (y 1200); at frame 17 it was at y 880
    const frames = track([
      [0, []],
      [10, []],
      [15, []],
      [20, [box(500, 1000)]],
      [25, [box(500, 1200)]],
      [30, [box(500, 1400)]],
    ]);
    for (const f of [12, 15, 17, 19]) expect(coveredBy(frames[f], box(500, 1000 - 40 * (20 - f))), `frame ${f}`).toBe(true);
    expect(coveredBy(frames[22], box(500, 1080))).toBe(true);
  });

  it("does not reject a track on FaceMesh's 'no face' for a box under MESH_TRUSTED_BOX (a part of a face), but is confirmed by one", () => {
    const tracker = createFaceTracker();
    tracker.setFrameSize(1080, 1920);
    const small = MESH_TRUSTED_BOX - 3;
    // a corner face's visible part: unchecked in the corner, boxed small (and checked) next to it at two detections
    const sliver: DetectedBox = { ...box(30, 1860, small), score: 0.55, faceScore: 0.0 };
    tracker.advance(0, [sliver]);
    tracker.advance(5, [{ ...box(0, 1862, small + 4), score: 0.6 }]);
    tracker.advance(10, [{ ...sliver, x: 28 }]);
    // the same at MESH_TRUSTED_BOX is rejected (checked twice, never confirmed), and a small box can still confirm
    const big: DetectedBox = { ...box(500, 900, MESH_TRUSTED_BOX), score: 0.55, faceScore: 0.0 };
    const confirmedSmall: DetectedBox = { ...box(800, 300, small), score: 0.55, faceScore: 0.97 };
    tracker.advance(15, [big, confirmedSmall]);
    tracker.advance(20, [big, { ...confirmedSmall, faceScore: 0.0 }]);
    tracker.finish();
    // ids in order of birth: 1 the sliver's track, 2 the 27 px box, 3 the small confirmed one
    expect(tracker.sightings(1)).toBe(3);
    expect(tracker.rejected()).toEqual(new Set([2]));
    expect(tracker.confirmedFaces()).toHaveLength(1);
  });

  it('rejects a track checked once only when the detector was unsure of it too', () => {
    const tracker = createFaceTracker();
    tracker.setFrameSize(1080, 1920);
    const unsure: DetectedBox = { ...box(100, 100, 200), score: 0.55, faceScore: 0.01 };
    const sure: DetectedBox = { ...box(600, 900, 200), score: 0.9, faceScore: 0.04 };
    tracker.advance(0, [unsure, sure]);
    tracker.advance(5, [{ ...box(100, 1500, 200), score: 0.6 }]);
    tracker.finish();
    // ids are given in order of birth: 1 the unsure box, 2 the sure one, 3 the box without a check
    expect(tracker.rejected()).toEqual(new Set([1]));
  });

  it('judges tracks cut by an edge on their mirrored checks: confirmed from 0.5, rejected below EDGE_NOT_FACE if unsure', () => {
    const tracker = createFaceTracker();
    tracker.setFrameSize(1080, 1920);
    // ids in order of birth: 1 a cat's face at the left edge, 2 a face at the right edge, 3 a grey-zone box at the
    // bottom, 4 a box the detector was sure of, 5 an edge box FaceMesh could not check
    const detections: DetectedBox[] = [
      { ...box(0, 300, 200), score: 0.55, edgeFaceScore: 0.01 },
      { ...box(960, 700, 120), score: 0.6, edgeFaceScore: 0.12 },
      { ...box(400, 1840, 80), score: 0.55, edgeFaceScore: 0.3 },
      { ...box(0, 1100, 120), score: 0.9, edgeFaceScore: 0.02 },
      { ...box(500, 0, 60), score: 0.55 },
    ];
    tracker.advance(0, detections);
    tracker.advance(5, detections.map((d, i) => (i === 1 ? { ...d, edgeFaceScore: 0.93 } : { ...d })));
    tracker.finish();
    expect(tracker.rejected()).toEqual(new Set([1]));
    expect(tracker.confirmedFaces()).toEqual([expect.objectContaining({ x: 960, y: 700 })]);
  });

  it('lists where the confirmed faces were last seen, and not unconfirmed or lost ones', () => {
    const tracker = createFaceTracker();
    tracker.setFrameSize(1080, 1920);
    const face: DetectedBox = { ...box(600, 100, 100), faceScore: 0.97 };
    const cat: DetectedBox = { ...box(100, 800, 300), faceScore: 0.02 };
    tracker.advance(0, [face, cat, box(300, 1500)]);
    expect(tracker.confirmedFaces()).toEqual([expect.objectContaining({ x: 600, y: 100, width: 100, height: 100 })]);
    // seen again without a check (skipped): still confirmed, at its new place
    tracker.advance(5, [box(610, 110, 100), cat]);
    expect(tracker.confirmedFaces()).toEqual([expect.objectContaining({ x: 610, y: 110, width: 100, height: 100 })]);
    // lost at the next detection: no longer listed
    tracker.advance(10, [cat]);
    expect(tracker.confirmedFaces()).toEqual([]);
  });

  it('refuses detections that go backwards', () => {
    const tracker = createFaceTracker();
    tracker.advance(5, []);
    expect(() => tracker.advance(5, [])).toThrow(RangeError);
  });
});

describe('completeEdgeFaces', () => {
  const tb = (trackId: number, b: Box): TrackedBox => ({ trackId, ...b });
  const enlarged = (b: Box) => ({ x: b.x - b.width / 4, y: b.y - b.height / 4, width: b.width * 1.5, height: b.height * 1.5 });

  it("completes a face cut by the left edge to the track's usual size: along the edge about its centre, across it outwards", () => {
    // seen whole as 100x100 at x = 300; a 26 px sliver at the left edge was detected as 25x50
    const frames = [[tb(1, enlarged(box(300, 1000, 100)))], [tb(1, enlarged({ x: 0, y: 1020, width: 25, height: 50 }))]];
    completeEdgeFaces(frames, 1080, 1920, 1.5, () => 2);
    const done = frames[1]?.[0] as TrackedBox;
    // the whole face: x -75..25 (100 wide, ending where the sliver ends), y 995..1095 (about the sliver's centre),
    // enlarged 1.5x about its centre
    expect(done.x).toBeCloseTo(-100);
    expect(done.x + done.width).toBeCloseTo(50);
    expect(done.y).toBeCloseTo(995 - 25);
    expect(done.height).toBeCloseTo(150);
    // a box not reaching an edge is left alone
    expect(frames[0]?.[0]).toEqual(tb(1, enlarged(box(300, 1000, 100))));
  });

  it('guesses the size of a face never seen whole (a corner) when it was detected twice, never shrinks a box', () => {
    const corner = enlarged({ x: 0, y: 1880, width: 60, height: 40 });
    const frames = [[tb(1, corner), tb(2, corner)]];
    completeEdgeFaces(frames, 1080, 1920, 1.5, (id) => (id === 1 ? 2 : 1));
    const [guessed, once] = frames[0] as TrackedBox[];
    // 80x80 (60 * 4/3, square) ending at x = 60, starting at y = 1880, enlarged
    expect(guessed?.x).toBeCloseTo(-20 - 20);
    expect(guessed?.y).toBeCloseTo(1880 - 20);
    expect(guessed?.x as number).toBeLessThanOrEqual(corner.x);
    expect(once).toEqual(tb(2, corner));
  });
});
