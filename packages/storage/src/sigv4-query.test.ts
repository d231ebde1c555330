import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { verifyPresignedRequest } from './sigv4-query.ts';

const client = new S3Client({
  endpoint: 'http://127.0.0.1:4569',
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
});
const secretFor = (id: string) => (id === 'AKID' ? 'secret' : undefined);

async function presign(key: string, extra: Partial<ConstructorParameters<typeof GetObjectCommand>[0]> = {}) {
  const url = new URL(await getSignedUrl(client, new GetObjectCommand({ Bucket: 'b', Key: key, ...extra }), { expiresIn: 60 }));
  return { target: url.pathname + url.search, host: url.host };
}

describe('verifyPresignedRequest', () => {
  it('accepts URLs the SDK presigns, including awkward keys and response overrides', async () => {
    for (const [key, extra] of [
      ['private/media/x/seg_1.m4s', {}],
      ['scratch/a b+c(1)!*.txt', {}],
      ['scratch/ünïcode.txt', { ResponseContentType: 'video/mp4', ResponseCacheControl: 'private, max-age=60' }],
    ] as const) {
      const { target, host } = await presign(key, extra);
      expect(verifyPresignedRequest('GET', target, { host }, secretFor)).toEqual({ ok: true });
    }
  });

  it('refuses a tampered signature, key, parameter, host, method or secret', async () => {
    const { target, host } = await presign('private/media/x/a.ts', { ResponseContentType: 'video/mp4' });
    const sig = /X-Amz-Signature=([0-9a-f]+)/.exec(target)?.[1] ?? '';
    const flipped = `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`;
    const cases: [string, string, string, (id: string) => string | undefined][] = [
      ['GET', target.replace(sig, flipped), host, secretFor],
      ['GET', target.replace('/a.ts', '/b.ts'), host, secretFor],
      ['GET', target.replace('video%2Fmp4', 'text%2Fhtml'), host, secretFor],
      ['GET', target.replace('X-Amz-Expires=60', 'X-Amz-Expires=600'), host, secretFor],
      ['GET', target, 'evil.example:80', secretFor],
      ['HEAD', target, host, secretFor],
      ['GET', target, host, () => 'other-secret'],
    ];
    for (const [method, t, h, secrets] of cases) {
      expect(verifyPresignedRequest(method, t, { host: h }, secrets)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    }
  });

  it('refuses unknown keys and incomplete parameters', async () => {
    const { target, host } = await presign('a');
    expect(verifyPresignedRequest('GET', target, { host }, () => undefined)).toMatchObject({ code: 'InvalidAccessKeyId' });
    expect(verifyPresignedRequest('GET', target.replace(/X-Amz-Credential=[^&]+&/, ''), { host }, secretFor)).toMatchObject({
      code: 'AuthorizationQueryParametersError',
    });
  });
});
