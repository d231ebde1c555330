// Request handlers that sit in front of s3rver in the embedded emulator and fill the gaps that matter to
// us (all path-style: /{bucket}/{key}):
//
//  - AbortMultipartUpload: s3rver answers 405 MethodNotAllowed and keeps the parts on disk forever.
//  - ListMultipartUploads: s3rver answers 501 NotImplemented; we need it to prove aborted uploads are gone.
//  - DeleteObjects: s3rver deletes the batch concurrently and its empty-directory cleanup races with itself
//    (readdirSync of a directory a sibling deletion just removed), answering 500 whenever a batch empties a
//    "directory". Here the batch is deleted one key at a time with s3rver's own store code, and a
//    Content-MD5 header, when sent, is verified like S3 does.
//  - Access policy like the production bucket: s3rver serves anything to anonymous requests and accepts
//    any V4 signature. Here anonymous reads are allowed only under PUBLIC_READ_PREFIX, and presigned URLs
//    must carry a valid signature (s3rver itself still enforces their expiry). Header-signed SDK requests
//    are not verified (s3rver behaviour), so the emulator is still no security boundary: it listens on
//    loopback by default.
//
// Multipart state lives where s3rver's FilesystemStore keeps it: {directory}/{bucket}/._S3rver_uploads/{uploadId}/
// with the object key in a file named `key`.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PUBLIC_READ_PREFIX } from './object-keys.ts';
import { verifyPresignedRequest } from './sigv4-query.ts';

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const UPLOAD_ID = /^[0-9a-f]{32}$/;
const UPLOADS_DIR = '._S3rver_uploads';

export interface ShimContext {
  directory: string;
  secretFor(accessKeyId: string): string | undefined;
  /** s3rver's FilesystemStore for `directory` (its deleteObject also removes emptied directories). */
  store: { deleteObject(bucket: string, key: string): Promise<void> };
}

interface Target {
  bucket: string;
  key: string;
  query: URLSearchParams;
}

function parseTarget(req: IncomingMessage): Target | undefined {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const [, rawBucket = '', ...rest] = url.pathname.split('/');
  try {
    const bucket = decodeURIComponent(rawBucket);
    if (!BUCKET.test(bucket) || bucket.includes('..')) return undefined;
    return { bucket, key: rest.map((s) => decodeURIComponent(s)).join('/'), query: url.searchParams };
  } catch {
    return undefined; // malformed percent-encoding: let s3rver answer it
  }
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity[0] === '#') {
      const code = entity[1] === 'x' || entity[1] === 'X' ? Number.parseInt(entity.slice(2), 16) : Number(entity.slice(1));
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return XML_ENTITIES[entity] ?? whole;
  });
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function escapeXml(value: string): string {
  return value.replace(/[<>&'"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function sendXml(req: IncomingMessage, res: ServerResponse, status: number, xml: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function sendError(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string): void {
  sendXml(req, res, status, `<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>`);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Returns true when the request was answered here; false hands it on to s3rver. */
export async function handleShimmedRequest(ctx: ShimContext, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const method = req.method ?? 'GET';
  if (method === 'OPTIONS') return false; // CORS preflight: s3rver applies the bucket's CORS configuration
  const target = parseTarget(req);
  const query = target?.query ?? new URL(req.url ?? '/', 'http://emulator').searchParams;

  // Access policy.
  if (query.has('X-Amz-Signature')) {
    const check = verifyPresignedRequest(method, req.url ?? '/', req.headers, ctx.secretFor);
    if (!check.ok) {
      sendError(req, res, 403, check.code, check.message);
      return true;
    }
  } else if (!req.headers.authorization) {
    const publicRead = (method === 'GET' || method === 'HEAD') && target !== undefined && target.key.startsWith(PUBLIC_READ_PREFIX);
    if (!publicRead) {
      sendError(req, res, 403, 'AccessDenied', 'Access Denied');
      return true;
    }
  }
  if (!target) return false;

  const uploadsDir = join(ctx.directory, target.bucket, UPLOADS_DIR);
  // AbortMultipartUpload
  if (method === 'DELETE' && target.key !== '' && query.has('uploadId')) {
    const uploadId = query.get('uploadId') ?? '';
    const dir = join(uploadsDir, uploadId);
    if (!UPLOAD_ID.test(uploadId) || !(await exists(dir))) {
      sendError(req, res, 404, 'NoSuchUpload', 'The specified upload does not exist.');
      return true;
    }
    await rm(dir, { recursive: true, force: true });
    res.writeHead(204).end();
    return true;
  }
  // DeleteObjects
  if (method === 'POST' && target.key === '' && query.has('delete')) {
    if (!(await exists(join(ctx.directory, target.bucket)))) {
      sendError(req, res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
      return true;
    }
    const body = await readBody(req, 2 * 1024 * 1024);
    if (!body) {
      sendError(req, res, 400, 'MalformedXML', 'The XML you provided was too large.');
      return true;
    }
    const md5 = req.headers['content-md5'];
    if (typeof md5 === 'string' && createHash('md5').update(body).digest('base64') !== md5) {
      sendError(req, res, 400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
      return true;
    }
    const xml = body.toString('utf8');
    const keys = [...xml.matchAll(/<Key>([\s\S]*?)<\/Key>/g)].map((m) => unescapeXml(m[1] ?? ''));
    if (!/<Delete[\s>]/.test(xml) || keys.length === 0 || keys.length > 1000) {
      sendError(req, res, 400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
      return true;
    }
    for (const key of keys) await ctx.store.deleteObject(target.bucket, key);
    const quiet = /<Quiet>\s*true\s*<\/Quiet>/i.test(xml);
    const deleted = quiet ? '' : keys.map((key) => `<Deleted><Key>${escapeXml(key)}</Key></Deleted>`).join('');
    sendXml(req, res, 200, `<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${deleted}</DeleteResult>`);
    return true;
  }
  // ListParts (no pagination: an emulator never holds 1000 parts of one upload). @tus/s3-store needs it to
  // find how much of a resumable upload is stored.
  if (method === 'GET' && target.key !== '' && query.has('uploadId') && !query.has('partNumber')) {
    const uploadId = query.get('uploadId') ?? '';
    const dir = join(uploadsDir, uploadId);
    const key = UPLOAD_ID.test(uploadId) ? await readFile(join(dir, 'key'), 'utf8').catch(() => undefined) : undefined;
    if (key === undefined || key !== target.key) {
      sendError(req, res, 404, 'NoSuchUpload', 'The specified upload does not exist.');
      return true;
    }
    const numbers = (await readdir(dir))
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .sort((a, b) => a - b);
    const parts: string[] = [];
    for (const n of numbers) {
      const [info, md5] = await Promise.all([stat(join(dir, String(n))), readFile(join(dir, `${n}.md5`), 'utf8')]);
      parts.push(
        `<Part><PartNumber>${n}</PartNumber><LastModified>${info.mtime.toISOString()}</LastModified>` +
          `<ETag>&quot;${escapeXml(md5.trim())}&quot;</ETag><Size>${info.size}</Size></Part>`,
      );
    }
    sendXml(
      req,
      res,
      200,
      `<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${escapeXml(target.bucket)}</Bucket>` +
        `<Key>${escapeXml(key)}</Key><UploadId>${uploadId}</UploadId><MaxParts>1000</MaxParts><IsTruncated>false</IsTruncated>` +
        `${parts.join('')}</ListPartsResult>`,
    );
    return true;
  }
  // ListMultipartUploads (no pagination: an emulator never has 1000 pending uploads)
  if (method === 'GET' && target.key === '' && query.has('uploads')) {
    if (!(await exists(join(ctx.directory, target.bucket)))) {
      sendError(req, res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
      return true;
    }
    const prefix = query.get('prefix') ?? '';
    const ids = await readdir(uploadsDir).catch(() => [] as string[]);
    const uploads: { key: string; id: string; initiated: Date }[] = [];
    for (const id of ids.filter((name) => UPLOAD_ID.test(name)).sort()) {
      const keyFile = join(uploadsDir, id, 'key');
      const key = await readFile(keyFile, 'utf8').catch(() => undefined);
      const initiated = await stat(keyFile).then((s) => s.mtime, () => new Date());
      if (key?.startsWith(prefix)) uploads.push({ key, id, initiated });
    }
    uploads.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const entries = uploads
      .map((u) => `<Upload><Key>${escapeXml(u.key)}</Key><UploadId>${u.id}</UploadId><Initiated>${u.initiated.toISOString()}</Initiated></Upload>`)
      .join('');
    sendXml(
      req,
      res,
      200,
      `<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${escapeXml(target.bucket)}</Bucket>` +
        `<Prefix>${escapeXml(prefix)}</Prefix><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>${entries}</ListMultipartUploadsResult>`,
    );
    return true;
  }
  return false;
}
