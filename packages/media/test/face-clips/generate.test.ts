// Generates a short clip of every scenario with real ffmpeg and checks the file (ffprobe through probeMedia, a full
// decode) and the pixels: the decoded picture is what was painted, and each truth box holds the face it names.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaProbe } from '../../src/media-probe.ts';
import { probeMedia } from '../../src/probe.ts';
import { type SceneAssets, composeFrame, loadAssets } from './compose.ts';
import { generateFaceClip, planFaceClip } from './generate.ts';
import { intersect } from './metrics.ts';
import type { ScenePlan } from './scenarios.ts';
import { PEOPLE, PERSON_IMAGES, decodeStill, dim } from './sprites.ts';
import { FACE_SCENARIOS, type FaceClipTruth, type FaceScenario, type Rect, type TruthBox } from './truth.ts';

const execFileAsync = promisify(execFile);

// short and small so the whole file stays fast; the 15 s 1080 x 1920 default is planned (not rendered) in scenarios.test.ts
const SHORT = { width: 540, height: 960, seconds: 3, fps: 30, seed: 7 };
const CHECKED_FRAMES = [10, 45, 80];

interface Generated {
  path: string;
  truth: FaceClipTruth;
  plan: ScenePlan;
  assets: SceneAssets;
  probe: MediaProbe;
  /** Decoded display frames (autorotated, as players show them), one per CHECKED_FRAMES entry. */
  decoded: Uint8Array[];
}

let work: string;
const clips = new Map<FaceScenario, Generated>();

async function decodeDisplayFrames(path: string, frames: number[], width: number, height: number): Promise<Uint8Array[]> {
  const select = `select=${frames.map((n) => `eq(n\\,${n})`).join('+')}`;
  const { stdout } = await execFileAsync(
    'ffmpeg',
    ['-v', 'error', '-nostdin', '-i', path, '-vf', select, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    { encoding: 'buffer', maxBuffer: frames.length * width * height * 3 + 1024 },
  );
  const size = width * height * 3;
  expect(stdout.length).toBe(frames.length * size);
  return frames.map((_, i) => new Uint8Array(stdout.buffer, stdout.byteOffset + i * size, size));
}

async function decodedFrameCount(path: string): Promise<number> {
  const { stdout } = await execFileAsync('ffprobe', [
    '-v',
    'error',
    '-count_frames',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=nb_read_frames',
    '-of',
    'csv=p=0',
    path,
  ]);
  return Number.parseInt(stdout.trim(), 10);
}

/** Mean absolute difference per channel over `region` of a width-wide frame; `ref(x, y, c)` gives the other side. */
function meanAbsDiff(frame: Uint8Array, width: number, region: Rect, ref: (x: number, y: number, c: number) => number): number {
  let sum = 0;
  let n = 0;
  for (let y = region.y; y < region.y + region.height; y++) {
    for (let x = region.x; x < region.x + region.width; x++) {
      for (let c = 0; c < 3; c++) {
        sum += Math.abs((frame[(y * width + x) * 3 + c] as number) - ref(x, y, c));
        n++;
      }
    }
  }
  return n === 0 ? 0 : sum / n;
}

const area = (r: Rect | null) => (r ? r.width * r.height : 0);
const pixel = (buf: Uint8Array, width: number) => (x: number, y: number, c: number) => buf[(y * width + x) * 3 + c] as number;

function mean(buf: Uint8Array): number {
  let sum = 0;
  for (const v of buf) sum += v;
  return sum / buf.length;
}

/** The middle 60% of a box: fully opaque in the sprite, away from the faded rim. */
function innerOf(box: Rect): Rect {
  return {
    x: Math.round(box.x + box.width * 0.2),
    y: Math.round(box.y + box.height * 0.2),
    width: Math.round(box.width * 0.6),
    height: Math.round(box.height * 0.6),
  };
}

const innerVisible = (box: Rect, width: number, height: number) => intersect(innerOf(box), { x: 0, y: 0, width, height });

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'onward-face-clips-'));
  // two at a time: two cores
  const queue = [...FACE_SCENARIOS];
  const worker = async () => {
    for (let scenario = queue.shift(); scenario; scenario = queue.shift()) {
      const path = join(work, `${scenario}.mp4`);
      const truth = await generateFaceClip({ scenario, outPath: path, ...SHORT });
      const plan = planFaceClip({ scenario, ...SHORT });
      const probe = await probeMedia(path);
      const decoded = await decodeDisplayFrames(path, CHECKED_FRAMES, SHORT.width, SHORT.height);
      clips.set(scenario, { path, truth, plan, assets: await loadAssets(plan), probe, decoded });
    }
  };
  await Promise.all([worker(), worker()]);
}, 120_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const got = (scenario: FaceScenario) => clips.get(scenario) as Generated;

describe('generated face clips', () => {
  it.each(FACE_SCENARIOS)('%s: an H.264 + AAC MP4 of the asked length, rate and size, one truth list per frame', async (scenario) => {
    const { path, truth, probe } = got(scenario);
    const rotated = scenario === 'rotated';
    expect(probe.formatNames).toContain('mp4');
    expect(probe.video).toMatchObject({
      codec: 'h264',
      pixelFormat: 'yuv420p',
      // stored sideways, shown upright: the coded picture of the rotated clip is landscape
      width: rotated ? 960 : 540,
      height: rotated ? 540 : 960,
      rotation: rotated ? 90 : 0,
      avgFrameRate: { num: 30, den: 1 },
      vfr: false,
      packetCount: 90,
    });
    expect(probe.audio).toMatchObject({ codec: 'aac', channels: 2 });
    expect(probe.durationMs).toBeGreaterThanOrEqual(2980);
    expect(probe.durationMs).toBeLessThanOrEqual(3100);
    expect(truth).toMatchObject({ width: 540, height: 960, fps: 30, frameCount: 90 });
    expect(truth.frames).toHaveLength(await decodedFrameCount(path));
  });

  it.each(FACE_SCENARIOS)('%s: the decoded picture is the painted one (orientation included)', (scenario) => {
    const { plan, assets, decoded } = got(scenario);
    const painted = new Uint8Array(plan.width * plan.height * 3);
    const whole = { x: 0, y: 0, width: plan.width, height: plan.height };
    for (const [i, frame] of CHECKED_FRAMES.entries()) {
      composeFrame(plan, assets, frame, painted);
      const diff = meanAbsDiff(decoded[i] as Uint8Array, plan.width, whole, pixel(painted, plan.width));
      // x264 at CRF 18 plus 4:2:0 chroma: a couple of levels; a turned or shifted picture is tens of levels off
      expect(diff).toBeLessThan(3);
    }
  });

  it.each(['crowd', 'closeup', 'edges', 'rotated', 'dark'] as const)(
    '%s: each truth box holds its face: unlike the background there, and the fixture face itself',
    async (scenario) => {
      const { plan, assets, truth, decoded } = got(scenario);
      const background = new Uint8Array(plan.width * plan.height * 3);
      let comparedWithFixture = 0;
      for (const [i, frame] of CHECKED_FRAMES.entries()) {
        composeFrame(plan, assets, frame, background, { sprites: false });
        const picture = decoded[i] as Uint8Array;
        const boxes = truth.frames[frame] as TruthBox[];
        expect(boxes.length).toBeGreaterThan(0);
        for (const box of boxes) {
          const region = innerVisible(box, plan.width, plan.height);
          if (!region) continue;
          const fromBackground = meanAbsDiff(picture, plan.width, region, pixel(background, plan.width));
          expect(fromBackground, `frame ${frame} face ${box.id} vs background`).toBeGreaterThan(12 * plan.brightness);
          // tiny faces and slivers: the box's whole-pixel rounding (up to a pixel) dominates, skip the pixel match
          if (box.width < 40 || area(region) < 0.4 * area(innerOf(box))) continue;
          // the face rectangle of the still image, scaled to the truth box: the same picture, pixel for pixel
          const layer = plan.layers.find((l) => l.id === box.id);
          const person = PEOPLE.find((p) => PERSON_IMAGES[p].file === layer?.sprite.file);
          expect(person).toBeDefined();
          const image = PERSON_IMAGES[person as (typeof PEOPLE)[number]];
          const face = dim(await decodeStill(image.file, image.face, box.width, box.height, layer?.sprite.mirror), plan.brightness);
          const at = (dx: number) => (x: number, y: number, c: number) => {
            const fx = Math.min(box.width - 1, Math.max(0, x - box.x + dx));
            return face[((y - box.y) * box.width + fx) * 3 + c] as number;
          };
          const match = meanAbsDiff(picture, plan.width, region, at(0));
          const shifted = meanAbsDiff(picture, plan.width, region, at(Math.round(0.15 * box.width)));
          // resampling phase (a box is whole pixels, the face scale is not) leaves a few levels on fine detail
          expect(match, `frame ${frame} face ${box.id}`).toBeLessThan(16 * Math.max(plan.brightness, 0.4));
          expect(shifted, `frame ${frame} face ${box.id} shifted`).toBeGreaterThan(2.5 * match);
          comparedWithFixture++;
        }
      }
      expect(comparedWithFixture).toBeGreaterThanOrEqual(scenario === 'crowd' || scenario === 'rotated' || scenario === 'dark' ? 6 : 3);
    },
  );

  it("'none' shows the cats over the background and lists no face", () => {
    const { truth, decoded, plan, assets } = got('none');
    expect(truth.frames.flat()).toEqual([]);
    const background = new Uint8Array(plan.width * plan.height * 3);
    for (const [i, frame] of CHECKED_FRAMES.entries()) {
      composeFrame(plan, assets, frame, background, { sprites: false });
      const placed = plan.placements[frame] ?? [];
      expect(placed).toHaveLength(2);
      for (const { layer, x, y } of placed) {
        const { width, height } = plan.layers[layer]?.sprite ?? { width: 0, height: 0 };
        const region = innerVisible({ x, y, width, height }, plan.width, plan.height) as Rect;
        expect(meanAbsDiff(decoded[i] as Uint8Array, plan.width, region, pixel(background, plan.width))).toBeGreaterThan(12);
      }
    }
  });

  it('reports an ffmpeg failure (here: the output path is a folder) instead of hanging on the pipe', async () => {
    await expect(generateFaceClip({ scenario: 'crowd', outPath: work, ...SHORT, seconds: 1 })).rejects.toThrow(/ffmpeg failed \(exit \d+\): .+/);
  });

  it('is the same clip, pixel for pixel, each time it is made (one x264 thread: several give other pictures run to run)', async () => {
    const md5 = async (path: string) =>
      (await execFileAsync('ffmpeg', ['-v', 'error', '-i', path, '-map', '0:v', '-f', 'md5', '-'])).stdout.trim();
    const made: string[] = [];
    for (const n of [1, 2]) {
      const outPath = join(work, `again-${n}.mp4`);
      await generateFaceClip({ scenario: 'crowd', outPath, seconds: 6, seed: 3 });
      made.push(await md5(outPath));
    }
    expect(made[0]).toMatch(/^MD5=[0-9a-f]{32}$/);
    expect(made[1]).toBe(made[0]);
  });

  it("'dark' is the crowd at about a sixth of its brightness", () => {
    const dark = got('dark');
    const crowd = got('crowd');
    expect(dark.truth).toEqual(crowd.truth);
    for (const [i] of CHECKED_FRAMES.entries()) {
      const ratio = mean(dark.decoded[i] as Uint8Array) / mean(crowd.decoded[i] as Uint8Array);
      expect(ratio).toBeGreaterThan(0.14);
      expect(ratio).toBeLessThan(0.22);
    }
  });
});
