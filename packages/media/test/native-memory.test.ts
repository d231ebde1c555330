// releaseFreedNativeMemory (glibc malloc_trim through koffi) in a fresh process: what an ended worker thread left
// free in its malloc arena is resident until it is called, and gone after.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const execFileAsync = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '../../..');

async function run(trim: boolean): Promise<{ before: number; after: number; released: boolean }> {
  const moduleUrl = new URL('../src/faces/native-memory.ts', import.meta.url).href;
  const script = `
    import { Worker } from 'node:worker_threads';
    import { readFileSync } from 'node:fs';
    const { releaseFreedNativeMemory } = await import(${JSON.stringify(moduleUrl)});
    const rss = () => (Number(readFileSync('/proc/self/statm', 'utf8').split(' ')[1]) * 4096) / 1048576;
    // 150 MB in 100 kB buffers (under glibc's mmap threshold: from the thread's own arena), freed when it ends; a
    // 60 MB version gave back only 14 MB once under the full suite's load, against ~30 MB alone
    const worker = new Worker("const { parentPort } = require('node:worker_threads'); const keep = Array.from({ length: 1500 }, () => Buffer.alloc(100000, 1)); parentPort.postMessage(keep.length);", { eval: true, execArgv: [] });
    await new Promise((resolve) => worker.once('message', resolve));
    await worker.terminate();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const before = rss();
    const released = ${trim} ? releaseFreedNativeMemory() : false;
    process.stdout.write(JSON.stringify({ before, after: rss(), released }));
  `;
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], { cwd: repoRoot, timeout: 30_000 });
  return JSON.parse(stdout);
}

describe('releaseFreedNativeMemory', () => {
  it("returns an ended thread's freed malloc memory to the system (glibc keeps it resident otherwise)", async () => {
    const kept = await run(false);
    expect(kept.after).toBeCloseTo(kept.before, 0);
    const trimmed = await run(true);
    expect(trimmed.released).toBe(true);
    console.log(`resident ${trimmed.before.toFixed(0)} MB -> ${trimmed.after.toFixed(0)} MB after the trim (without it: ${kept.before.toFixed(0)} -> ${kept.after.toFixed(0)} MB)`);
    expect(trimmed.before - trimmed.after).toBeGreaterThan(20);
  });
});
