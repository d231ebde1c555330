// Builds the S3 client. Works unchanged against AWS S3, Cloudflare R2, MinIO and the embedded emulator.
import { createHash } from 'node:crypto';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { AppError } from '@onward/domain';
import type { StorageConfig } from './config.ts';

/** The client settings every S3 client of the platform uses (ours, and libraries' such as the tus store). */
export function s3ClientConfig(cfg: StorageConfig): S3ClientConfig {
  if (Boolean(cfg.accessKeyId) !== Boolean(cfg.secretAccessKey)) {
    throw new AppError(500, 'storage_misconfigured', 'S3 access key id and secret must be given together.');
  }
  return {
    region: cfg.region,
    ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}),
    forcePathStyle: cfg.forcePathStyle,
    ...(cfg.accessKeyId && cfg.secretAccessKey
      ? { credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey } }
      : {}),
    // Since SDK 3.729 the default (WHEN_SUPPORTED) wraps every streamed PutObject/UploadPart body in
    // aws-chunked encoding with a CRC32 trailer. S3-compatible servers that do not speak aws-chunked
    // (the s3rver emulator among them) then store the chunk framing as object bytes. WHEN_REQUIRED only
    // adds checksums where the API demands one (DeleteObjects), which AWS, R2 and MinIO all accept.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

export function createS3Client(cfg: StorageConfig): S3Client {
  return withDeleteObjectsContentMd5(new S3Client(s3ClientConfig(cfg)));
}

/** Makes DeleteObjects send Content-MD5 instead of CRC32 (see below); works on any client of this SDK. */
export function withDeleteObjectsContentMd5<C extends S3Client>(client: C): C {
  client.middlewareStack.add(deleteObjectsContentMd5, {
    step: 'build',
    // after the SDK's flexibleChecksumsMiddleware (build step, normal priority) has added its CRC32 header
    priority: 'low',
    name: 'onwardDeleteObjectsContentMd5',
    override: true,
  });
  return client;
}

// Structural stand-ins for @smithy/types' BuildMiddleware (not a direct dependency of this package).
type BuildArgs<I> = { input: I; request: unknown };
type BuildNext<I, O> = (args: BuildArgs<I>) => Promise<{ output: O; response: unknown }>;

/**
 * DeleteObjects is the one call S3 insists on an integrity header for. The SDK now sends a CRC32
 * (x-amz-checksum-crc32 + x-amz-sdk-checksum-algorithm) where it used to send Content-MD5, and several
 * S3-compatible servers (older MinIO, Ceph RGW, s3proxy, some managed offerings) reject that with
 * "Missing required header for this request: Content-Md5" or "unknown header". AWS documents this exact
 * fallback (aws-sdk-js-v3 supplemental-docs/MD5_FALLBACK.md): drop the flexible checksum headers and send
 * Content-MD5 of the XML body, which AWS S3 itself has always accepted for DeleteObjects.
 */
function deleteObjectsContentMd5<I extends object, O extends object>(
  next: BuildNext<I, O>,
  context: { commandName?: string },
): BuildNext<I, O> {
  return async (args) => {
    const request = args.request as { headers?: Record<string, string>; body?: unknown } | undefined;
    if (context.commandName !== 'DeleteObjectsCommand' || !request?.headers) return next(args);
    const body = request.body;
    if (typeof body !== 'string' && !(body instanceof Uint8Array)) return next(args);
    for (const name of Object.keys(request.headers)) {
      const lower = name.toLowerCase();
      if (lower.startsWith('x-amz-checksum-') || lower.startsWith('x-amz-sdk-checksum-') || lower === 'content-md5') {
        delete request.headers[name];
      }
    }
    request.headers['content-md5'] = createHash('md5').update(body).digest('base64');
    return next(args);
  };
}
