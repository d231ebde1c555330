// Builds a multipart/form-data body (fields first, then the files) for app.inject or raw sockets.
import { randomBytes } from 'node:crypto';

export interface FilePart {
  field?: string;
  filename: string;
  data: Buffer;
  contentType?: string;
}

export function multipartBody(fields: Record<string, string>, files?: FilePart | FilePart[]) {
  const boundary = `----onward${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  for (const file of files === undefined ? [] : Array.isArray(files) ? files : [files]) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'video'}"; filename="${file.filename}"\r\n` +
          `Content-Type: ${file.contentType ?? 'video/mp4'}\r\n\r\n`,
      ),
    );
    chunks.push(file.data, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  const payload = Buffer.concat(chunks);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
