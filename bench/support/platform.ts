// Starts a throwaway platform for a benchmark: S3 emulator (in this process), a fresh migrated database,
// a Redis prefix, and the real API (and optionally the media worker) as child processes.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTemplateDatabase, dropDatabase } from '../../packages/db/src/testing.ts';
import { startEmbeddedS3 } from '../../packages/storage/src/index.ts';

export const root = resolve(import.meta.dirname, '../..');
const adminUrl = 'postgres://postgres@127.0.0.1:5432/postgres';

export async function startBenchPlatform(options: { worker: boolean; env?: Record<string, string> }) {
  const s3Dir = await mkdtemp(join(tmpdir(), 'onward-bench-s3-'));
  const s3 = await startEmbeddedS3({ directory: s3Dir, port: 0 });
  const database = await createTemplateDatabase(adminUrl);
  const port = 4600 + (process.pid % 300);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}`,
    REDIS_PREFIX: `onward_bench_${process.pid}`,
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_BUCKET: 'onward-bench',
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    API_PORT: String(port),
    UPLOADS_PER_DAY: '1000',
    ...options.env,
  };
  const children: ChildProcess[] = [];
  const start = (script: string) => {
    // node itself (not the tsx wrapper, which forks): the pid is the process whose memory is measured
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
    children.push(child);
    return child;
  };
  const api = start('services/api/src/server.ts');
  if (options.worker) start('workers/media/src/main.ts');
  const apiUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${apiUrl}/readyz`)).ok) break;
    } catch {}
    if (i > 200) throw new Error('API did not become ready');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    apiUrl,
    apiPid: api.pid ?? 0,
    s3,
    env,
    async signUp(handle: string) {
      const res = await fetch(`${apiUrl}/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ handle, password: 'benchmark-password-1' }),
      });
      if (res.status !== 201) throw new Error(`signup failed: ${res.status}`);
      return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    },
    async stop() {
      for (const child of children) child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 1500));
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      await s3.close();
      await dropDatabase(adminUrl, database);
      await rm(s3Dir, { recursive: true, force: true });
    },
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
