// The whole platform for browser tests, as production runs it: a fresh database, Redis prefix and bucket, the
// API and a media worker as child processes, and the built web server (`node web/server.js`) in front of them.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { PutBucketCorsCommand } from '@aws-sdk/client-s3';
import { type Env, loadConfig } from '@onward/config';
import { createDb, migrateToLatest } from '@onward/db';
import { createObjectStore } from '@onward/storage';
import { Redis } from 'ioredis';
import pg from 'pg';

export const root = resolve(import.meta.dirname, '../../..');

export interface PlatformS3 {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface Platform {
  webUrl: string;
  apiUrl: string;
  /** The environment the API and worker run with (for direct database access in the harness). */
  env: Env;
  stop(): Promise<void>;
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return await new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
}

async function deleteRedisKeys(url: string, pattern: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function waitFor(url: string, timeoutMs: number, child: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before it was ready; see test-results/e2e-logs/`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} (${url}) was not ready within ${timeoutMs / 1000} s`);
}

export interface StartOptions {
  postgresAdminUrl: string;
  redisUrl: string;
  s3: PlatformS3;
  /** Where the processes' logs go. */
  logDir: string;
  overrides?: Env;
}

export async function startPlatform(options: StartOptions): Promise<Platform> {
  const id = randomBytes(4).toString('hex');
  // onward_t_{pid}_...: the test-database naming, so a crashed run's database is dropped by the next run
  const dbName = `onward_t_${process.pid}_e2e${id}`;
  const [apiPort, webPort] = [await freePort(), await freePort()];
  const webUrl = `http://127.0.0.1:${webPort}`;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const redisPrefix = `onward_e2e_${id}`;
  const databaseUrl = await createDatabase(options.postgresAdminUrl, dbName);
  const env: Env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    PUBLIC_BASE_URL: webUrl,
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    DATABASE_URL: databaseUrl,
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: redisPrefix,
    S3_ENDPOINT: options.s3.endpoint,
    S3_REGION: options.s3.region,
    S3_BUCKET: `onward-e2e-${id}`,
    S3_ACCESS_KEY_ID: options.s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: options.s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
    // every test signs up or logs in from 127.0.0.1
    LOGIN_MAX_ATTEMPTS_PER_IP: '10000',
    UPLOADS_PER_DAY: '1000',
    ...options.overrides,
  };
  const config = loadConfig(env);

  const db = createDb({ connectionString: databaseUrl, maxConnections: 1 });
  await migrateToLatest(db);
  await db.destroy();
  const storage = createObjectStore(config.s3);
  await storage.ensureBucket();
  // private playback fetches presigned segments straight from the bucket (as launch.ts allows for npm start)
  await storage.client.send(
    new PutBucketCorsCommand({
      Bucket: config.s3.bucket,
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedOrigins: [webUrl],
            AllowedMethods: ['GET', 'HEAD'],
            AllowedHeaders: ['*'],
            ExposeHeaders: ['Content-Length', 'Content-Range', 'ETag'],
            MaxAgeSeconds: 3600,
          },
        ],
      },
    }),
  );
  storage.client.destroy();

  await mkdir(options.logDir, { recursive: true });
  const children: { child: ChildProcess; log: WriteStream }[] = [];
  const run = (name: string, command: string, args: string[], extra: Env = {}) => {
    const log = createWriteStream(join(options.logDir, `${name}.log`));
    const child = spawn(command, args, {
      cwd: root,
      detached: true, // its own process group: stopping it also stops its ffmpeg
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    children.push({ child, log });
    return child;
  };
  const tsx = join(root, 'node_modules/.bin/tsx');
  const api = run('api', tsx, ['services/api/src/server.ts']);
  run('worker', tsx, ['workers/media/src/main.ts']);
  const web = run('web', process.execPath, ['web/server.js'], {
    HOST: '127.0.0.1',
    PORT: String(webPort),
    API_INTERNAL_URL: apiUrl,
    PROTOCOL_HEADER: 'x-forwarded-proto',
  });

  const stop = async () => {
    await Promise.all(
      children.map(
        ({ child, log }) =>
          new Promise<void>((done) => {
            const finish = () => log.end(() => done());
            if (child.exitCode !== null || child.signalCode !== null || !child.pid) return finish();
            const timer = setTimeout(() => {
              try {
                process.kill(-(child.pid ?? 0), 'SIGKILL');
              } catch {}
            }, 5_000);
            child.once('exit', () => {
              clearTimeout(timer);
              finish();
            });
            try {
              process.kill(-child.pid, 'SIGTERM');
            } catch {
              finish();
            }
          }),
      ),
    );
    await dropDatabase(options.postgresAdminUrl, dbName);
    await deleteRedisKeys(options.redisUrl, `${redisPrefix}:*`);
  };

  try {
    await waitFor(`${apiUrl}/readyz`, 60_000, api, 'the API');
    await waitFor(`${webUrl}/healthz`, 30_000, web, 'the web server');
  } catch (error) {
    await stop();
    throw error;
  }
  return { webUrl, apiUrl, env, stop };
}
