// Verifies SigV4 query-string signatures (presigned URLs) for the embedded emulator, which on its own
// accepts any V4 signature as long as the access key id exists. Only the presigned-GET shape the SDK
// produces is supported: the payload is UNSIGNED-PAYLOAD and the signed headers are taken from the request.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type PresignCheck =
  | { ok: true }
  | { ok: false; code: 'AuthorizationQueryParametersError' | 'InvalidAccessKeyId' | 'SignatureDoesNotMatch'; message: string };

const rfc3986 = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

function decodeComponent(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/**
 * @param method  the request method
 * @param rawUrl  the request target exactly as received (path + query, still percent-encoded)
 * @param headers lower-cased request headers
 * @param secretFor returns the secret for an access key id, or undefined when the key is unknown
 */
export function verifyPresignedRequest(
  method: string,
  rawUrl: string,
  headers: Record<string, string | string[] | undefined>,
  secretFor: (accessKeyId: string) => string | undefined,
): PresignCheck {
  const queryStart = rawUrl.indexOf('?');
  const rawPath = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
  const rawQuery = queryStart === -1 ? '' : rawUrl.slice(queryStart + 1);

  const params: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decodeComponent(eq === -1 ? part : part.slice(0, eq));
    const value = decodeComponent(eq === -1 ? '' : part.slice(eq + 1));
    if (name === undefined || value === undefined) {
      return { ok: false, code: 'AuthorizationQueryParametersError', message: 'Malformed query string.' };
    }
    params.push([name, value]);
  }
  const get = (name: string) => params.find(([n]) => n === name)?.[1];
  const signature = get('X-Amz-Signature');
  const credential = get('X-Amz-Credential');
  const amzDate = get('X-Amz-Date');
  const signedHeaderList = get('X-Amz-SignedHeaders');
  if (get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || !signature || !credential || !amzDate || !signedHeaderList) {
    return { ok: false, code: 'AuthorizationQueryParametersError', message: 'Incomplete SigV4 query parameters.' };
  }
  const [accessKeyId, ...scopeParts] = credential.split('/');
  const [date, region, service, terminator] = scopeParts;
  if (!accessKeyId || !date || !region || !service || terminator !== 'aws4_request' || scopeParts.length !== 4) {
    return { ok: false, code: 'AuthorizationQueryParametersError', message: 'Malformed X-Amz-Credential.' };
  }
  const secret = secretFor(accessKeyId);
  if (secret === undefined) {
    return { ok: false, code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.' };
  }

  const canonicalUri = rawPath
    .split('/')
    .map((segment) => rfc3986(decodeComponent(segment) ?? segment))
    .join('/');
  const canonicalQuery = params
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [rfc3986(name), rfc3986(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const signedHeaders = signedHeaderList.split(';');
  const canonicalHeaders = signedHeaders
    .map((name) => {
      const value = headers[name];
      const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
      return `${name}:${joined.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  const payloadHash = get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD';
  const canonicalRequest = [method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaderList, payloadHash].join('\n');

  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  const expected = Buffer.from(hmac(signingKey, stringToSign).toString('hex'));
  const provided = Buffer.from(signature);
  if (expected.length !== provided.length || !timingSafeEqual(expected, provided)) {
    return {
      ok: false,
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided.',
    };
  }
  return { ok: true };
}
