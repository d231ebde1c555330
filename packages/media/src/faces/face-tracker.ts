// From detections every N frames to a box for every face in every frame. Pure and incremental: the blur stream
// calls `advance(d, boxes)` as each detection becomes known and gets back the final boxes of the oldest frames
// (two intervals behind, so that a face first seen at d can still be extended back over three intervals), then
// `finish()` after the last detection for everything left, including the last frame itself.
//
// Rules (issue 5): faces are matched across detections and their boxes interpolated in between; a fast mover's
// box covers the area it sweeps; a face lost by the detector is held (moving on with its last velocity) for one
// more interval, or, near a frame edge (where faces leave and where half a face is hard to detect), for up to
// LEAVING_HOLD intervals once it was seen twice, stretched to that edge, until it is predicted out of the frame; a
// new face is extended back over the two intervals before it was first seen (one missed detection at its birth is
// covered too), and one first seen near the frame's edge over three, stretched to that edge there, because that is
// where it came in; at its second sighting, when its velocity is known, it is also extended back along its path
// over the frames still held (a fast mover missed, or taken for another face, before). The last frame is always a
// detection (the caller's job). Every output box is the detector's box enlarged by `enlarge` about its centre;
// completeEdgeFaces() then completes faces cut by the frame edge.
//
// Verdicts: detections may carry FaceMesh's second opinion (`faceScore`, face-check.ts). A track is confirmed when
// any of its detections scores at least FACE_CONFIRMED; one checked twice or more and never confirmed, or once when
// the detector was unsure of it too (SURE_DETECTION), is not a face (a cat, a cup) and `rejected()` lists it, so
// the caller can drop all its boxes, extensions included. Boxes cut by one frame edge carry FaceMesh's score on the
// mirrored crop (`edgeFaceScore`), trusted less: it confirms a track the same way, but rejects one only when none of
// its edge checks reached EDGE_NOT_FACE (a grey zone in between keeps the track) and the detector was unsure of it
// too. A track never checked (in a corner, mostly outside the frame, or too small) is kept: a missed face is a
// privacy failure.
import { type Box, enlargeBox } from './obscure.ts';
import { iou } from './tiles.ts';

/** FaceMesh score from which a track is confirmed as a face (measured: faces' tracks >= 0.95, others <= 0.08). */
export const FACE_CONFIRMED = 0.5;

/** A detector box, with its detector score and FaceMesh's score when it could be checked. */
export interface DetectedBox extends Box {
  score?: number;
  faceScore?: number;
  /** FaceMesh on the crop mirrored past the frame edge (a box cut by one edge). */
  edgeFaceScore?: number;
}

/**
 * A track checked by FaceMesh only once is rejected on that one verdict only if the detector was unsure of it too:
 * real faces from 100 px scored >= 0.76 on the generated clips, the boxes on suits and furniture 0.5-0.6. (Single
 * FaceMesh crops of real faces fail now and then; several in a row do not.)
 */
export const SURE_DETECTION = 0.75;

/**
 * A track checked only on mirrored edge crops is not a face when none of them scored this: measured on the generated
 * clips, every real face cut by one edge had a crop scoring >= 0.83, the boxes on a cat, furniture and suits at the
 * edges <= 0.05 (docs/face-detection.md).
 */
export const EDGE_NOT_FACE = 0.2;

/**
 * Smallest box (longer side, frame px) whose FaceMesh "no face" counts against its track; a smaller one's check can
 * only confirm. FaceMesh scores real faces ~1 from ~27 px, and what the detector boxes under that next to a face is
 * often a part of it: in the 'edges' clip, the visible corner of a face cut by two edges was boxed at 23-26 px, those
 * crops scored 0.00, and the tracks they joined were dropped with the face (protection 84.1%; with this rule 95.7%,
 * every other clip unchanged: docs/face-detection.md).
 */
export const MESH_TRUSTED_BOX = 27;

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

interface Verdict {
  /** Detections of it. */
  seen: number;
  /** Its best detector score. */
  bestScore: number;
  /** Detections of it that FaceMesh could check. */
  checks: number;
  /** Detections of it checked on a mirrored edge crop, and their best score. */
  edgeChecks: number;
  bestEdgeScore: number;
  confirmed: boolean;
}

const centre = (b: Box) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });

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

/** Most intervals a lost face near a frame edge is held (moving on with its velocity) before it is given up. */
export const LEAVING_HOLD = 4;

/** Fastest face motion matched across detections whatever its size, in pixels per frame (36 = a frame's width a second at 1080p30; the generated fast mover does 43). */
const MAX_SPEED = 60;

function longerSide(box: Box): number {
  return Math.max(box.width, box.height);
}

/**
 * How well a detection continues a track: IoU with where the track is predicted to be, else closeness of centres
 * within a reach that grows with the interval (a fast mover's first two sightings may be far apart). Best pairs
 * are taken first, so a wide reach only joins faces that have no better partner; a wrong join only blurs more.
 */
function matchScore(track: Track, predicted: Box, box: Box, span: number, verdict: Verdict | undefined): number {
  const confirmed = verdict?.confirmed === true;
  const overlap = iou(predicted, box);
  // Overlapping a confirmed face, but under half its size: a part of it (an eye, a sliver at the edge), not the
  // face, which does not shrink 2x between two detections. Taken for it, it shrank the box of a face cut by the
  // edge to 13% of the face on a clip's last frame (on a CPU whose kernels scored the face itself just under
  // MIN_SCORE there); left alone, the face is held where it was going. Unconfirmed tracks match as before: a large
  // unchecked false box followed by the smaller ones FaceMesh then rejects must stay one track, rejected whole.
  if (overlap > 0) return confirmed && longerSide(box) < 0.5 * longerSide(predicted) ? 0 : 1 + overlap;
  const p = centre(predicted);
  const c = centre(box);
  const size = Math.max(predicted.width, predicted.height, box.width, box.height);
  let reach = Math.max(size * (1.5 + 0.25 * span), MAX_SPEED * span);
  // A face FaceMesh confirmed, whose motion is known (seen twice), does not jump aside from where it was going by
  // more than its own travel: a leaving face's track took a false box at the frame edge 230 px across from it (the
  // face then went uncovered while it left), where it should have been held at its prediction.
  if (confirmed && (verdict?.seen ?? 0) >= 2) reach = Math.min(reach, 0.75 * size + Math.hypot(track.vx, track.vy) * span);
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
  const verdicts = new Map<number, Verdict>();
  const judge = (id: number, box: DetectedBox) => {
    const verdict = verdicts.get(id) ?? { seen: 0, bestScore: 0, checks: 0, edgeChecks: 0, bestEdgeScore: 0, confirmed: false };
    verdict.seen++;
    verdict.bestScore = Math.max(verdict.bestScore, box.score ?? 1);
    if (box.faceScore !== undefined && (box.faceScore >= FACE_CONFIRMED || longerSide(box) >= MESH_TRUSTED_BOX)) {
      verdict.checks++;
      if (box.faceScore >= FACE_CONFIRMED) verdict.confirmed = true;
    }
    if (box.edgeFaceScore !== undefined) {
      verdict.edgeChecks++;
      verdict.bestEdgeScore = Math.max(verdict.bestEdgeScore, box.edgeFaceScore);
      if (box.edgeFaceScore >= FACE_CONFIRMED) verdict.confirmed = true;
    }
    verdicts.set(id, verdict);
  };

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
          // Lost: keep covering where it was, moving on as it moved, and everything in between; near an edge, up to
          // the edge (it is leaving, or is too cut to be found).
          box = towardEdge(boundingBox([pair.from, at(f + 1)]));
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

  /** A box stretched to every frame edge it is near (within its own size): where a face comes in or goes out. */
  function towardEdge(box: Box): Box {
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

  /** Whether a box is near (within its own size of) a frame edge and still at least partly inside the frame. */
  function nearEdge(box: Box): boolean {
    if (!frameSize) return false;
    const near = Math.max(box.width, box.height);
    const inside = box.x < frameSize.width && box.y < frameSize.height && box.x + box.width > 0 && box.y + box.height > 0;
    return inside && (box.x < near || box.y < near || frameSize.width - (box.x + box.width) < near || frameSize.height - (box.y + box.height) < near);
  }

  /** Frames not yet returned: the last two intervals, so a face born at an edge can be extended back over them. */
  let pending: Array<{ start: number; frames: TrackedBox[][] }> = [];
  let frameSize: { width: number; height: number } | null = null;

  return {
    /** The frame size, so faces near its edges can be extended to them (optional; without it boxes stay put). */
    setFrameSize(width: number, height: number) {
      frameSize = { width, height };
    },

    /**
     * The detection of frame `frame` is known. Returns the final boxes of the oldest frames not yet returned, in
     * order: the interval ending two detections ago (empty for the first three calls).
     */
    advance(frame: number, detected: readonly DetectedBox[]): TrackedBox[][] {
      if (lastFrame !== null && frame <= lastFrame) throw new RangeError(`detections must move forward (${frame} after ${lastFrame})`);
      const span = lastFrame === null ? 0 : frame - lastFrame;
      // Greedy matching, best pairs first.
      const candidates: Array<{ t: number; d: number; score: number }> = [];
      tracks.forEach((track, t) => {
        const predicted = shifted(track.box, track.vx * span, track.vy * span);
        detected.forEach((box, d) => {
          const score = matchScore(track, predicted, box, span, verdicts.get(track.id));
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
        const box = detected[d] as DetectedBox;
        judge(track.id, box);
        pairs.push({ id: track.id, from: track.box, to: box, kind: 'moved' });
        const c0 = centre(track.box);
        const c1 = centre(box);
        const vx = span > 0 ? (c1.x - c0.x) / span : 0;
        const vy = span > 0 ? (c1.y - c0.y) / span : 0;
        // Seen for the second time: now its velocity is known, so where it was before its first sighting (a fast
        // mover missed, or taken for another face, there) is covered too, back over the frames still held.
        if (verdicts.get(track.id)?.seen === 2 && lastFrame !== null) {
          const born = lastFrame;
          const at = (g: number) => shifted(track.box, vx * (g - born), vy * (g - born));
          for (const held of pending) {
            held.frames.forEach((boxes, k) => {
              const f = held.start + k;
              boxes.push({ trackId: track.id, ...enlargeBox(boundingBox([at(f - 1), at(f), at(f + 1)]), enlarge) });
            });
          }
        }
        next.push({ id: track.id, box, vx, vy, missed: 0 });
      }
      tracks.forEach((track, t) => {
        if (trackTaken.has(t)) return;
        const predicted = shifted(track.box, track.vx * span, track.vy * span);
        // Held over [a, b) whatever happens; kept for one more interval if this is its first miss, or for up to
        // LEAVING_HOLD near an edge while it is predicted to be still in the frame.
        pairs.push({ id: track.id, from: track.box, to: predicted, kind: 'held' });
        const leaving = track.missed < LEAVING_HOLD && nearEdge(predicted) && (verdicts.get(track.id)?.seen ?? 0) >= 2;
        if (track.missed === 0 || leaving) next.push({ ...track, box: predicted, missed: track.missed + 1 });
      });
      detected.forEach((box, d) => {
        if (boxTaken.has(d)) return;
        const id = nextId++;
        judge(id, box);
        const before = towardEdge(box);
        pairs.push({ id, from: before, to: before, kind: 'new' });
        // A face born now is extended back over the interval still held back too, or both held back at an edge.
        const back = nearEdge(box) ? pending : pending.slice(-1);
        for (const boxes of back.flatMap((p) => p.frames)) boxes.push({ trackId: id, ...enlargeBox(before, enlarge) });
        next.push({ id, box, vx: 0, vy: 0, missed: 0 });
      });
      if (lastFrame !== null) pending.push({ start: lastFrame, frames: interval(lastFrame, frame, pairs) });
      const finished = pending.length > 2 ? (pending.shift()?.frames ?? []) : [];
      tracks = next;
      lastFrame = frame;
      return finished;
    },

    /**
     * Where the live tracks FaceMesh has already confirmed were seen at the last detection (detector boxes): the
     * detector need not check them again (face-check.ts). Skipping a check can only keep a track, never reject one.
     */
    confirmedFaces(): Box[] {
      return tracks.filter((t) => t.missed === 0 && verdicts.get(t.id)?.confirmed).map((t) => ({ ...t.box }));
    },

    /** How many detections a track had (0 for an unknown id). */
    sightings(trackId: number): number {
      return verdicts.get(trackId)?.seen ?? 0;
    },

    /** Tracks FaceMesh checked and never confirmed: not faces (see the top of this file). */
    rejected(): Set<number> {
      const notFace = (v: Verdict) =>
        !v.confirmed &&
        (v.checks >= 2 || (v.checks === 1 && v.bestScore < SURE_DETECTION) || (v.edgeChecks > 0 && v.bestEdgeScore < EDGE_NOT_FACE && v.bestScore < SURE_DETECTION));
      return new Set([...verdicts].filter(([, v]) => notFace(v)).map(([id]) => id));
    },

    /** After the last detection: the frames still held back, then the last detection's own frame. */
    finish(): TrackedBox[][] {
      const rest = [...pending.flatMap((p) => p.frames), tracks.map((track) => ({ trackId: track.id, ...enlargeBox(track.box, enlarge) }))];
      pending = [];
      return rest;
    },
  };
}

export type FaceTracker = ReturnType<typeof createFaceTracker>;

/** Size of a face never seen whole, as a multiple of the larger side of what shows (measured on the edge clips). */
export const EDGE_GUESS = 4 / 3;

/**
 * Faces cut by the frame edge are whole faces partly outside it. The detector's box for the visible part is too
 * small (a 26 px sliver of a 130 px face comes out 25x51), and enlarging a small box adds a small margin. Given
 * the final boxes of a whole clip (enlarged by `enlarge`), every box of a track that reaches an edge is completed
 * to the track's usual face size, learnt from its boxes that do not reach an edge: along the edge it grows about its
 * centre, across the edge it grows outwards, then it is enlarged about its new centre. A track never seen whole
 * and detected more than once is taken to be square and EDGE_GUESS times what shows of it. A box never shrinks.
 * Mutates `frames`.
 */
export function completeEdgeFaces(frames: TrackedBox[][], width: number, height: number, enlarge: number, sightings: (trackId: number) => number): void {
  const reachesEdge = (b: Box) => b.x <= 0 || b.y <= 0 || b.x + b.width >= width || b.y + b.height >= height;
  const sizes = new Map<number, { w: number[]; h: number[] }>();
  for (const boxes of frames) {
    for (const b of boxes) {
      if (reachesEdge(b)) continue;
      const s = sizes.get(b.trackId) ?? { w: [], h: [] };
      s.w.push(b.width / enlarge);
      s.h.push(b.height / enlarge);
      sizes.set(b.trackId, s);
    }
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;
  const usual = new Map([...sizes].map(([id, s]) => [id, { w: median(s.w), h: median(s.h) }]));
  // One axis of the raw (unenlarged) box: [lo, hi] completed to `full` given which frame edges it reaches.
  const axis = (lo: number, hi: number, full: number, atLow: boolean, atHigh: boolean): [number, number] => {
    if (hi - lo >= full || (atLow && atHigh)) return [lo, hi];
    if (atLow) return [hi - full, hi];
    if (atHigh) return [lo, lo + full];
    const c = (lo + hi) / 2;
    return [c - full / 2, c + full / 2];
  };
  for (const boxes of frames) {
    boxes.forEach((b, i) => {
      if (!reachesEdge(b)) return;
      const raw = enlargeBox(b, 1 / enlarge);
      // never seen whole (a face in a corner, or at an edge all along): square, a third larger than what shows;
      // unless it was seen only once (most likely not a face, and held on at the edge where it was lost)
      const guess = Math.max(raw.width, raw.height) * EDGE_GUESS;
      const full = usual.get(b.trackId) ?? (sightings(b.trackId) >= 2 ? { w: guess, h: guess } : null);
      if (!full) return;
      const [x0, x1] = axis(raw.x, raw.x + raw.width, full.w, b.x <= 0, b.x + b.width >= width);
      const [y0, y1] = axis(raw.y, raw.y + raw.height, full.h, b.y <= 0, b.y + b.height >= height);
      const done = enlargeBox({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, enlarge);
      boxes[i] = { trackId: b.trackId, ...boundingBox([b, done]) };
    });
  }
}
