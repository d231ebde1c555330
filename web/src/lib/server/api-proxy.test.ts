import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiUnreachableResponse,
  buildDownstreamHeaders,
  buildUpstreamHeaders,
  buildUpstreamUrl,
  isApiPath,
  parseApiBaseUrl,
  proxyToApi,
  requestBodyErrorResponse,
} from './api-proxy.ts';

const publicUrl = new URL('https://onward.example/api/videos?cursor=abc');

describe('isApiPath', () => {
  it('matches /api and everything under /api/', () => {
    expect(isApiPath('/api')).toBe(true);
    expect(isApiPath('/api/')).toBe(true);
    expect(isApiPath('/api/healthz')).toBe(true);
    expect(isApiPath('/api/videos/1/hls/master.m3u8')).toBe(true);
  });

  it('does not match pages that merely start with "api"', () => {
    expect(isApiPath('/')).toBe(false);
    expect(isApiPath('/apis')).toBe(false);
    expect(isApiPath('/api-docs')).toBe(false);
    expect(isApiPath('/help')).toBe(false);
  });
});

describe('parseApiBaseUrl', () => {
  it('defaults to the local API and trims trailing slashes', () => {
    expect(parseApiBaseUrl(undefined)).toBe('http://127.0.0.1:4000');
    expect(parseApiBaseUrl('  ')).toBe('http://127.0.0.1:4000');
    expect(parseApiBaseUrl('http://api:4000/')).toBe('http://api:4000');
    expect(parseApiBaseUrl('https://api.internal/v1/')).toBe('https://api.internal/v1');
  });

  it('rejects what is not a plain http(s) base URL', () => {
    expect(() => parseApiBaseUrl('api:4000')).toThrow(/http/);
    expect(() => parseApiBaseUrl('not a url')).toThrow(/absolute/);
    expect(() => parseApiBaseUrl('file:///etc/passwd')).toThrow(/http/);
    expect(() => parseApiBaseUrl('http://u:p@api:4000')).toThrow(/credentials/);
  });
});

describe('buildUpstreamUrl', () => {
  it('strips the /api prefix and keeps the query string', () => {
    expect(buildUpstreamUrl(publicUrl, 'http://127.0.0.1:4000').href).toBe(
      'http://127.0.0.1:4000/videos?cursor=abc',
    );
    expect(buildUpstreamUrl(new URL('http://x/api/healthz'), 'http://api:4000').href).toBe(
      'http://api:4000/healthz',
    );
  });

  it('maps /api itself to the API root and keeps a base path', () => {
    expect(buildUpstreamUrl(new URL('http://x/api'), 'http://api:4000').href).toBe('http://api:4000/');
    expect(buildUpstreamUrl(new URL('http://x/api/feed'), 'http://api:4000/v1/').href).toBe(
      'http://api:4000/v1/feed',
    );
  });

  it('cannot be steered to another host or out of the API', () => {
    // URL parsing normalises dot segments before we see the path
    expect(isApiPath(new URL('http://x/api/../admin').pathname)).toBe(false);
    expect(buildUpstreamUrl(new URL('http://x/api//evil.example/x'), 'http://api:4000').host).toBe('api:4000');
    expect(() => buildUpstreamUrl(new URL('http://x/help'), 'http://api:4000')).toThrow();
  });
});

describe('buildUpstreamHeaders', () => {
  const incoming = new Headers({
    host: 'onward.example',
    connection: 'keep-alive, x-custom-hop',
    'keep-alive': 'timeout=5',
    'x-custom-hop': '1',
    'transfer-encoding': 'chunked',
    upgrade: 'h2c',
    te: 'trailers',
    expect: '100-continue',
    'proxy-authorization': 'Basic eA==',
    cookie: 'onward_session=abc; other=1',
    'content-type': 'multipart/form-data; boundary=x',
    'content-length': '12345',
    range: 'bytes=0-99',
    'if-none-match': '"etag"',
    'accept-encoding': 'gzip, br',
    'x-forwarded-for': '6.6.6.6',
    'x-forwarded-host': 'evil.example',
    forwarded: 'for=6.6.6.6',
    'user-agent': 'test',
  });
  const headers = buildUpstreamHeaders(incoming, { clientAddress: '203.0.113.7', publicUrl });

  it('forwards end-to-end headers: cookies, content type and length, range, conditionals', () => {
    expect(headers.get('cookie')).toBe('onward_session=abc; other=1');
    expect(headers.get('content-type')).toBe('multipart/form-data; boundary=x');
    expect(headers.get('content-length')).toBe('12345');
    expect(headers.get('range')).toBe('bytes=0-99');
    expect(headers.get('if-none-match')).toBe('"etag"');
    expect(headers.get('user-agent')).toBe('test');
  });

  it('drops host, hop-by-hop headers and those named in Connection', () => {
    for (const name of [
      'host',
      'connection',
      'keep-alive',
      'x-custom-hop',
      'transfer-encoding',
      'upgrade',
      'te',
      'expect',
      'proxy-authorization',
      'forwarded',
    ]) {
      expect(headers.has(name), name).toBe(false);
    }
  });

  it('replaces spoofable forwarding headers with its own', () => {
    expect(headers.get('x-forwarded-for')).toBe('203.0.113.7');
    expect(headers.get('x-forwarded-proto')).toBe('https');
    expect(headers.get('x-forwarded-host')).toBe('onward.example');
    expect(headers.get('accept-encoding')).toBe('identity');
  });

  it('sends no x-forwarded-for when the client address is unknown', () => {
    const h = buildUpstreamHeaders(new Headers({ 'x-forwarded-for': '6.6.6.6' }), {
      clientAddress: undefined,
      publicUrl: new URL('http://localhost:3000/api/x'),
    });
    expect(h.has('x-forwarded-for')).toBe(false);
    expect(h.get('x-forwarded-proto')).toBe('http');
  });
});

describe('buildDownstreamHeaders', () => {
  it('keeps every set-cookie separately and drops hop-by-hop headers', () => {
    const upstream = new Headers();
    upstream.append('set-cookie', 'a=1; Path=/; HttpOnly; SameSite=Lax');
    upstream.append('set-cookie', 'b=2; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT');
    upstream.append('content-type', 'application/json');
    upstream.append('content-length', '42');
    upstream.append('connection', 'close');
    upstream.append('keep-alive', 'timeout=5');
    upstream.append('transfer-encoding', 'chunked');
    upstream.append('content-range', 'bytes 0-99/1000');

    const headers = buildDownstreamHeaders(upstream);
    expect(headers.getSetCookie()).toEqual([
      'a=1; Path=/; HttpOnly; SameSite=Lax',
      'b=2; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT',
    ]);
    expect(headers.get('content-type')).toBe('application/json');
    expect(headers.get('content-length')).toBe('42');
    expect(headers.get('content-range')).toBe('bytes 0-99/1000');
    expect(headers.has('connection')).toBe(false);
    expect(headers.has('keep-alive')).toBe(false);
    expect(headers.has('transfer-encoding')).toBe(false);
  });

  it('drops encoding and length of a body fetch has already decompressed', () => {
    const headers = buildDownstreamHeaders(
      new Headers({ 'content-encoding': 'gzip', 'content-length': '10', etag: '"x"' }),
    );
    expect(headers.has('content-encoding')).toBe(false);
    expect(headers.has('content-length')).toBe(false);
    expect(headers.get('etag')).toBe('"x"');
  });
});

describe('apiUnreachableResponse', () => {
  it('is a 502 with the standard error shape', async () => {
    const response = apiUnreachableResponse();
    expect(response.status).toBe(502);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('api_unreachable');
    expect(body.error.message).toBeTruthy();
  });
});

describe('requestBodyErrorResponse', () => {
  it('turns a body-size failure of the incoming request into 413, not 502', async () => {
    const tooLarge = new TypeError('fetch failed', {
      cause: Object.assign(new Error('Content-length of 5000000 exceeds limit of 524288 bytes.'), { status: 413 }),
    });
    const response = requestBodyErrorResponse(tooLarge);
    if (!response) throw new Error('expected a response');
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });

  it('leaves connection failures alone', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    expect(requestBodyErrorResponse(refused)).toBeUndefined();
    expect(requestBodyErrorResponse('nope')).toBeUndefined();
  });
});

// proxyToApi against a real loopback HTTP server: streaming both ways, cookies, status codes.
describe('proxyToApi', () => {
  let server: Server;
  let apiBase: string;
  let last: { method: string; url: string; headers: IncomingMessage['headers']; bytes: number } | undefined;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let bytes = 0;
      req.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      req.on('end', () => {
        last = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, bytes };
        if (req.url === '/no-content') {
          res.writeHead(204).end();
          return;
        }
        if (req.url === '/redirect') {
          res.writeHead(303, { location: '/elsewhere' }).end();
          return;
        }
        res.setHeader('set-cookie', ['a=1; Path=/; HttpOnly', 'b=2; Path=/; HttpOnly']);
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ received: bytes }));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  it('streams a request body up and the response (with both cookies) back', async () => {
    const size = 3 * 1024 * 1024;
    const chunk = new Uint8Array(64 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= size) {
          controller.close();
          return;
        }
        controller.enqueue(chunk);
        sent += chunk.length;
      },
    });
    const request = new Request('http://localhost:3000/api/uploads?x=1', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/octet-stream', cookie: 's=1' },
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });

    const response = await proxyToApi(request, { apiBase, clientAddress: '127.0.0.9' });
    expect(response.status).toBe(201);
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/; HttpOnly', 'b=2; Path=/; HttpOnly']);
    expect(await response.json()).toEqual({ received: size });
    expect(last?.method).toBe('POST');
    expect(last?.url).toBe('/uploads?x=1');
    expect(last?.headers.cookie).toBe('s=1');
    expect(last?.headers['x-forwarded-for']).toBe('127.0.0.9');
    expect(last?.headers['x-forwarded-proto']).toBe('http');
  });

  it('passes 204 and redirects through unchanged', async () => {
    const noContent = await proxyToApi(new Request('http://localhost/api/no-content', { method: 'DELETE' }), {
      apiBase,
      clientAddress: undefined,
    });
    expect(noContent.status).toBe(204);
    expect(noContent.body).toBeNull();

    const redirect = await proxyToApi(new Request('http://localhost/api/redirect'), {
      apiBase,
      clientAddress: undefined,
    });
    expect(redirect.status).toBe(303);
    expect(redirect.headers.get('location')).toBe('/elsewhere');
  });

  it('answers 502 api_unreachable when nothing listens', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');

    const response = await proxyToApi(new Request('http://localhost/api/healthz'), {
      apiBase: `http://127.0.0.1:${port}`,
      clientAddress: undefined,
    });
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('api_unreachable');
  });
});
