// The S3 emulator for development and tests: s3rver, in-process, speaking real S3 over HTTP, with its data
// under `directory`. A few gaps of s3rver are filled in emulator-shims.ts.
import { createCipheriv } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { handleShimmedRequest } from './emulator-shims.ts';

export interface EmbeddedS3 {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  close(): Promise<void>;
}

export interface EmbeddedS3Options {
  directory: string;
  /** 0 = a random free port. Default 0. */
  port?: number;
  /** Default 127.0.0.1 (loopback only: the emulator is not a security boundary). */
  host?: string;
  /** Suppress s3rver's per-request log lines. Default true. */
  silent?: boolean;
}

// s3rver is CommonJS without type definitions; this is the part of it we use.
interface S3rverInstance {
  getMiddleware(): (req: IncomingMessage, res: ServerResponse) => void;
  logger?: { close(): void };
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;
type FilesystemStoreConstructor = new (directory: string) => { deleteObject(bucket: string, key: string): Promise<void> };
const require = createRequire(import.meta.url);
const S3rver = require('s3rver') as S3rverConstructor;
// s3rver 3.7.1 (pinned) has no "exports" map; its store is used by the DeleteObjects shim.
const FilesystemStore = require('s3rver/lib/stores/filesystem') as FilesystemStoreConstructor;

// s3rver's single hard-coded account (lib/models/account.js); it knows no other keys.
const ACCESS_KEY_ID = 'S3RVER';
const SECRET_ACCESS_KEY = 'S3RVER';
// s3rver has no notion of regions (it stamps 'us-east-1' into its continuation tokens); clients may sign
// for any region, this is just the conventional one.
const REGION = 'us-east-1';

/**
 * s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only offers through its legacy
 * provider. Without it every listing longer than one page fails with a 500, so fail fast and say why.
 */
function assertLegacyCiphersAvailable(): void {
  try {
    createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8));
  } catch {
    throw new Error(
      'The embedded S3 emulator (s3rver) needs the DES cipher for ListObjectsV2 pagination; start Node with ' +
        'NODE_OPTIONS=--openssl-legacy-provider.',
    );
  }
}

export async function startEmbeddedS3(opts: EmbeddedS3Options): Promise<EmbeddedS3> {
  assertLegacyCiphersAvailable();
  const host = opts.host ?? '127.0.0.1';
  await mkdir(opts.directory, { recursive: true });
  const s3rver = new S3rver({
    directory: opts.directory,
    silent: opts.silent ?? true,
    // Buckets are addressed path-style only; never guess a bucket from the Host header.
    vhostBuckets: false,
    allowMismatchedSignatures: false,
    resetOnClose: false,
  });
  const s3rverHandler = s3rver.getMiddleware();
  const shim = {
    directory: opts.directory,
    secretFor: (id: string) => (id === ACCESS_KEY_ID ? SECRET_ACCESS_KEY : undefined),
    store: new FilesystemStore(opts.directory),
  };

  const server = createServer((req, res) => {
    handleShimmedRequest(shim, req, res).then(
      (handled) => {
        if (!handled) s3rverHandler(req, res);
      },
      (err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(err instanceof Error ? err.message : 'internal error');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://${hostInUrl}:${port}`,
    region: REGION,
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // SDK clients keep connections alive; don't wait for them to time out.
        server.closeAllConnections();
      }).finally(() => s3rver.logger?.close());
      return closing;
    },
  };
}
