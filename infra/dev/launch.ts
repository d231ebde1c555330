// `npm start`: the whole platform on one machine. Creates the database if missing, starts the embedded S3
// emulator when no S3_ENDPOINT is configured, migrates, then runs the API, the media worker and the web app
// as child processes (the same entry points production runs) and prints the URLs. Ctrl-C stops everything.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Config, ConfigError, loadConfig, loadConfigFromProcessEnv } from '@onward/config';
import { createDb, migrateToLatest } from '@onward/db';
import { createObjectStore, type EmbeddedS3, startEmbeddedS3 } from '@onward/storage';
import { PutBucketCorsCommand, type S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { seedDemoContent } from './seed-demo.ts';

const root = resolve(import.meta.dirname, '../..');
const children: ChildProcess[] = [];
let embedded: EmbeddedS3 | undefined;
let stopping = false;

function say(message: string) {
  console.log(`\x1b[1;36m[onward]\x1b[0m ${message}`);
}

async function ensureDatabase(databaseUrl: string) {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) {
      say(`creating database ${name}`);
      await admin.query(`create database "${name.replace(/"/g, '""')}"`);
    }
  } finally {
    await admin.end();
  }
}

function run(name: string, command: string, args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `\x1b[35m${name.padEnd(6)}\x1b[0m|`;
  const forward = (stream: NodeJS.ReadableStream, out: NodeJS.WriteStream) => {
    let buffered = '';
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) out.write(`${prefix} ${line}\n`);
    });
  };
  forward(child.stdout!, process.stdout);
  forward(child.stderr!, process.stderr);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${prefix} exited (${signal ?? code}); stopping the platform`);
      void stop(1);
    }
  });
  children.push(child);
  return child;
}

async function waitFor(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not become ready within ${timeoutMs / 1000} s`);
}

async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          const timer = setTimeout(() => {
            child.kill('SIGKILL');
            done();
          }, 10_000);
          child.on('exit', () => {
            clearTimeout(timer);
            done();
          });
        }),
    ),
  );
  await embedded?.close();
  process.exit(code);
}

/** Private playback fetches presigned segment URLs straight from the bucket: let the web app's origin read them. */
async function allowPlaybackFromTheWebApp(client: S3Client, config: Config) {
  await client.send(
    new PutBucketCorsCommand({
      Bucket: config.s3.bucket,
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedOrigins: [new URL(config.publicBaseUrl).origin],
            AllowedMethods: ['GET', 'HEAD'],
            AllowedHeaders: ['*'],
            ExposeHeaders: ['Content-Length', 'Content-Range', 'ETag'],
            MaxAgeSeconds: 3600,
          },
        ],
      },
    }),
  );
}

async function buildWebIfNeeded() {
  say('building the web app (cached by turbo when unchanged)');
  await new Promise<void>((done, fail) => {
    const child = spawn('turbo', ['run', 'build', '--filter=@onward/web', '--output-logs=errors-only'], { cwd: root, stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`web build failed (${code})`))));
  });
}

async function main() {
  let config: Config = loadConfigFromProcessEnv();
  const env: NodeJS.ProcessEnv = { ...process.env };

  if (!config.s3.endpoint) {
    if (config.nodeEnv === 'production') throw new Error('S3_ENDPOINT must be set in production');
    const directory = resolve(root, config.s3.embeddedDir);
    await mkdir(directory, { recursive: true });
    embedded = await startEmbeddedS3({ directory, port: config.s3.embeddedPort, silent: true });
    Object.assign(env, {
      S3_ENDPOINT: embedded.endpoint,
      S3_REGION: embedded.region,
      S3_ACCESS_KEY_ID: embedded.accessKeyId,
      S3_SECRET_ACCESS_KEY: embedded.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    });
    config = loadConfig(env);
    say(`embedded S3 emulator at ${embedded.endpoint} (data in ${config.s3.embeddedDir})`);
  }

  await ensureDatabase(config.databaseUrl);
  const db = createDb({ connectionString: config.databaseUrl, maxConnections: 1 });
  const applied = await migrateToLatest(db);
  await db.destroy();
  say(applied.length ? `migrated: ${applied.join(', ')}` : 'database schema is up to date');
  const storage = createObjectStore(config.s3);
  await storage.ensureBucket();
  if (embedded) await allowPlaybackFromTheWebApp(storage.client, config);
  storage.client.destroy();

  await buildWebIfNeeded();

  const apiUrl = `http://${config.api.host}:${config.api.port}`;
  run('api', 'tsx', ['services/api/src/server.ts'], env);
  // a blurred job's frames hold one libuv pool thread while they wait on a pipe (docs/adr-009-kernel-pipes-for-frames.md)
  run('worker', 'tsx', ['workers/media/src/main.ts'], { UV_THREADPOOL_SIZE: '8', ...env });
  run('web', 'node', ['web/server.js'], {
    ...env,
    // served directly over http: the web server tells SvelteKit the protocol in this header itself
    PROTOCOL_HEADER: 'x-forwarded-proto',
    HOST: config.web.host,
    PORT: String(config.web.port),
    API_INTERNAL_URL: config.web.apiInternalUrl,
  });

  await waitFor(`${apiUrl}/readyz`, 60_000);
  await waitFor(`http://${config.web.host}:${config.web.port}/`, 60_000);
  say('Onward is running:');
  say(`  web app      ${config.publicBaseUrl}`);
  say(`  API          ${apiUrl}   (readiness: ${apiUrl}/readyz, OpenAPI: ${apiUrl}/openapi.json)`);
  say(`  S3           ${config.s3.endpoint ?? env.S3_ENDPOINT} bucket ${config.s3.bucket}`);
  say('Press Ctrl-C to stop.');
  await seedDemoContent(config, apiUrl, say).catch((error: unknown) => say(`demo content was not seeded: ${String(error)}`));
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
main().catch(async (error: unknown) => {
  console.error(error instanceof ConfigError ? `onward: ${error.message}` : error);
  await stop(1);
});
