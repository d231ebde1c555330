// Upload -> in_review latency for a 30 s 1080x1920 30 fps clip with audio, end to end through the real API and
// the real media worker (one worker, as deployed per 2 cores). Prints each run and the median of 5.
// Run: npx tsx bench/upload-latency.ts [--runs 5]   (a few minutes; keep the machine otherwise idle)
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateClip } from '../packages/media/test/clips.ts';
import { median, startBenchPlatform } from './support/platform.ts';

const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag === -1 ? 5 : Number(process.argv[runsFlag + 1]);

const dir = await mkdtemp(join(tmpdir(), 'onward-bench-latency-'));
const clipPath = await generateClip({ path: join(dir, 'clip.mp4'), width: 1080, height: 1920, seconds: 30, fps: 30, audio: true, preset: 'veryfast' });
const clip = await readFile(clipPath);
const platform = await startBenchPlatform({ worker: true });
try {
  const cookie = await platform.signUp('bench_latency');
  const results: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const form = new FormData();
    form.set('title', `latency run ${run}`);
    form.set('category', 'milestone');
    form.set('video', new Blob([clip], { type: 'video/mp4' }), 'clip.mp4');
    const started = performance.now();
    const res = await fetch(`${platform.apiUrl}/videos`, { method: 'POST', headers: { cookie }, body: form });
    if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
    const { video } = (await res.json()) as { video: { id: string } };
    for (;;) {
      const poll = await fetch(`${platform.apiUrl}/videos/${video.id}`, { headers: { cookie } });
      const { video: now } = (await poll.json()) as { video: { status: string; failureReason: string | null } };
      if (now.status === 'in_review') break;
      if (now.status !== 'processing') throw new Error(`run ${run} ended ${now.status}: ${now.failureReason}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const ms = performance.now() - started;
    results.push(ms);
    console.log(`  run ${run + 1}: ${(ms / 1000).toFixed(2)} s`);
  }
  console.log(`upload -> in_review, 30 s 1080x1920 clip: median ${(median(results) / 1000).toFixed(2)} s over ${RUNS} runs (${(30_000 / median(results)).toFixed(2)}x realtime)`);
} finally {
  await platform.stop();
  await rm(dir, { recursive: true, force: true });
}
