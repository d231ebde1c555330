// From detections every N frames to a box for every face in every frame. Pure and incremental: the blur stream
// calls `advance(d, boxes)` as each detection becomes known and gets back the final boxes of the oldest frames
// (one interval behind, so that a face first seen at d can still be extended back over two intervals), then
// `finish()` after the last detection for everything left, including the last frame itself.
//
// Rules (issue 5): faces are matched across detections and their boxes interpolated in between; a fast mover's
// box covers the area it sweeps; a face lost by the detector is held (moving on with its last velocity) for one
// more interval; a new face is extended back over the two intervals before it was first seen (one missed
// detection at its birth is covered too), and one first seen near the frame's edge is stretched to that edge
// there, because that is where it came in; the last frame is always a detection (the caller's job). Every output
// box is the detector's box enlarged by `enlarge` about its centre.
import { type Box, enlargeBox } from './obscure.ts';

export interface TrackerOptions {
  /** Scale applied to every detector box (default 1.5). */
  enlarge?: number;
  /** Lowest IoU (or centre distance in box sizes) at which a detection continues a track. */
  matchIou?: number;
}

export interface TrackedBox extends Box {
  trackId: number;
}

interface Track {
  id: number;
  box: Box;
  /** Centre velocity in pixels per frame, from its last two sightings. */
  vx: number;
  vy: number;
  /** Detections in a row that missed it (0: seen at the last detection). */
  missed: number;
}

const centre = (b: Box) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });

export function iou(a: Box, b: Box): number {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

function lerpBox(a: Box, b: Box, t: number): Box {
  return {
    x: a.x + (b.x - a.x) * t,
    y: a.y + (b.y - a.y) * t,
    width: a.width + (b.width - a.width) * t,
    height: a.height + (b.height - a.height) * t,
  };
}

function boundingBox(boxes: readonly Box[]): Box {
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const b of boxes) {
    x0 = Math.min(x0, b.x);
    y0 = Math.min(y0, b.y);
    x1 = Math.max(x1, b.x + b.width);
    y1 = Math.max(y1, b.y + b.height);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

function shifted(box: Box, dx: number, dy: number): Box {
  return { ...box, x: box.x + dx, y: box.y + dy };
}

/** Fastest face motion matched across detections whatever its size, in pixels per frame (36 = a frame's width a second at 1080p30). */
const MAX_SPEED = 40;

/**
 * How well a detection continues a track: IoU with where the track is predicted to be, else closeness of centres
 * within a reach that grows with the interval (a fast mover's first two sightings may be far apart). Best pairs
 * are taken first, so a wide reach only joins faces that have no better partner; a wrong join only blurs more.
 */
function matchScore(track: Track, predicted: Box, box: Box, span: number): number {
  const overlap = iou(predicted, box);
  if (overlap > 0) return 1 + overlap;
  const p = centre(predicted);
  const c = centre(box);
  const size = Math.max(predicted.width, predicted.height, box.width, box.height);
  const reach = Math.max(size * (1.5 + 0.25 * span), MAX_SPEED * span);
  const distance = Math.hypot(p.x - c.x, p.y - c.y);
  // sizes must be alike too, or a small face passing a big one would take over its track
  const sizeRatio = Math.min(track.box.width, box.width) / Math.max(track.box.width, box.width);
  return distance < reach && sizeRatio > 0.5 ? 1 - distance / reach : 0;
}

export function createFaceTracker(options: TrackerOptions = {}) {
  const enlarge = options.enlarge ?? 1.5;
  const minScore = options.matchIou ?? 0.05;
  let tracks: Track[] = [];
  let lastFrame: number | null = null;
  let nextId = 1;

  /** Boxes for frames [a, b) given where each track was at a and is at b (or was lost / is new). */
  function interval(a: number, b: number, pairs: Array<{ id: number; from: Box; to: Box; kind: 'moved' | 'held' | 'new' }>) {
    const frames: TrackedBox[][] = [];
    const span = b - a;
    for (let f = a; f < b; f++) {
      const out: TrackedBox[] = [];
      for (const pair of pairs) {
        const at = (g: number) => lerpBox(pair.from, pair.to, span > 0 ? (Math.min(Math.max(g, a), b) - a) / span : 0);
        let box: Box;
        if (pair.kind === 'moved') {
          // Cover the positions around f too: one frame either way always, and for a face that moved further than
          // half its size between detections (a fast mover, whose path may not be a straight line) a wider sweep.
          const travel = Math.hypot(pair.to.x - pair.from.x, pair.to.y - pair.from.y);
          const size = Math.max(pair.from.width, pair.to.width);
          const sweep = travel > size / 2 ? Math.max(1, Math.ceil((span * Math.min(1, travel / size)) / 2)) : 1;
          const around: Box[] = [];
          for (let g = f - sweep; g <= f + sweep; g++) around.push(at(g));
          box = boundingBox(around);
        } else if (pair.kind === 'held') {
          // Lost: keep covering where it was, moving on as it moved, and everything in between.
          box = boundingBox([pair.from, at(f + 1)]);
        } else {
          // New: not seen at a; cover where it is first seen, stretched to a frame edge it is near.
          box = pair.to;
        }
        out.push({ trackId: pair.id, ...enlargeBox(box, enlarge) });
      }
      frames.push(out);
    }
    return frames;
  }

  /** Where a face first seen at `box` may have been before: there, or on its way in from a frame edge it is near. */
  function arrival(box: Box): Box {
    if (!frameSize) return box;
    const near = Math.max(box.width, box.height);
    let { x, y } = box;
    let x1 = box.x + box.width;
    let y1 = box.y + box.height;
    if (x < near) x = Math.min(x, 0);
    if (y < near) y = Math.min(y, 0);
    if (frameSize.width - x1 < near) x1 = Math.max(x1, frameSize.width);
    if (frameSize.height - y1 < near) y1 = Math.max(y1, frameSize.height);
    return { x, y, width: x1 - x, height: y1 - y };
  }

  let pending: TrackedBox[][] = [];
  let frameSize: { width: number; height: number } | null = null;

  return {
    /** The frame size, so faces near its edges can be extended to them (optional; without it boxes stay put). */
    setFrameSize(width: number, height: number) {
      frameSize = { width, height };
    },

    /**
     * The detection of frame `frame` is known. Returns the final boxes of the oldest frames not yet returned, in
     * order: the interval before the previous detection (empty for the first two calls).
     */
    advance(frame: number, detected: readonly Box[]): TrackedBox[][] {
      if (lastFrame !== null && frame <= lastFrame) throw new RangeError(`detections must move forward (${frame} after ${lastFrame})`);
      const span = lastFrame === null ? 0 : frame - lastFrame;
      // Greedy matching, best pairs first.
      const candidates: Array<{ t: number; d: number; score: number }> = [];
      tracks.forEach((track, t) => {
        const predicted = shifted(track.box, track.vx * span, track.vy * span);
        detected.forEach((box, d) => {
          const score = matchScore(track, predicted, box, span);
          if (score > minScore) candidates.push({ t, d, score });
        });
      });
      candidates.sort((x, y) => y.score - x.score);
      const trackTaken = new Set<number>();
      const boxTaken = new Set<number>();
      const pairs: Parameters<typeof interval>[2] = [];
      const next: Track[] = [];
      for (const { t, d } of candidates) {
        if (trackTaken.has(t) || boxTaken.has(d)) continue;
        trackTaken.add(t);
        boxTaken.add(d);
        const track = tracks[t] as Track;
        const box = detected[d] as Box;
        pairs.push({ id: track.id, from: track.box, to: box, kind: 'moved' });
        const c0 = centre(track.box);
        const c1 = centre(box);
        next.push({ id: track.id, box, vx: span > 0 ? (c1.x - c0.x) / span : 0, vy: span > 0 ? (c1.y - c0.y) / span : 0, missed: 0 });
      }
      tracks.forEach((track, t) => {
        if (trackTaken.has(t)) return;
        const predicted = shifted(track.box, track.vx * span, track.vy * span);
        // Held over [a, b) whatever happens; kept for one more interval only if this is its first miss.
        pairs.push({ id: track.id, from: track.box, to: predicted, kind: 'held' });
        if (track.missed === 0) next.push({ ...track, box: predicted, missed: 1 });
      });
      const born: TrackedBox[] = [];
      detected.forEach((box, d) => {
        if (boxTaken.has(d)) return;
        const id = nextId++;
        const before = arrival(box);
        pairs.push({ id, from: before, to: before, kind: 'new' });
        born.push({ trackId: id, ...enlargeBox(before, enlarge) });
        next.push({ id, box, vx: 0, vy: 0, missed: 0 });
      });
      // A face born now is extended back over the interval still held back too.
      if (born.length > 0) for (const boxes of pending) boxes.push(...born);
      const finished = pending;
      pending = lastFrame === null ? [] : interval(lastFrame, frame, pairs);
      tracks = next;
      lastFrame = frame;
      return finished;
    },

    /** After the last detection: the frames still held back, then the last detection's own frame. */
    finish(): TrackedBox[][] {
      const rest = [...pending, tracks.map((track) => ({ trackId: track.id, ...enlargeBox(track.box, enlarge) }))];
      pending = [];
      return rest;
    },
  };
}

export type FaceTracker = ReturnType<typeof createFaceTracker>;
