// Shared by this package's integration tests: a real s3rver over HTTP per test file, a bucket per file.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { createObjectStore, type EmbeddedS3, type ObjectStore, startEmbeddedS3 } from '../src/index.ts';

export interface TestStorage {
  s3: EmbeddedS3;
  store: ObjectStore;
  directory: string;
  close(): Promise<void>;
}

export async function startTestStorage(bucketPrefix: string): Promise<TestStorage> {
  const directory = await mkdtemp(join(tmpdir(), 'onward-storage-test-'));
  const s3 = await startEmbeddedS3({ directory, port: 0 });
  const store = createObjectStore({
    endpoint: s3.endpoint,
    region: s3.region,
    bucket: `${bucketPrefix}-${randomBytes(4).toString('hex')}`,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
    presignTtlSeconds: 60,
  });
  await store.ensureBucket();
  return {
    s3,
    store,
    directory,
    async close() {
      store.client.destroy();
      await s3.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** A deterministic pseudo-random byte stream of `size` bytes, generated on the fly (never held in memory). */
export function generatedStream(size: number, opts: { seed?: number; chunk?: number; stallAfter?: number; failAfter?: number } = {}): Readable {
  let produced = 0;
  let state = opts.seed ?? 1;
  const chunkSize = opts.chunk ?? 64 * 1024;
  return new Readable({
    read() {
      if (opts.failAfter !== undefined && produced >= opts.failAfter) {
        this.destroy(new Error('source failed on purpose'));
        return;
      }
      if (opts.stallAfter !== undefined && produced >= opts.stallAfter) return; // never pushes again
      if (produced >= size) {
        this.push(null);
        return;
      }
      const n = Math.min(chunkSize, size - produced);
      const buf = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i++) {
        if (i % 4 === 0) state = (Math.imul(state, 1664525) + 1013904223) >>> 0; // LCG
        buf[i] = (state >>> ((i % 4) * 8)) & 0xff;
      }
      produced += n;
      this.push(buf);
    },
  });
}

/** Counts the SDK commands a client sends, by command name. */
export function countCommands(client: S3Client): Map<string, number> {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? '?';
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: `countCommands-${randomBytes(4).toString('hex')}` },
  );
  return counts;
}

export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
