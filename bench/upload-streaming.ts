// Streaming upload of a 1 GiB file through the API: the API's peak RSS growth (target < 100 MB) and its
// throughput against a direct lib-storage upload of the same bytes to the same S3 in the same run (target >= 80%).
// Run: npx tsx bench/upload-streaming.ts [--mib 1024]   (needs ~3 GB free disk for the emulator)
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { createObjectStore } from '../packages/storage/src/index.ts';
import { median, startBenchPlatform } from './support/platform.ts';

const mibFlag = process.argv.indexOf('--mib');
const MIB = mibFlag === -1 ? 1024 : Number(process.argv[mibFlag + 1]);
const TOTAL = MIB * 1024 * 1024;
const RUNS = 3;

/** A stream of TOTAL bytes that starts like an MP4 (so the API's container check passes) and costs no disk. */
function fakeVideo(total = TOTAL): Readable {
  const block = randomBytes(1024 * 1024);
  block.write('\x00\x00\x00\x18ftypisom', 0, 'latin1');
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return this.push(null);
      const size = Math.min(block.length, total - sent);
      sent += size;
      this.push(sent === size ? block.subarray(0, size) : Buffer.from(block.subarray(0, size)).fill(sent % 251, 0, 16));
    },
  });
}

async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

async function uploadThroughApi(apiUrl: string, cookie: string, total = TOTAL): Promise<number> {
  const boundary = 'onwardbench';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nbench\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="category"\r\n\r\neducation\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="video"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const url = new URL('/videos', apiUrl);
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: {
        cookie,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': head.length + total + tail.length,
      },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`upload answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.write(head);
    const body = fakeVideo(total);
    body.on('end', () => req.end(tail));
    body.pipe(req, { end: false });
  });
  return performance.now() - started;
}

const platform = await startBenchPlatform({ worker: false, env: { UPLOAD_MAX_BYTES: String(TOTAL + 1024 * 1024) } });
try {
  const cookie = await platform.signUp('bench_streamer');
  const store = createObjectStore({
    endpoint: platform.s3.endpoint,
    region: platform.s3.region,
    bucket: 'onward-bench',
    accessKeyId: platform.s3.accessKeyId,
    secretAccessKey: platform.s3.secretAccessKey,
    forcePathStyle: true,
    presignTtlSeconds: 60,
  });
  // Warm-up: the first upload loads and compiles the upload path (multipart parser, lib-storage); what we
  // measure is what streaming costs once the process is warm, so that one-time growth is not counted.
  await uploadThroughApi(platform.apiUrl, cookie, 64 * 1024 * 1024);
  const apiMs: number[] = [];
  const directMs: number[] = [];
  const rssGrowth: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const baseline = await rssBytes(platform.apiPid);
    let peak = baseline;
    const sampler = setInterval(() => {
      void rssBytes(platform.apiPid).then((v) => (peak = Math.max(peak, v)));
    }, 50);
    apiMs.push(await uploadThroughApi(platform.apiUrl, cookie));
    clearInterval(sampler);
    rssGrowth.push(peak - baseline);

    const started = performance.now();
    await store.putStream(`bench/direct-${run}`, fakeVideo(), { contentType: 'application/octet-stream' });
    directMs.push(performance.now() - started);
    await store.deleteObject(`bench/direct-${run}`);
    await store.deletePrefix('private/originals/').catch(() => {});
  }
  const mbps = (ms: number) => TOTAL / 1024 / 1024 / (ms / 1000);
  const api = median(apiMs);
  const direct = median(directMs);
  console.log(`upload streaming, ${MIB} MiB, ${RUNS} runs (median)`);
  console.log(`  through the API:        ${mbps(api).toFixed(1)} MiB/s (${(api / 1000).toFixed(1)} s)`);
  console.log(`  direct lib-storage:     ${mbps(direct).toFixed(1)} MiB/s (${(direct / 1000).toFixed(1)} s)`);
  console.log(`  API / direct:           ${((direct / api) * 100).toFixed(0)}%   (target >= 80%)`);
  const mib = (b: number) => (b / 1024 / 1024).toFixed(1);
  console.log(`  API peak RSS growth:    ${mib(median(rssGrowth))} MiB median; runs ${rssGrowth.map(mib).join(', ')} MiB (target < 100 MB)`);
  console.log(`  runs (API / direct, s): ${apiMs.map((ms, i) => `${(ms / 1000).toFixed(1)}/${((directMs[i] ?? 0) / 1000).toFixed(1)}`).join('  ')}`);
} finally {
  await platform.stop();
}
