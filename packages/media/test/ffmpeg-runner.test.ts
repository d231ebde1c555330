// runFfmpeg kills a hung ffmpeg on timeout or abort, and the process is really gone afterwards.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFfmpeg } from '../src/ffmpeg-runner.ts';

const execFileAsync = promisify(execFile);
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'onward-runner-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Pids whose command line mentions `needle` (our unique FIFO path). */
async function processesMentioning(needle: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(needle)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

async function hungFfmpegArgs(name: string): Promise<{ fifo: string; args: string[] }> {
  const fifo = join(work, `${name}.fifo`);
  await execFileAsync('mkfifo', [fifo]);
  // Nobody ever writes to the FIFO: ffmpeg blocks in open() and ignores SIGTERM there.
  return { fifo, args: ['-v', 'error', '-protocol_whitelist', 'file', '-i', `file:${fifo}`, '-f', 'null', '-'] };
}

describe('runFfmpeg', () => {
  it('kills a hung ffmpeg on timeout (SIGTERM, then SIGKILL) and rejects with ffmpeg_timeout', async () => {
    const { fifo, args } = await hungFfmpegArgs('timeout');
    const started = Date.now();
    const run = runFfmpeg(args, { timeoutMs: 500, killGraceMs: 500 });
    await new Promise((r) => setTimeout(r, 200));
    expect((await processesMentioning(fifo)).length).toBe(1);
    await expect(run).rejects.toMatchObject({ code: 'ffmpeg_timeout', status: 504 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await processesMentioning(fifo)).toEqual([]);
  });

  it('kills ffmpeg when the job is cancelled', async () => {
    const { fifo, args } = await hungFfmpegArgs('abort');
    const controller = new AbortController();
    const run = runFfmpeg(args, { timeoutMs: 60_000, signal: controller.signal, killGraceMs: 300 });
    setTimeout(() => controller.abort(), 200);
    await expect(run).rejects.toMatchObject({ code: 'ffmpeg_aborted' });
    expect(await processesMentioning(fifo)).toEqual([]);
  });

  it('reports its own failure, not the stop, when ffmpeg failed just before it was stopped', async () => {
    const controller = new AbortController();
    let pid = 0;
    const run = runFfmpeg(['-v', 'error', '-i', 'file:/nonexistent/clip.mp4', '-f', 'null', '-'], {
      timeoutMs: 30_000,
      signal: controller.signal,
      onSpawn: (child) => {
        pid = child.pid ?? 0;
      },
    });
    // Hold the event loop until the kernel shows ffmpeg as exited and not yet reaped (a zombie): Node reaps it and
    // sees the exit only on its loop, so the abort comes after ffmpeg failed but before Node knows it.
    const state = () => {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    };
    const until = Date.now() + 20_000;
    while (state() !== 'Z') {
      if (Date.now() > until) throw new Error('ffmpeg did not exit within 20 s');
    }
    controller.abort();
    const error = await run.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ffmpeg_failed', details: { exitCode: 1 } });
    expect(String((error as { details: { stderrTail: string } }).details.stderrTail)).toContain('No such file');
  });

  it('still reports a job stopped while ffmpeg worked (it exits with 255 on SIGTERM) as cancelled', async () => {
    const controller = new AbortController();
    const run = runFfmpeg(['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=640x360', '-f', 'null', '-'], { timeoutMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 500);
    await expect(run).rejects.toMatchObject({ code: 'ffmpeg_aborted' });
  });

  it('rejects with ffmpeg_failed and the end of stderr when ffmpeg fails', async () => {
    const error = await runFfmpeg(['-v', 'error', '-i', 'file:/nonexistent/clip.mp4', '-f', 'null', '-'], { timeoutMs: 10_000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'ffmpeg_failed', status: 500 });
    expect(String((error as { details: { stderrTail: string } }).details.stderrTail)).toContain('No such file');
  });

  it('reports progress up to 100 for a real encode', async () => {
    const seen: number[] = [];
    await runFfmpeg(
      ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=2', '-f', 'null', '-progress', 'pipe:1', '-'],
      { timeoutMs: 20_000, durationMs: 2000, onProgress: (p) => seen.push(p) },
    );
    expect(seen.at(-1)).toBe(100);
  });
});
