// The frame detector the blur pipeline uses, with the real model in a real worker thread: faces of every size the
// issue names pasted into full frames are found where they are, nothing is found in coffee.png, any frame shape
// works, concurrent calls answer like sequential ones, and close() ends the worker.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaceBox, type FrameDetector, type RgbFrame, createFrameDetector } from '../src/faces/frame-detector.ts';
import type { Person } from './face-clips/sprites.ts';
import { type Rect, bestIou, canvas, decodeFixture, pasteFace, scaleFrame } from './face-frames.ts';

const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

let detector: FrameDetector;
let coffee: RgbFrame;

beforeAll(async () => {
  const started = performance.now();
  detector = await createFrameDetector();
  coffee = await decodeFixture('coffee.png');
  console.log(`frame detector ready in ${(performance.now() - started).toFixed(0)} ms`);
});

afterAll(async () => {
  await detector?.close();
});

/** A frame of the coffee table (tiled) with `person`'s face `size` px wide centred at (cx, cy). */
async function faceFrame(width: number, height: number, person: Person, size: number, cx: number, cy: number): Promise<{ frame: RgbFrame; face: Rect }> {
  const frame = canvas(width, height, coffee);
  const face = await pasteFace(frame, person, size, cx, cy);
  return { frame, face };
}

function describeBoxes(boxes: readonly FaceBox[]): string {
  return boxes.map((b) => `${b.x.toFixed(0)},${b.y.toFixed(0)} ${b.width.toFixed(0)}x${b.height.toFixed(0)} @${b.score.toFixed(2)}`).join('; ');
}

describe('createFrameDetector on 1080x1920 frames', () => {
  // positions as fractions of the frame: centre, corners' neighbourhood, odd offsets against the model's 16/32 px grid
  const positions = [
    [0.5, 0.5],
    [0.13, 0.09],
    [0.87, 0.93],
    [0.29, 0.71],
    [0.71, 0.33],
  ] as const;

  it.each([
    { size: 40, person: 'astronaut' },
    { size: 40, person: 'grace_hopper' },
    { size: 60, person: 'astronaut' },
    { size: 60, person: 'grace_hopper' },
    { size: 100, person: 'astronaut' },
    { size: 100, person: 'grace_hopper' },
    { size: 240, person: 'astronaut' },
    { size: 240, person: 'grace_hopper' },
  ] as const)('finds a $size px face ($person) at five positions, each box on the face (IoU >= 0.5)', async ({ size, person }) => {
    for (const [fx, fy] of positions) {
      const { frame, face } = await faceFrame(1080, 1920, person, size, Math.round(fx * 1080) + 3, Math.round(fy * 1920) + 7);
      const boxes = await detector.detect(frame);
      const overlap = bestIou(boxes, face);
      expect(overlap, `face ${JSON.stringify(face)} -> ${describeBoxes(boxes)}`).toBeGreaterThanOrEqual(0.5);
    }
  });

  it.each(['astronaut', 'grace_hopper'] as const)('finds a close-up face about 900 px wide (%s)', async (person) => {
    for (const cy of [700, 1000]) {
      const { frame, face } = await faceFrame(1080, 1920, person, 900, 540, cy);
      const boxes = await detector.detect(frame);
      expect(bestIou(boxes, face), `face ${JSON.stringify(face)} -> ${describeBoxes(boxes)}`).toBeGreaterThanOrEqual(0.5);
    }
  });

  it('finds a face cut in half by the left edge of the frame', async () => {
    const { frame, face } = await faceFrame(1080, 1920, 'grace_hopper', 160, 10, 900);
    const visible = { ...face, x: 0, width: face.x + face.width };
    const boxes = await detector.detect(frame);
    expect(bestIou(boxes, visible), `visible ${JSON.stringify(visible)} -> ${describeBoxes(boxes)}`).toBeGreaterThanOrEqual(0.5);
  });

  it('finds every face of a frame holding several sizes at once, and nothing on the background', async () => {
    const frame = canvas(1080, 1920, coffee);
    const faces = [
      await pasteFace(frame, 'grace_hopper', 240, 300, 300),
      await pasteFace(frame, 'astronaut', 100, 800, 700),
      await pasteFace(frame, 'grace_hopper', 60, 250, 1100),
      await pasteFace(frame, 'astronaut', 40, 800, 1500),
    ];
    const boxes = await detector.detect(frame);
    for (const face of faces) expect(bestIou(boxes, face), `${JSON.stringify(face)} -> ${describeBoxes(boxes)}`).toBeGreaterThanOrEqual(0.5);
    // (a box on a person's suit or cap may happen: recall first; the bare coffee table gets none)
    const onSomeStill = (b: FaceBox) => faces.some(({ still: s }) => b.x < s.x + s.width && b.x + b.width > s.x && b.y < s.y + s.height && b.y + b.height > s.y);
    expect(boxes.filter((b) => !onSomeStill(b)), describeBoxes(boxes)).toEqual([]);
  });
});

describe('frames without faces', () => {
  it('finds nothing in coffee.png', async () => {
    expect(await detector.detect(coffee)).toEqual([]);
  });

  it('finds nothing in a black 1080x1920 frame, nor in the cat-free part of the coffee table scaled up', async () => {
    expect(await detector.detect(canvas(1080, 1920))).toEqual([]);
    // coffee.png enlarged 2x: the cup (which BlazeFace half-believes at some scales) is 400 px here
    expect(await detector.detect(scaleFrame(coffee, 1200, 800))).toEqual([]);
  });
});

describe("FaceMesh's second opinion (faceScore)", () => {
  it('confirms real faces of 40-240 px inside the frame', async () => {
    for (const size of [40, 100, 240]) {
      const { frame, face } = await faceFrame(1080, 1920, 'grace_hopper', size, 540, 900);
      const boxes = await detector.detect(frame);
      const onFace = boxes.filter((b) => bestIou([b], face) >= 0.3);
      expect(onFace.length, describeBoxes(boxes)).toBeGreaterThan(0);
      for (const b of onFace) expect(b.faceScore, `${size} px`).toBeGreaterThanOrEqual(0.5);
    }
  });

  it('does not confirm the cat BlazeFace takes for a face, and leaves a face cut by the edge unscored', async () => {
    const cat = await decodeFixture('chelsea.png');
    const big = scaleFrame(cat, 1080, 718);
    const catBoxes = await detector.detect(big);
    expect(catBoxes.length, 'BlazeFace still sees a face in the cat').toBeGreaterThan(0);
    for (const b of catBoxes) if (b.faceScore !== undefined) expect(b.faceScore).toBeLessThan(0.5);
    expect(catBoxes.some((b) => b.faceScore !== undefined)).toBe(true);
    const { frame } = await faceFrame(1080, 1920, 'astronaut', 240, 40, 900);
    const cut = await detector.detect(frame);
    expect(cut.length).toBeGreaterThan(0);
    expect(cut.filter((b) => b.x <= 1).every((b) => b.faceScore === undefined)).toBe(true);
  });
});

describe('any frame shape', () => {
  it('works on a landscape 1920x1080 frame', async () => {
    const { frame, face } = await faceFrame(1920, 1080, 'astronaut', 80, 1500, 300);
    const boxes = await detector.detect(frame);
    expect(bestIou(boxes, face), describeBoxes(boxes)).toBeGreaterThanOrEqual(0.5);
  });

  it('works on a 4K 3840x2160 frame', async () => {
    const { frame, face } = await faceFrame(3840, 2160, 'grace_hopper', 60, 3000, 1700);
    const boxes = await detector.detect(frame);
    expect(bestIou(boxes, face), describeBoxes(boxes)).toBeGreaterThanOrEqual(0.5);
  });

  it('works on a tiny 96x128 frame with a 50 px face, and on a 1x1 frame', async () => {
    const { frame, face } = await faceFrame(96, 128, 'grace_hopper', 50, 48, 60);
    const boxes = await detector.detect(frame);
    expect(bestIou(boxes, face), describeBoxes(boxes)).toBeGreaterThanOrEqual(0.5);
    expect(await detector.detect({ rgb: new Uint8Array(3), width: 1, height: 1 })).toEqual([]);
  });

  it('finds smaller faces when asked to (minFaceSize 24)', async () => {
    const small = await createFrameDetector({ minFaceSize: 24 });
    try {
      const { frame, face } = await faceFrame(1080, 1920, 'grace_hopper', 26, 401, 777);
      const boxes = await small.detect(frame);
      expect(bestIou(boxes, face), describeBoxes(boxes)).toBeGreaterThanOrEqual(0.5);
    } finally {
      await small.close();
    }
  });
});

describe('concurrency and lifecycle', () => {
  it('gives concurrent calls the same boxes as sequential ones, on one and on two threads', async () => {
    const frames = await Promise.all(
      [
        ['astronaut', 60, 300, 400],
        ['grace_hopper', 120, 700, 1300],
        ['astronaut', 240, 500, 900],
        ['grace_hopper', 45, 900, 200],
      ].map(async ([person, size, x, y]) => (await faceFrame(1080, 1920, person as Person, size as number, x as number, y as number)).frame),
    );
    const sequential: FaceBox[][] = [];
    for (const frame of frames) sequential.push(await detector.detect(frame));
    expect(sequential.every((boxes) => boxes.length >= 1)).toBe(true);
    // reversed and all at once
    const concurrent = await Promise.all([...frames].reverse().map((frame) => detector.detect(frame)));
    expect(concurrent.reverse()).toEqual(sequential);
    const two = await createFrameDetector({ threads: 2 });
    try {
      expect(await Promise.all(frames.map((frame) => two.detect(frame)))).toEqual(sequential);
    } finally {
      await two.close();
    }
  });

  it('leaves the caller\'s frame untouched', async () => {
    const { frame } = await faceFrame(1080, 1920, 'astronaut', 100, 500, 500);
    const copy = frame.rgb.slice();
    await detector.detect(frame);
    expect(frame.rgb.length).toBe(copy.length);
    expect(Buffer.from(frame.rgb.buffer, frame.rgb.byteOffset, frame.rgb.length).equals(copy)).toBe(true);
  });

  it('answers detections already started when closed, then refuses new ones', async () => {
    const own = await createFrameDetector();
    const { frame, face } = await faceFrame(1080, 1920, 'grace_hopper', 100, 500, 500);
    const pending = own.detect(frame);
    const closed = own.close();
    expect(bestIou(await pending, face)).toBeGreaterThanOrEqual(0.5);
    await closed;
    await expect(own.detect(frame)).rejects.toThrow(/closed/);
    await own.close(); // twice is fine
  });

  it('ends its worker threads on close(): a process using it exits by itself', async () => {
    const moduleUrl = new URL('../src/faces/frame-detector.ts', import.meta.url).href;
    const script = `
      import { Worker } from 'node:worker_threads';
      const { createFrameDetector } = await import(${JSON.stringify(moduleUrl)});
      const detector = await createFrameDetector({ threads: 2 });
      const faces = await detector.detect({ rgb: new Uint8Array(64 * 64 * 3), width: 64, height: 64 });
      await detector.close();
      process.stdout.write(JSON.stringify({ faces }));
      // no process.exit(): a worker still running would keep this process alive until the timeout kills it
    `;
    const started = performance.now();
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], {
      cwd: repoRoot,
      timeout: 30_000,
    });
    expect(JSON.parse(stdout)).toEqual({ faces: [] });
    console.log(`child with a 2-thread detector exited ${(performance.now() - started).toFixed(0)} ms after start`);
  });

  it("gives its threads' memory back on close(): their models and frames", async () => {
    const moduleUrl = new URL('../src/faces/frame-detector.ts', import.meta.url).href;
    // A fresh process, so that nothing else in it allocates meanwhile. Most of this drop is the threads' isolates and
    // sessions, which go without the malloc trim too; that the trim returns what their arenas kept is proven in
    // native-memory.test.ts.
    const script = `
      const { createFrameDetector } = await import(${JSON.stringify(moduleUrl)});
      const { readFileSync } = await import('node:fs');
      const rss = () => Number(readFileSync('/proc/self/statm', 'utf8').split(' ')[1]) * 4096 / 1048576;
      const detector = await createFrameDetector({ threads: 2 });
      const frame = { rgb: new Uint8Array(1080 * 1920 * 3).fill(90), width: 1080, height: 1920 };
      for (let i = 0; i < 3; i++) await Promise.all([detector.detect(frame), detector.detect(frame)]);
      const loaded = rss();
      await detector.close();
      await new Promise((resolve) => setTimeout(resolve, 200));
      process.stdout.write(JSON.stringify({ loaded, closed: rss() }));
    `;
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], {
      cwd: repoRoot,
      timeout: 60_000,
    });
    const { loaded, closed } = JSON.parse(stdout) as { loaded: number; closed: number };
    console.log(`resident with the detector's threads ${loaded.toFixed(0)} MB, after close() ${closed.toFixed(0)} MB`);
    expect(loaded - closed).toBeGreaterThan(100);
  });
});

/** BT.601 limited-range yuv420p of an RGB frame (chroma from each 2x2 block's top-left pixel). */
function rgbToYuv420(frame: RgbFrame): Uint8Array {
  const { rgb, width, height } = frame;
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  const out = new Uint8Array(width * height + 2 * cw * ch);
  const at = (x: number, y: number) => [rgb[(y * width + x) * 3] as number, rgb[(y * width + x) * 3 + 1] as number, rgb[(y * width + x) * 3 + 2] as number];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = at(x, y) as [number, number, number];
      out[y * width + x] = Math.round(16 + 0.257 * r + 0.504 * g + 0.098 * b);
    }
  }
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const [r, g, b] = at(2 * x, 2 * y) as [number, number, number];
      out[width * height + y * cw + x] = Math.round(128 - 0.148 * r - 0.291 * g + 0.439 * b);
      out[width * height + cw * ch + y * cw + x] = Math.round(128 + 0.439 * r - 0.368 * g - 0.071 * b);
    }
  }
  return out;
}

/** Pids of this process's children running the isolated detector's host script. */
function detectorProcesses(): number[] {
  const pids: number[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('frame-detector-process')) pids.push(Number(pid));
    } catch {
      // ended meanwhile
    }
  }
  return pids;
}

describe('createFrameDetector({ isolated: true })', () => {
  it('finds the same faces in a child process of its own, which is gone once closed', async () => {
    const { frame, face } = await faceFrame(1080, 1920, 'grace_hopper', 100, 500, 500);
    const yuv = { yuv: rgbToYuv420(frame), width: frame.width, height: frame.height };
    const isolated = await createFrameDetector({ isolated: true, threads: 2 });
    try {
      expect(detectorProcesses()).toHaveLength(1);
      const [rgbFaces, yuvFaces] = await Promise.all([isolated.detect(frame), isolated.detect(yuv)]);
      expect(rgbFaces).toEqual(await detector.detect(frame));
      expect(yuvFaces).toEqual(await detector.detect(yuv));
      expect(bestIou(rgbFaces, face)).toBeGreaterThanOrEqual(0.5);
    } finally {
      await isolated.close();
    }
    expect(detectorProcesses()).toEqual([]);
    await expect(isolated.detect(frame)).rejects.toThrow(/closed/);
    await isolated.close(); // twice is fine
  });

  it('fails detections with a clear error when its process dies, and still closes', async () => {
    const { frame } = await faceFrame(1080, 1920, 'astronaut', 100, 500, 500);
    const isolated = await createFrameDetector({ isolated: true });
    const [pid] = detectorProcesses();
    expect(pid).toBeDefined();
    const pending = isolated.detect(frame);
    process.kill(pid as number, 'SIGKILL');
    await expect(pending).rejects.toThrow(/face detector: its process exited \(SIGKILL\)/);
    await expect(isolated.detect(frame)).rejects.toThrow(/face detector/);
    await isolated.close();
    expect(detectorProcesses()).toEqual([]);
  });

  it('refuses bad frames and options before anything is sent or started', async () => {
    await expect(createFrameDetector({ isolated: true, threads: 0 })).rejects.toThrow(/threads/);
    expect(detectorProcesses()).toEqual([]);
    const isolated = await createFrameDetector({ isolated: true });
    try {
      await expect(isolated.detect({ rgb: new Uint8Array(10), width: 2, height: 2 })).rejects.toThrow(/expected 2x2x3/);
      expect(await isolated.detect({ rgb: new Uint8Array(64 * 64 * 3), width: 64, height: 64 })).toEqual([]);
    } finally {
      await isolated.close();
    }
  });
});

describe('bad input', () => {
  it.each([
    ['a byte count that does not match the size', { rgb: new Uint8Array(10), width: 2, height: 2 }, /expected 2x2x3/],
    ['a zero width', { rgb: new Uint8Array(0), width: 0, height: 10 }, /positive integers/],
    ['a fractional height', { rgb: new Uint8Array(30), width: 2, height: 5.0001 }, /positive integers/],
    ['a negative size', { rgb: new Uint8Array(12), width: -2, height: -2 }, /positive integers/],
    ['pixels that are not a Uint8Array', { rgb: new Array(12).fill(0) as unknown as Uint8Array, width: 2, height: 2 }, /Uint8Array/],
  ])('rejects %s', async (_label, frame, message) => {
    await expect(detector.detect(frame)).rejects.toThrow(message);
  });

  it('still works after refusing bad frames', async () => {
    const { frame, face } = await faceFrame(1080, 1920, 'astronaut', 100, 500, 500);
    expect(bestIou(await detector.detect(frame), face)).toBeGreaterThanOrEqual(0.5);
  });

  it.each([
    [{ minFaceSize: 0 }, /minFaceSize/],
    [{ minFaceSize: -40 }, /minFaceSize/],
    [{ minFaceSize: Number.NaN }, /minFaceSize/],
    [{ threads: 0 }, /threads/],
    [{ threads: 1.5 }, /threads/],
    [{ threads: 100 }, /threads/],
  ])('refuses options %o', async (options, message) => {
    await expect(createFrameDetector(options)).rejects.toThrow(message);
  });
});
