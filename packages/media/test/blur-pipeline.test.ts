// The blurred ladder's mechanics with real ffmpeg: decode -> obscure -> the one ladder encode. The face detector
// here is scripted (boxes chosen by the test) so that what must change and what must not is known exactly; the
// real detector is exercised by the face-detector tests and the end-to-end acceptance test.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFaceTracks, detectionSelection, runObscuredLadder } from '../src/faces/blur-stream.ts';
import type { FrameDetector } from '../src/faces/frame-detector.ts';
import { alignBox, type Box, mosaicBlockSize } from '../src/faces/obscure.ts';
import { buildY4mDecodeArgs } from '../src/ladder-args.ts';
import { type LadderPlan, planLadder } from '../src/ladder-plan.ts';
import { probeMedia } from '../src/probe.ts';
import { transcodeLadder } from '../src/transcode-ladder.ts';
import { validateSource } from '../src/validate-source.ts';
import { generateClip } from './clips.ts';
import { ffprobeJson, joinRung } from './ffprobe-inspect.ts';

const execFileAsync = promisify(execFile);

/** Every decoded frame's md5, as ffmpeg decodes the clip for face work without any selection (phase 2's decode). */
async function decodedFrameHashes(plan: LadderPlan, input: string): Promise<Array<string | undefined>> {
  const args = buildY4mDecodeArgs(plan, input);
  args.splice(args.indexOf('yuv4mpegpipe'), 1, 'framemd5');
  const { stdout } = await execFileAsync('ffmpeg', args.filter((a) => a !== '-strict' && a !== '-1'), { maxBuffer: 64 * 1024 * 1024 });
  return stdout
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => line.split(',').at(-1)?.trim());
}

/** A detector that finds nothing and records the md5 of every frame it is given. */
function hashes(seen: string[]): FrameDetector {
  return {
    async detect(frame) {
      seen.push(createHash('md5').update('yuv' in frame ? frame.yuv : frame.rgb).digest('hex'));
      return [];
    },
    async close() {},
  };
}
const COFFEE = join(import.meta.dirname, '../../../../shared/fixtures/faces/coffee.png');
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'onward-blur-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A detector that reports one face moving left to right, and records the frames it was shown. */
function scriptedDetector(faceAt: (width: number, height: number, call: number) => Box | null) {
  const seen: Array<{ width: number; height: number }> = [];
  const detector: FrameDetector = {
    async detect(frame) {
      seen.push({ width: frame.width, height: frame.height });
      const box = faceAt(frame.width, frame.height, seen.length - 1);
      return box ? [{ ...box, score: 0.9 }] : [];
    },
    async close() {},
  };
  return { detector, seen };
}

/** Every frame of a rung's luma plane at the rung's size. */
async function decodeLuma(joinedPath: string, width: number, height: number): Promise<Buffer[]> {
  const { stdout } = await execFileAsync('ffmpeg', ['-v', 'error', '-i', joinedPath, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], {
    encoding: 'buffer',
    maxBuffer: 512 * 1024 * 1024,
  });
  const size = width * height;
  const frames: Buffer[] = [];
  for (let at = 0; at + size <= stdout.length; at += size) frames.push(stdout.subarray(at, at + size));
  return frames;
}

/** Mean standard deviation of the luma inside each mosaic block (shrunk by `inset` px) of a box, in rung pixels. */
function blockFlatness(frame: Buffer, rungWidth: number, raw: Box, k: number, inset: number): number {
  const box = alignBox(raw, 540, 960) as Box;
  const block = mosaicBlockSize(box);
  const deviations: number[] = [];
  for (let by = box.y; by + block <= box.y + box.height; by += block) {
    for (let bx = box.x; bx + block <= box.x + box.width; bx += block) {
      const x0 = Math.ceil(bx * k + inset);
      const x1 = Math.floor((bx + block) * k - inset);
      const y0 = Math.ceil(by * k + inset);
      const y1 = Math.floor((by + block) * k - inset);
      let sum = 0;
      let sq = 0;
      let n = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const v = frame[y * rungWidth + x] as number;
          sum += v;
          sq += v * v;
          n++;
        }
      }
      if (n > 0) deviations.push(Math.sqrt(Math.max(0, sq / n - (sum / n) ** 2)));
    }
  }
  return deviations.reduce((a, b) => a + b, 0) / deviations.length;
}

function regionStats(a: Buffer, b: Buffer, width: number, inside: (x: number, y: number) => boolean, height: number) {
  let diff = 0;
  let squared = 0;
  let count = 0;
  let detailA = 0;
  let detailB = 0;
  for (let y = 0; y < height - 1; y++) {
    for (let x = 0; x < width - 1; x++) {
      if (!inside(x, y)) continue;
      const i = y * width + x;
      const d = (a[i] as number) - (b[i] as number);
      diff += Math.abs(d);
      squared += d * d;
      detailA += Math.abs((a[i] as number) - (a[i + 1] as number)) + Math.abs((a[i] as number) - (a[i + width] as number));
      detailB += Math.abs((b[i] as number) - (b[i + 1] as number)) + Math.abs((b[i] as number) - (b[i + width] as number));
      count++;
    }
  }
  return { meanDiff: diff / count, psnr: 10 * Math.log10((255 * 255) / Math.max(1e-9, squared / count)), detailA: detailA / count, detailB: detailB / count };
}

async function ladder(input: string, name: string, blur?: Parameters<typeof transcodeLadder>[3]['blur']) {
  const plan = planLadder(validateSource(await probeMedia(input)));
  const outDir = join(work, name);
  const result = await transcodeLadder(plan, input, outDir, { timeoutMs: 120_000, ...(blur ? { blur } : {}) });
  return { plan, outDir, result };
}

describe('blurred ladder', () => {
  it('obscures exactly the tracked boxes in every frame of every rung and leaves the rest as an unblurred transcode', async () => {
    // A detailed natural picture (a photo, slowly zooming) so that "detail gone" means something everywhere.
    const input = join(work, 'clip.mp4');
    await execFileAsync('ffmpeg', [
      ...['-v', 'error', '-y', '-loop', '1', '-framerate', '30', '-i', COFFEE],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=3'],
      ...['-vf', "scale=540:960,setsar=1,zoompan=z='1+0.002*on':d=1:s=540x960:fps=30,setsar=1,format=yuv420p", '-t', '3'],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '16', '-c:a', 'aac', '-shortest', input],
    ]);
    // A "face" of 80 px walking right 4 px per detection call (every 5 frames), from (100, 300).
    const face = (call: number): Box => ({ x: 100 + 4 * call, y: 300, width: 80, height: 80 });
    const { detector, seen } = scriptedDetector((_w, _h, call) => face(call));
    const boxes: Array<readonly Box[]> = [];
    const blurred = await ladder(input, 'blurred', {
      detector,
      detectEvery: 5,
      // the scripted detector answers every call alike, so no mirrored edge strips here
      edges: false,
      onFrame: (frame, frameBoxes) => {
        boxes[frame] = frameBoxes;
      },
    });
    const plain = await ladder(input, 'plain');

    const top = blurred.plan.rungs[0];
    if (!top) throw new Error('no rung');
    expect(blurred.result.blur).toMatchObject({ frames: 90, width: 540, height: 960, tracks: 1 });
    // detection every 5 frames and the last frame: 0, 5, ..., 85, 89
    expect(blurred.result.blur?.detections).toBe(19);
    expect(seen.every((s) => s.width === 540 && s.height === 960)).toBe(true);
    expect(boxes).toHaveLength(90);
    expect(boxes.every((b) => b.length === 1)).toBe(true);

    // Same presentation: every rung, same frame count, audio kept.
    expect((await readdir(blurred.outDir)).sort()).toEqual((await readdir(plain.outDir)).sort());
    const joinedBlurred = await joinRung(blurred.outDir, top.name);
    const joinedPlain = await joinRung(plain.outDir, top.name);
    const info = await ffprobeJson(joinedBlurred.path);
    expect(info.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    const a = await decodeLuma(joinedBlurred.path, top.width, top.height);
    const b = await decodeLuma(joinedPlain.path, top.width, top.height);
    expect(a).toHaveLength(90);
    expect(b).toHaveLength(90);

    const margin = 8; // the codec's blocks smear a few pixels across the mosaic's edge
    // boxes are in decoded-frame pixels (540x960); the top rung may be smaller
    const k = top.width / 540;
    for (let f = 0; f < 90; f += 7) {
      const raw = boxes[f]?.[0] as Box;
      const box = { x: raw.x * k, y: raw.y * k, width: raw.width * k, height: raw.height * k };
      const inBox = (x: number, y: number) => x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
      const nearBox = (x: number, y: number) =>
        x >= box.x - margin && x < box.x + box.width + margin && y >= box.y - margin && y < box.y + box.height + margin;
      const outside = regionStats(a[f] as Buffer, b[f] as Buffer, top.width, (x, y) => !nearBox(x, y), top.height);
      const inside = regionStats(a[f] as Buffer, b[f] as Buffer, top.width, inBox, top.height);
      // Outside: what an unblurred transcode shows, to within the codec's own noise (x264's decisions differ a
      // little once part of the picture changed): two encodes of the same frames score about 40 dB here.
      expect(outside.psnr, `frame ${f} outside`).toBeGreaterThan(36);
      // Inside: the photo changed, and its detail is gone: each mosaic block is flat (what is left is the
      // scaler's and the codec's softening near block edges).
      expect(inside.meanDiff, `frame ${f} changed`).toBeGreaterThan(2);
      const flatBlurred = blockFlatness(a[f] as Buffer, top.width, raw, k, 3);
      const flatPlain = blockFlatness(b[f] as Buffer, top.width, raw, k, 3);
      expect(flatPlain, `frame ${f} has detail to lose`).toBeGreaterThan(4);
      expect(flatBlurred, `frame ${f} blocks are flat`).toBeLessThan(flatPlain * 0.25);
    }
  });

  it('works on a rotated phone clip in display coordinates', async () => {
    const input = await generateClip({ path: join(work, 'rotated.mp4'), width: 640, height: 360, seconds: 1, fps: 30, audio: false, rotation: 90 });
    const { detector, seen } = scriptedDetector((w) => ({ x: w - 60, y: 10, width: 50, height: 50 }));
    const blurred = await ladder(input, 'rotated', { detector, edges: false });
    expect(blurred.result.blur).toMatchObject({ width: 360, height: 640, frames: 30 });
    expect(seen.every((s) => s.width === 360 && s.height === 640)).toBe(true);
    expect(blurred.plan.rungs[0]).toMatchObject({ width: 360, height: 640 });
  });

  it('reports how much of the clip detection has looked at, rising to 100', async () => {
    const input = await generateClip({ path: join(work, 'progress.mp4'), width: 320, height: 568, seconds: 2, fps: 30, audio: false });
    const { detector } = scriptedDetector(() => null);
    const plan = planLadder(validateSource(await probeMedia(input)));
    const seen: number[] = [];
    const found = await detectFaceTracks(plan, input, { timeoutMs: 60_000 }, { detector, onProgress: (p) => seen.push(p) });
    expect(found.frameCount).toBe(60);
    // once per frame passed on to detection (every 5th, then the last second's)
    expect(seen.length).toBeGreaterThanOrEqual(12);
    expect(seen.every((p, i) => p >= 0 && p <= 100 && (i === 0 || p >= (seen[i - 1] as number)))).toBe(true);
    expect(seen.at(-2)).toBeGreaterThan(90);
    expect(seen.at(-1)).toBe(100);
  });

  it('passes the detector exactly the decoded frames it detects, the last one included, even when the stated duration is wrong', async () => {
    // 62 frames: the last (61) is not a multiple of 5
    const input = await generateClip({ path: join(work, 'selection.mp4'), width: 320, height: 568, seconds: 62 / 30, fps: 30, audio: true });
    const plan = planLadder(validateSource(await probeMedia(input)));
    const decoded = await decodedFrameHashes(plan, input);
    expect(decoded).toHaveLength(62);
    const want = [...Array.from({ length: 13 }, (_, k) => decoded[5 * k]), decoded[61]];
    // the decoder passes on only every 5th frame and the last second (the clip's end, whatever its length)
    expect(detectionSelection(plan, 5).tailFrom).toBeGreaterThan(0);
    const seen: string[] = [];
    const found = await detectFaceTracks(plan, input, { timeoutMs: 60_000 }, { detector: hashes(seen) });
    expect(found.frameCount).toBe(62);
    expect(seen).toEqual(want);

    // a container that claims 3 s more than the video holds: the tail never comes, so the frames after the last
    // one passed on are decoded again (not detected again), and the answer is the same
    const lying = { ...plan, durationMs: plan.durationMs + 3000 };
    expect(detectionSelection(lying, 5).tailFrom).toBeGreaterThan(62);
    const seenLying: string[] = [];
    const foundLying = await detectFaceTracks(lying, input, { timeoutMs: 60_000 }, { detector: hashes(seenLying) });
    expect(foundLying.frameCount).toBe(62);
    expect(seenLying).toEqual(want);
    // a clip whose last frame is a multiple of 5 (61 frames): nothing after it, detected once
    const shorter = await generateClip({ path: join(work, 'selection-61.mp4'), width: 320, height: 568, seconds: 61 / 30, fps: 30, audio: false });
    const shorterPlan = planLadder(validateSource(await probeMedia(shorter)));
    const seenShorter: string[] = [];
    const foundShorter = await detectFaceTracks({ ...shorterPlan, durationMs: shorterPlan.durationMs + 3000 }, shorter, { timeoutMs: 60_000 }, { detector: hashes(seenShorter) });
    expect(foundShorter.frameCount).toBe(61);
    expect(seenShorter).toHaveLength(13);
    expect(new Set(seenShorter).size).toBe(13);
  });

  it('above 1080p, the frames detected are those of the full decode: chosen before they are scaled, the same pictures', async () => {
    // 1440x2560 is looked at as 1080x1920 (the top rung); the selective decode scales only the frames it passes on
    const input = await generateClip({ path: join(work, 'above-1080p.mp4'), width: 1440, height: 2560, seconds: 12 / 30, fps: 30, audio: false });
    const plan = planLadder(validateSource(await probeMedia(input)));
    const args = buildY4mDecodeArgs(plan, input, detectionSelection(plan, 5));
    expect(args[args.indexOf('-vf') + 1]).toMatch(/^fps=30,select='[^']+',scale=w=1080:h=1920:/);
    const decoded = await decodedFrameHashes(plan, input);
    expect(decoded).toHaveLength(12);
    const seen: string[] = [];
    const found = await detectFaceTracks(plan, input, { timeoutMs: 60_000 }, { detector: hashes(seen) });
    expect(found).toMatchObject({ width: 1080, height: 1920, frameCount: 12 });
    expect(seen).toEqual([decoded[0], decoded[5], decoded[10], decoded[11]]);
  });

  it('a failing detector stops both ffmpeg processes and leaves no playlist', async () => {
    const input = await generateClip({ path: join(work, 'fail.mp4'), width: 320, height: 568, seconds: 2, fps: 30, audio: true });
    const detector: FrameDetector = {
      detect: async () => {
        throw new Error('detector crashed');
      },
      close: async () => {},
    };
    const plan = planLadder(validateSource(await probeMedia(input)));
    const outDir = join(work, 'failed');
    await expect(transcodeLadder(plan, input, outDir, { timeoutMs: 60_000, blur: { detector } })).rejects.toThrow(/detector crashed/);
    const files = await readdir(outDir, { recursive: true });
    expect(files.filter((f) => String(f).endsWith('master.m3u8'))).toEqual([]);
    const { stdout } = await execFileAsync('ps', ['-eo', 'args']);
    expect(stdout).not.toContain(join(work, 'fail.mp4'));
  });

  it('an aborted job stops the blurred ladder at once', async () => {
    const input = await generateClip({ path: join(work, 'abort.mp4'), width: 540, height: 960, seconds: 6, fps: 30, audio: true });
    const plan = planLadder(validateSource(await probeMedia(input)));
    const controller = new AbortController();
    const { detector } = scriptedDetector(() => null);
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('job cancelled')), 400);
    await expect(
      transcodeLadder(plan, input, join(work, 'aborted'), { timeoutMs: 60_000, signal: controller.signal, blur: { detector } }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);
    const { stdout } = await execFileAsync('ps', ['-eo', 'args']);
    expect(stdout).not.toContain(join(work, 'abort.mp4'));
  });

  describe('phase 2 through kernel pipes (the default) and through the children\'s stdio streams', () => {
    const transports = ['pipes', 'stdio'] as const;
    const mid = (frame: number): Box[] => [{ x: 40 + frame, y: 100, width: 96, height: 96 }];

    it('gives the same pictures both ways', async () => {
      const input = await generateClip({ path: join(work, 'transport.mp4'), width: 320, height: 568, seconds: 2, fps: 30, audio: true });
      const plan = planLadder(validateSource(await probeMedia(input)));
      const top = plan.rungs[0];
      if (!top) throw new Error('no rung');
      const frames = Array.from({ length: 60 }, (_, f) => mid(f));
      const pictures: string[][] = [];
      for (const transport of transports) {
        const outDir = join(work, `transport-${transport}`);
        const seen: number[] = [];
        const summary = await runObscuredLadder(plan, input, outDir, { timeoutMs: 60_000, durationMs: plan.durationMs, transport }, {
          frames,
          onFrame: (frame) => seen.push(frame),
        });
        expect(summary).toEqual({ frames: 60, width: 320, height: 568 });
        expect(seen).toEqual(frames.map((_, f) => f));
        const joined = await joinRung(outDir, top.name);
        const lumas = await decodeLuma(joined.path, top.width, top.height);
        pictures.push(lumas.map((l) => createHash('sha256').update(l).digest('hex')));
      }
      expect(pictures[0]).toHaveLength(60);
      expect(pictures[1]).toEqual(pictures[0]);
    });

    for (const transport of transports) {
      it(`(${transport}) an encoder that fails stops the decoder and fails the job with ffmpeg's error, without hanging`, async () => {
        const input = await generateClip({ path: join(work, `enc-fail-${transport}.mp4`), width: 320, height: 568, seconds: 4, fps: 30, audio: true });
        const plan = planLadder(validateSource(await probeMedia(input)));
        const started = Date.now();
        await expect(
          runObscuredLadder(plan, input, join(work, `enc-fail-${transport}`), { timeoutMs: 60_000, durationMs: plan.durationMs, transport, audioFilter: 'no_such_filter' }, {
            frames: Array.from({ length: 120 }, (_, f) => mid(f)),
          }),
        ).rejects.toMatchObject({ code: 'ffmpeg_failed' });
        expect(Date.now() - started).toBeLessThan(10_000);
        const { stdout } = await execFileAsync('ps', ['-eo', 'args']);
        expect(stdout).not.toContain(`enc-fail-${transport}`);
      });

      it(`(${transport}) boxes found in frames of another size (stored before a change in how clips are decoded) fail the job before any frame is encoded`, async () => {
        const input = await generateClip({ path: join(work, `p2-size-${transport}.mp4`), width: 320, height: 568, seconds: 2, fps: 30, audio: true });
        const plan = planLadder(validateSource(await probeMedia(input)));
        const outDir = join(work, `p2-size-${transport}`);
        const written: number[] = [];
        await expect(
          runObscuredLadder(plan, input, outDir, { timeoutMs: 60_000, durationMs: plan.durationMs, transport }, {
            frames: Array.from({ length: 60 }, (_, f) => mid(f)),
            frameSize: { width: 360, height: 640 },
            onFrame: (frame) => written.push(frame),
          }),
        ).rejects.toThrow('the faces were found in 360x640 frames, the decoder makes 320x568');
        expect(written).toEqual([]);
        const files = await readdir(outDir, { recursive: true }).catch(() => []);
        expect(files.filter((f) => String(f).endsWith('.m3u8') || String(f).endsWith('.m4s'))).toEqual([]);
        const { stdout } = await execFileAsync('ps', ['-eo', 'args']);
        expect(stdout).not.toContain(`p2-size-${transport}.mp4`);
        // the size it was found in is accepted
        await expect(
          runObscuredLadder(plan, input, `${outDir}-same`, { timeoutMs: 60_000, durationMs: plan.durationMs, transport }, {
            frames: Array.from({ length: 60 }, (_, f) => mid(f)),
            frameSize: { width: 320, height: 568 },
          }),
        ).resolves.toEqual({ frames: 60, width: 320, height: 568 });
      });

      it(`(${transport}) a job aborted while frames flow stops both ffmpegs at once and publishes no playlist`, async () => {
        const input = await generateClip({ path: join(work, `p2-abort-${transport}.mp4`), width: 540, height: 960, seconds: 8, fps: 30, audio: true });
        const plan = planLadder(validateSource(await probeMedia(input)));
        const controller = new AbortController();
        const outDir = join(work, `p2-abort-${transport}`);
        let flowing = 0;
        const run = runObscuredLadder(plan, input, outDir, { timeoutMs: 60_000, durationMs: plan.durationMs, transport, signal: controller.signal }, {
          frames: Array.from({ length: 240 }, (_, f) => mid(f)),
          onFrame: (frame) => {
            flowing = frame;
            if (frame === 30) controller.abort(new Error('job cancelled'));
          },
        });
        const started = Date.now();
        await expect(run).rejects.toThrow(/job cancelled/);
        expect(flowing).toBeGreaterThanOrEqual(30);
        expect(flowing).toBeLessThan(239);
        expect(Date.now() - started).toBeLessThan(5000);
        const files = await readdir(outDir, { recursive: true }).catch(() => []);
        expect(files.filter((f) => String(f).endsWith('master.m3u8'))).toEqual([]);
        const { stdout } = await execFileAsync('ps', ['-eo', 'args']);
        expect(stdout).not.toContain(`p2-abort-${transport}.mp4`);
      });
    }
  });
});
