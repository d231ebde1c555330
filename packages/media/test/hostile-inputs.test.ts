// Hostile and broken uploads are refused with the right code, and disguised playlists make ffmpeg open nothing.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, utimes } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFfmpeg } from '../src/ffmpeg-runner.ts';
import { buildLadderArgs } from '../src/ladder-args.ts';
import { planLadder } from '../src/ladder-plan.ts';
import { probeMedia } from '../src/probe.ts';
import { type ValidatedSource, validateSource } from '../src/validate-source.ts';
import { type EvilInputs, writeEvilInputs } from './clips.ts';

const execFileAsync = promisify(execFile);

let work: string;
let evil: EvilInputs;
let server: Server;
let connections = 0;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'onward-evil-'));
  server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  evil = await writeEvilInputs(work, { httpUrl: `http://127.0.0.1:${port}/x.ts` });
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(work, { recursive: true, force: true });
});

async function refusalCode(path: string): Promise<string> {
  try {
    validateSource(await probeMedia(path));
  } catch (error) {
    expect((error as { status?: number }).status).toBe(422);
    return (error as { code: string }).code;
  }
  return 'accepted';
}

/** Sets the secret's atime well in the past, so any later read moves it (relatime updates atime <= mtime). */
async function resetSecretAtime(): Promise<number> {
  const past = new Date(Date.now() - 86_400_000);
  const { mtime } = await stat(evil.localSecret);
  await utimes(evil.localSecret, past, mtime);
  return (await stat(evil.localSecret)).atimeMs;
}

describe('refused uploads', () => {
  it.each([
    ['empty', 'empty_file'],
    ['textAsMp4', 'unsupported_container'],
    ['pdfAsMp4', 'unsupported_container'],
    ['truncatedMp4', 'corrupt_media'],
    ['hlsAsMp4', 'unsupported_container'],
    ['concatAsMp4', 'unsupported_container'],
    ['audioOnly', 'no_video_stream'],
    ['hugeDimensions', 'resolution_too_large'],
  ] as const)('%s is refused with %s', async (name, code) => {
    expect(await refusalCode(evil[name])).toBe(code);
  });

  it('the MediaRecorder-like WebM among them is accepted', async () => {
    expect(await refusalCode(evil.mediaRecorderWebm)).toBe('accepted');
  });
});

describe('disguised playlists open nothing', () => {
  it('probing an HLS playlist or ffconcat file renamed .mp4 neither connects nor reads the local file it names', async () => {
    const before = await resetSecretAtime();
    connections = 0;
    for (const path of [evil.hlsAsMp4, evil.concatAsMp4]) {
      await expect(probeMedia(path)).rejects.toMatchObject({ code: 'unsupported_container' });
    }
    expect(connections).toBe(0);
    expect((await stat(evil.localSecret)).atimeMs).toBe(before);

    // Control: ffprobe with only a protocol whitelist does follow the playlist to the local file, so the atime check
    // above would have seen a read.
    await execFileAsync('ffprobe', ['-v', 'quiet', '-protocol_whitelist', 'file', '-show_format', evil.hlsAsMp4]).catch(
      () => undefined,
    );
    expect((await stat(evil.localSecret)).atimeMs).toBeGreaterThan(before);
  });

  it('even with the probe bypassed, the ladder command refuses them (forced demuxer + format whitelist)', async () => {
    const forged: ValidatedSource = {
      demuxer: 'mov',
      durationMs: 3000,
      displayWidth: 64,
      displayHeight: 64,
      codedWidth: 64,
      codedHeight: 64,
      rotation: 0,
      videoCodec: 'h264',
      pixelFormat: 'yuv420p',
      frameRate: { num: 10, den: 1 },
      vfr: false,
      videoBitRate: null,
      audio: null,
    };
    const plan = planLadder(forged);
    const before = await resetSecretAtime();
    connections = 0;
    for (const path of [evil.hlsAsMp4, evil.concatAsMp4]) {
      await expect(
        runFfmpeg(buildLadderArgs(plan, path, join(work, 'forged-out')), { timeoutMs: 20_000 }),
      ).rejects.toMatchObject({ code: 'ffmpeg_failed' });
    }
    for (const demuxer of ['matroska'] as const) {
      await expect(
        runFfmpeg(buildLadderArgs(planLadder({ ...forged, demuxer }), evil.hlsAsMp4, join(work, 'forged-out')), { timeoutMs: 20_000 }),
      ).rejects.toMatchObject({ code: 'ffmpeg_failed' });
    }
    expect(connections).toBe(0);
    expect((await stat(evil.localSecret)).atimeMs).toBe(before);
  });
});
