// Plans a face clip without touching a pixel: which sprites move where in every frame, and from that the truth.
// Pure and deterministic for a seed, so the truth can be checked (and reproduced) without rendering anything.
import { intersect } from './metrics.ts';
import { CAT, PEOPLE, type Person, type SpriteSpec, faceSprite, propSprite } from './sprites.ts';
import type { FaceClipTruth, FaceScenario, Rect, TruthBox } from './truth.ts';

export interface SceneOptions {
  scenario: FaceScenario;
  /** Display size (what a viewer sees, after rotation). */
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  seed: number;
}

export interface Layer {
  /** Truth id for a face; null for a prop (the cat). */
  id: number | null;
  sprite: SpriteSpec;
}

/** A sprite's top-left corner in display pixels for one frame. */
export interface Placement {
  layer: number;
  x: number;
  y: number;
}

export interface ScenePlan extends SceneOptions {
  /** Multiplies the whole picture ('dark' is dim, everything else 1). */
  brightness: number;
  layers: Layer[];
  /** Per frame, in drawing order; only sprites that reach into the frame. */
  placements: Placement[][];
}

/** Brightness of the 'dark' scenario: a dim room, still a real picture. */
export const DARK_BRIGHTNESS = 0.18;

type Point = { x: number; y: number };
/** Centre of the face box (or of a prop) at time t seconds. */
type Path = (t: number) => Point;

interface Track {
  sprite: SpriteSpec;
  path: Path;
  /** Shown for start <= t < end. */
  start: number;
  end: number;
}

/** mulberry32: small, fast and the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const between = (rng: Random, lo: number, hi: number) => lo + (hi - lo) * rng();
const TAU = Math.PI * 2;
const smoothstep = (t: number) => {
  const c = Math.min(1, Math.max(0, t));
  return c * c * (3 - 2 * c);
};

function spriteBox(track: Track, t: number): { sprite: Rect; face: Rect | null } {
  const c = track.path(t);
  const s = track.sprite;
  if (!s.face) {
    const x = Math.round(c.x - s.width / 2);
    const y = Math.round(c.y - s.height / 2);
    return { sprite: { x, y, width: s.width, height: s.height }, face: null };
  }
  const fx = Math.round(c.x - s.face.width / 2);
  const fy = Math.round(c.y - s.face.height / 2);
  return {
    sprite: { x: fx - s.face.x, y: fy - s.face.y, width: s.width, height: s.height },
    face: { x: fx, y: fy, width: s.face.width, height: s.face.height },
  };
}

const active = (track: Track, t: number) => t >= track.start && t < track.end;

/** The part of a sprite that can hide what is under it (its ellipse's rim is transparent). */
function occluder(sprite: Rect): Rect {
  return { x: sprite.x + sprite.width * 0.1, y: sprite.y + sprite.height * 0.1, width: sprite.width * 0.8, height: sprite.height * 0.8 };
}

const area = (r: Rect | null) => (r ? r.width * r.height : 0);

/** True when either face would be hidden (more than 2%) by the other sprite in some frame. */
function conflicts(a: Track, b: Track, times: readonly number[]): boolean {
  for (const t of times) {
    if (!active(a, t) || !active(b, t)) continue;
    const pa = spriteBox(a, t);
    const pb = spriteBox(b, t);
    if (pa.face && area(intersect(pa.face, occluder(pb.sprite))) > 0.02 * area(pa.face)) return true;
    if (pb.face && area(intersect(pb.face, occluder(pa.sprite))) > 0.02 * area(pb.face)) return true;
  }
  return false;
}

interface Frame {
  width: number;
  height: number;
  seconds: number;
}

/** A slow Lissajous drift that keeps the face (not necessarily its context) inside the frame. */
function wander(rng: Random, f: Frame, sprite: SpriteSpec, reach = 1): Path {
  const face = sprite.face ?? { x: 0, y: 0, width: sprite.width, height: sprite.height };
  const margin = 0.02 * f.width;
  let ax = between(rng, 0.04, 0.18) * f.width * reach;
  let ay = between(rng, 0.02, 0.08) * f.height * reach;
  ax = Math.max(0, Math.min(ax, (f.width - face.width) / 2 - margin));
  ay = Math.max(0, Math.min(ay, (f.height - face.height) / 2 - margin));
  const bx = between(rng, face.width / 2 + ax + margin, f.width - face.width / 2 - ax - margin);
  const by = between(rng, face.height / 2 + ay + margin, f.height - face.height / 2 - ay - margin);
  const px = between(rng, 5, 12);
  const py = between(rng, 6, 14);
  const phx = between(rng, 0, TAU);
  const phy = between(rng, 0, TAU);
  return (t) => ({ x: bx + ax * Math.sin((TAU * t) / px + phx), y: by + ay * Math.sin((TAU * t) / py + phy) });
}

/** Straight across the frame, from wholly outside one side edge to wholly outside the other, with a gentle sway. */
function crossing(rng: Random, f: Frame, sprite: SpriteSpec, start: number, end: number): Path {
  const face = sprite.face as Rect;
  const outside = sprite.width * 0.55 + 2;
  const leftToRight = rng() < 0.5;
  const x0 = leftToRight ? -outside : f.width + outside;
  const x1 = leftToRight ? f.width + outside : -outside;
  const y0 = between(rng, face.height, f.height - face.height);
  const y1 = Math.min(f.height - face.height, Math.max(face.height, y0 + between(rng, -0.1, 0.1) * f.height));
  const sway = between(rng, 0, 0.02) * f.height;
  return (t) => {
    const u = (t - start) / (end - start);
    return { x: x0 + (x1 - x0) * u, y: y0 + (y1 - y0) * u + sway * Math.sin(TAU * u) };
  };
}

/** Pops in at an inside point, then walks out through the top or bottom edge by `end`. */
function popThenExit(rng: Random, f: Frame, sprite: SpriteSpec, start: number, end: number): Path {
  const face = sprite.face as Rect;
  const p0 = {
    x: between(rng, face.width, f.width - face.width),
    y: between(rng, 0.3, 0.7) * f.height,
  };
  const down = rng() < 0.5;
  const outside = sprite.height * 0.6 + 2;
  const p1 = { x: p0.x + between(rng, -0.2, 0.2) * f.width, y: down ? f.height + outside : -outside };
  return (t) => {
    const u = smoothstep((t - start) / (end - start)) * 0.5 + ((t - start) / (end - start)) * 0.5;
    return { x: p0.x + (p1.x - p0.x) * u, y: p0.y + (p1.y - p0.y) * u };
  };
}

/** Walks in through a side edge, slows down, then drifts where it stopped. */
function enterAndStay(rng: Random, f: Frame, sprite: SpriteSpec, start: number): Path {
  const face = sprite.face as Rect;
  const fromLeft = rng() < 0.5;
  const outside = sprite.width * 0.55 + 2;
  const x0 = fromLeft ? -outside : f.width + outside;
  const stop = {
    x: fromLeft ? between(rng, 0.15, 0.45) * f.width : between(rng, 0.55, 0.85) * f.width,
    y: between(rng, face.height * 2, f.height - face.height * 2),
  };
  const arrive = Math.max(0.5, 0.25 * f.seconds);
  const drift = wander(rng, f, sprite, 0.15);
  const d0 = drift(start + arrive);
  return (t) => {
    const u = smoothstep((t - start) / arrive);
    const d = drift(t);
    return { x: x0 + (stop.x - x0) * u + (d.x - d0.x) * u, y: stop.y + (d.y - d0.y) * u };
  };
}

/** Half in, half out at one edge (or a corner), how much shows swinging between about 30% and 75%. */
function atEdge(rng: Random, f: Frame, sprite: SpriteSpec, edge: 'left' | 'right' | 'top' | 'bottom' | 'corner'): Path {
  const face = sprite.face as Rect;
  const along = wander(rng, f, sprite);
  const period = between(rng, 3, 7);
  const phase = between(rng, 0, TAU);
  const corner = { right: rng() < 0.5, bottom: rng() < 0.5 };
  const shown = (t: number, shift = 0) => 0.52 + 0.22 * Math.sin((TAU * t) / period + phase + shift);
  const inX = (v: number, right: boolean) => (right ? f.width - face.width * (v - 0.5) : face.width * (v - 0.5));
  const inY = (v: number, bottom: boolean) => (bottom ? f.height - face.height * (v - 0.5) : face.height * (v - 0.5));
  return (t) => {
    const p = along(t);
    const v = shown(t);
    switch (edge) {
      case 'left':
      case 'right':
        return { x: inX(v, edge === 'right'), y: p.y };
      case 'top':
      case 'bottom':
        return { x: p.x, y: inY(v, edge === 'bottom') };
      case 'corner':
        return { x: inX(v, corner.right), y: inY(shown(t, 1.3), corner.bottom) };
    }
  };
}

interface FaceTemplate {
  /** Face width at a 1080-pixel short side. */
  size: number;
  propose: (rng: Random, sprite: SpriteSpec) => Omit<Track, 'sprite'>;
}

function crowdTemplates(f: Frame): FaceTemplate[] {
  const T = f.seconds;
  const whole = (path: Path) => ({ path, start: 0, end: Number.POSITIVE_INFINITY });
  const fastStart = 0.45 * T;
  const fastEnd = fastStart + Math.min(1, 0.5 * T);
  return [
    { size: 240, propose: (rng, s) => whole(wander(rng, f, s)) },
    { size: 180, propose: (rng, s) => whole(wander(rng, f, s)) },
    // the fast mover: across the whole frame in about a second
    { size: 110, propose: (rng, s) => ({ path: crossing(rng, f, s, fastStart, fastEnd), start: fastStart, end: fastEnd }) },
    { size: 130, propose: (rng, s) => ({ path: crossing(rng, f, s, 0.1 * T, 0.85 * T), start: 0.1 * T, end: 0.85 * T }) },
    { size: 90, propose: (rng, s) => ({ path: popThenExit(rng, f, s, 0.25 * T, 0.9 * T), start: 0.25 * T, end: 0.9 * T }) },
    { size: 64, propose: (rng, s) => whole(wander(rng, f, s)) },
    { size: 48, propose: (rng, s) => ({ path: wander(rng, f, s), start: 0.1 * T, end: 0.65 * T }) },
    { size: 40, propose: (rng, s) => ({ path: enterAndStay(rng, f, s, 0.5 * T), start: 0.5 * T, end: Number.POSITIVE_INFINITY }) },
  ];
}

function edgeTemplates(f: Frame): FaceTemplate[] {
  const whole = (path: Path) => ({ path, start: 0, end: Number.POSITIVE_INFINITY });
  return (['left', 'right', 'top', 'bottom', 'corner'] as const).map((edge, i) => ({
    size: [200, 160, 130, 180, 110][i] as number,
    propose: (rng, s) => whole(atEdge(rng, f, s, edge)),
  }));
}

/** Places faces one by one (largest first), re-drawing a face's path until it hides no face and is hidden by none. */
function placeFaces(rng: Random, f: Frame, templates: FaceTemplate[], times: readonly number[]): Track[] {
  const scale = Math.min(f.width, f.height) / 1080;
  const first = Math.floor(rng() * PEOPLE.length);
  const tracks: Track[] = [];
  templates.forEach((template, i) => {
    const person = PEOPLE[(first + i) % PEOPLE.length] as Person;
    const sprite = faceSprite(person, Math.max(16, Math.round(template.size * scale)), rng() < 0.5);
    for (let attempt = 0; attempt < 300; attempt++) {
      const candidate: Track = { sprite, ...template.propose(rng, sprite) };
      if (!tracks.some((placed) => conflicts(candidate, placed, times))) {
        tracks.push(candidate);
        return;
      }
    }
  });
  return tracks;
}

function closeupTracks(rng: Random, f: Frame): Track[] {
  const sprite = faceSprite('grace_hopper', Math.round(0.72 * f.width), rng() < 0.5);
  const ax = 0.03 * f.width;
  const ay = 0.015 * f.height;
  const px = between(rng, 4, 6);
  const py = between(rng, 5, 7);
  const phase = between(rng, 0, TAU);
  const path: Path = (t) => ({ x: f.width / 2 + ax * Math.sin((TAU * t) / px + phase), y: 0.45 * f.height + ay * Math.sin((TAU * t) / py) });
  return [{ sprite, path, start: 0, end: Number.POSITIVE_INFINITY }];
}

function catTracks(rng: Random, f: Frame): Track[] {
  const big = propSprite(CAT, Math.round(0.85 * f.width), rng() < 0.5);
  const small = propSprite(CAT, Math.round(0.4 * f.width), rng() < 0.5);
  return [
    { sprite: big, path: wander(rng, f, big, 0.5), start: 0, end: Number.POSITIVE_INFINITY },
    { sprite: small, path: wander(rng, f, small), start: 0, end: Number.POSITIVE_INFINITY },
  ];
}

export function planScene(options: SceneOptions): ScenePlan {
  const { width, height, fps, frameCount, seed, scenario } = options;
  const rng = seededRandom(seed);
  const f: Frame = { width, height, seconds: frameCount / fps };
  const times = Array.from({ length: frameCount }, (_, n) => n / fps);
  let tracks: Track[];
  switch (scenario) {
    case 'crowd':
    case 'dark':
    case 'rotated':
      tracks = placeFaces(rng, f, crowdTemplates(f), times);
      break;
    case 'edges':
      tracks = placeFaces(rng, f, edgeTemplates(f), times);
      break;
    case 'closeup':
      tracks = closeupTracks(rng, f);
      break;
    case 'none':
      tracks = catTracks(rng, f);
      break;
  }
  let nextId = 1;
  const layers: Layer[] = tracks.map((t) => ({ id: t.sprite.face ? nextId++ : null, sprite: t.sprite }));
  const frameRect = { x: 0, y: 0, width, height };
  const placements = times.map((t) =>
    tracks.flatMap((track, layer): Placement[] => {
      if (!active(track, t)) return [];
      const { sprite } = spriteBox(track, t);
      return intersect(sprite, frameRect) ? [{ layer, x: sprite.x, y: sprite.y }] : [];
    }),
  );
  return { ...options, brightness: scenario === 'dark' ? DARK_BRIGHTNESS : 1, layers, placements };
}

/** Every face box that reaches into the frame, per frame. */
export function truthOf(plan: ScenePlan): FaceClipTruth {
  const frameRect = { x: 0, y: 0, width: plan.width, height: plan.height };
  const frames = plan.placements.map((placed) =>
    placed.flatMap(({ layer, x, y }): TruthBox[] => {
      const { id, sprite } = plan.layers[layer] as Layer;
      if (id === null || !sprite.face) return [];
      const box = { id, x: x + sprite.face.x, y: y + sprite.face.y, width: sprite.face.width, height: sprite.face.height };
      return intersect(box, frameRect) ? [box] : [];
    }),
  );
  return { width: plan.width, height: plan.height, fps: plan.fps, frameCount: plan.frameCount, frames };
}
