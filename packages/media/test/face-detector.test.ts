// The old path (human's BlazeFace per tile, kept as the reference the bench compares against) on the face fixtures,
// and a proof that both it and the new frame detector load and run with every network API blocked (in a child
// process, see block-network.ts).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaceBox, type FaceDetector, type RgbFrame, createFaceDetector, detectWithTiles } from '../src/faces/face-detector.ts';

const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
// the shared face fixtures sit next to the repository (../shared/fixtures/faces)
const fixtures = join(repoRoot, '..', 'shared', 'fixtures', 'faces');
const fixture = (name: string) => join(fixtures, name);

async function probeSize(path: string): Promise<{ width: number; height: number }> {
  const { stdout } = await execFileAsync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', path]);
  const [width, height] = stdout.trim().split(',').map(Number);
  if (!width || !height) throw new Error(`cannot probe ${path}: ${stdout}`);
  return { width, height };
}

/** Decodes the first picture of ffmpeg's input/filter `args` to raw RGB24. */
async function decodeRgb(args: string[], width: number, height: number): Promise<RgbFrame> {
  const { stdout } = await execFileAsync('ffmpeg', ['-v', 'error', '-nostdin', ...args, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], {
    encoding: 'buffer',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (stdout.length !== width * height * 3) throw new Error(`expected ${width}x${height} RGB, got ${stdout.length} bytes`);
  return { rgb: new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.length), width, height };
}

async function decodeFixture(name: string): Promise<RgbFrame> {
  const { width, height } = await probeSize(fixture(name));
  return decodeRgb(['-i', fixture(name)], width, height);
}

/** astronaut.png scaled by `scale` on a black 1080x1920 canvas at (x, y). */
async function smallFaceFrame(scale: number, x: number, y: number): Promise<RgbFrame> {
  const filter = `color=c=black:s=1080x1920:d=1[bg];[0:v]scale=iw*${scale}:-2[fg];[bg][fg]overlay=${x}:${y}:shortest=1,format=rgb24[out]`;
  return decodeRgb(['-i', fixture('astronaut.png'), '-filter_complex', filter, '-map', '[out]'], 1080, 1920);
}

const centre = (b: FaceBox) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });

// The astronaut's face (found once with this detector: about x 153..298, y 55..200 of 512x512).
function expectAstronautFace(boxes: FaceBox[], offsetX = 0, offsetY = 0, scale = 1): void {
  expect(boxes).toHaveLength(1);
  const c = centre(boxes[0] as FaceBox);
  expect((c.x - offsetX) / scale).toBeGreaterThan(180);
  expect((c.x - offsetX) / scale).toBeLessThan(270);
  expect((c.y - offsetY) / scale).toBeGreaterThan(85);
  expect((c.y - offsetY) / scale).toBeLessThan(175);
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

describe('offline face detection (BlazeFace on tfjs wasm)', () => {
  // default: BlazeFace candidates confirmed by FaceMesh; blazeOnly: BlazeFace alone (better recall on tiny faces)
  let detector: FaceDetector;
  let blazeOnly: FaceDetector;

  beforeAll(async () => {
    const { ms } = await timed(async () => {
      detector = await createFaceDetector();
      blazeOnly = await createFaceDetector({ verifyWithMesh: false });
      // first inference compiles the wasm kernels
      await detector.detect(new Uint8Array(256 * 256 * 3), 256, 256);
    });
    console.log(`face detector loaded and warmed up in ${ms.toFixed(0)} ms`);
  });

  afterAll(() => {
    detector?.dispose();
    blazeOnly?.dispose();
  });

  it('finds the one frontal face in astronaut.png', async () => {
    const frame = await decodeFixture('astronaut.png');
    const boxes = await detector.detect(frame.rgb, frame.width, frame.height);
    console.log('astronaut.png', boxes);
    expectAstronautFace(boxes);
    expectAstronautFace(await blazeOnly.detect(frame.rgb, frame.width, frame.height));
  });

  it('finds a face in grace_hopper.jpg', async () => {
    const frame = await decodeFixture('grace_hopper.jpg');
    const boxes = await detector.detect(frame.rgb, frame.width, frame.height);
    console.log('grace_hopper.jpg', boxes);
    expect(boxes.length).toBeGreaterThanOrEqual(1);
  });

  it.each(['coffee.png', 'chelsea.png'])('finds no face in %s (also with tiles)', async (name) => {
    const frame = await decodeFixture(name);
    const whole = await detector.detect(frame.rgb, frame.width, frame.height);
    const tiled = await detectWithTiles(detector, frame, { tileSize: 256, overlap: 96 });
    const blazeWhole = await blazeOnly.detect(frame.rgb, frame.width, frame.height);
    const blazeTiled = await detectWithTiles(blazeOnly, frame, { tileSize: 256, overlap: 96 });
    console.log(`${name}: whole ${JSON.stringify(whole)} tiled ${JSON.stringify(tiled)}`);
    console.log(`${name} BlazeFace alone (not asserted): whole ${JSON.stringify(blazeWhole)} tiled ${JSON.stringify(blazeTiled)}`);
    expect(whole).toEqual([]);
    expect(tiled).toEqual([]);
  });

  // astronaut's face is ~145 px (BlazeFace's box ~103 px) of 512: scale 0.7 -> ~100 px face, 0.35 -> ~50 px
  it.each([
    { label: '~100 px', scale: 0.7, x: 600, y: 1300 },
    { label: '~50 px', scale: 0.35, x: 130, y: 700 },
  ])('finds a $label face in a 1080x1920 frame with tiles', async ({ scale, x, y }) => {
    const frame = await smallFaceFrame(scale, x, y);
    expectAstronautFace(await detectWithTiles(detector, frame), x, y, scale);
    expectAstronautFace(await detectWithTiles(blazeOnly, frame), x, y, scale);
  });

  it('loads and detects with every network API blocked, old and new path (child process)', async () => {
    const faces = (path: string) => new URL(`../src/faces/${path}`, import.meta.url).href;
    const script = `
      import { execFileSync } from 'node:child_process';
      import { Worker } from 'node:worker_threads';
      const { createFaceDetector } = await import(${JSON.stringify(faces('face-detector.ts'))});
      const { createFrameDetector, workerExecArgv } = await import(${JSON.stringify(faces('frame-detector.ts'))});
      const { loadBlazeFace } = await import(${JSON.stringify(faces('blazeface-model.ts'))});
      const { detectPyramid } = await import(${JSON.stringify(faces('pyramid-detect.ts'))});
      const { rgbPixels } = await import(${JSON.stringify(faces('frame-pixels.ts'))});
      const { planScales } = await import(${JSON.stringify(faces('scale-plan.ts'))});
      const buf = execFileSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', ${JSON.stringify(fixture('astronaut.png'))}, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 24 });
      const frame = { rgb: new Uint8Array(buf.buffer, buf.byteOffset, buf.length), width: 512, height: 512 };
      // old path: human
      const old = await createFaceDetector();
      const oldFaces = await old.detect(frame.rgb, 512, 512);
      old.dispose();
      // new path in this thread, where attempts are recorded
      const model = await loadBlazeFace();
      const inThread = await detectPyramid(model, rgbPixels(frame), planScales(512, 512, 40), { minScore: 0.5, iouThreshold: 0.3 });
      // new path as the pipeline runs it, in a worker thread (which gets the same --import preloads)
      const detector = await createFrameDetector();
      const workerFaces = await detector.detect(frame);
      await detector.close();
      // and in a child process of its own (as the media worker runs it; it gets the same --require preloads)
      const isolated = await createFrameDetector({ isolated: true });
      const isolatedFaces = await isolated.detect(frame);
      await isolated.close();
      const probe = new Worker("require('node:worker_threads').parentPort.postMessage(Array.isArray(globalThis.__networkAttempts) && String(globalThis.fetch).includes('blocked'))", { eval: true, execArgv: workerExecArgv(process.execArgv) });
      const workerBlocked = await new Promise((resolve, reject) => { probe.once('message', resolve); probe.once('error', reject); });
      await probe.terminate();
      const attempts = [...globalThis.__networkAttempts];
      // control: the block is really in place (our own probe is refused and recorded)
      let fetchBlocked = false;
      try { await fetch('https://example.com/'); } catch { fetchBlocked = globalThis.__networkAttempts.length === attempts.length + 1; }
      process.stdout.write(JSON.stringify({ oldFaces, inThread, workerFaces, isolatedFaces, workerBlocked, attempts, fetchBlocked }));
    `;
    // --require (not --import) so that worker threads load the block too
    const block = fileURLToPath(new URL('./block-network.ts', import.meta.url));
    const { stdout, stderr } = await execFileAsync(
      process.execPath,
      ['--require', 'tsx/cjs', '--require', block, '--input-type=module', '--eval', script],
      { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024, timeout: 50_000 },
    );
    const result = JSON.parse(stdout) as {
      oldFaces: FaceBox[];
      inThread: FaceBox[];
      workerFaces: FaceBox[];
      isolatedFaces: FaceBox[];
      workerBlocked: boolean;
      attempts: string[];
      fetchBlocked: boolean;
    };
    console.log('network-blocked child', result);
    expect(result.fetchBlocked).toBe(true); // the block really was in place
    expect(result.workerBlocked).toBe(true); // in worker threads too
    expect(result.attempts).toEqual([]); // and nothing but our own probe tried the network, in this thread
    // nor in any worker thread or the isolated detector's process (each attempt is a stderr line): only the probe's
    expect(stderr.split('\n').filter((line) => line.startsWith('network blocked:'))).toEqual(['network blocked: globalThis.fetch https://example.com/']);
    expectAstronautFace(result.oldFaces);
    expectAstronautFace(result.inThread);
    expectAstronautFace(result.workerFaces);
    expect(result.isolatedFaces).toEqual(result.workerFaces);
  });
});
