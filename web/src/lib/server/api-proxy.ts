// Reverse proxy from the web server's `/api/*` to the API server. The pure parts (which requests are
// proxied, the upstream URL, which headers cross in each direction) are exported for unit tests; the
// I/O part (`proxyToApi`) streams bodies both ways without buffering, because uploads go through it.

export const API_PREFIX = '/api';
export const DEFAULT_API_INTERNAL_URL = 'http://127.0.0.1:4000';

/** Connection-level headers (RFC 9110 section 7.6.1) that must not be forwarded by a proxy. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Request headers never forwarded upstream, besides hop-by-hop ones: `host` (set from the upstream
 * URL), `expect` (Node's fetch rejects it), the client's own forwarding headers (spoofable, replaced
 * by ours) and `accept-encoding` (we ask for identity, see below).
 */
const DROPPED_REQUEST_HEADERS = new Set([
  'host',
  'expect',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-real-ip',
  'accept-encoding',
]);

/** Codings Node's fetch decodes transparently; when it did, the upstream length/encoding no longer apply. */
const DECODED_BY_FETCH = new Set(['gzip', 'x-gzip', 'deflate', 'br', 'zstd']);

/** Validates `API_INTERNAL_URL` (or applies the default) and returns it without a trailing slash. */
export function parseApiBaseUrl(value: string | undefined): string {
  const raw = value?.trim() || DEFAULT_API_INTERNAL_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`API_INTERNAL_URL must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`API_INTERNAL_URL must use http or https, got "${url.protocol}"`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new Error('API_INTERNAL_URL must not contain a query, fragment or credentials');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Whether a (URL-normalised) pathname belongs to the API: `/api` or anything under `/api/`. */
export function isApiPath(pathname: string): boolean {
  return pathname === API_PREFIX || pathname.startsWith(`${API_PREFIX}/`);
}

/** `/api/videos/1?x=2` on the web origin -> `{apiBase}/videos/1?x=2`. */
export function buildUpstreamUrl(requestUrl: URL, apiBase: string): URL {
  if (!isApiPath(requestUrl.pathname)) {
    throw new Error(`not an API path: ${requestUrl.pathname}`);
  }
  const rest = requestUrl.pathname.slice(API_PREFIX.length) || '/';
  return new URL(`${apiBase.replace(/\/+$/, '')}${rest}${requestUrl.search}`);
}

/** Header names listed in a `Connection` header are hop-by-hop for this message too. */
function connectionTokens(headers: Headers): Set<string> {
  const tokens = new Set<string>();
  for (const token of (headers.get('connection') ?? '').split(',')) {
    const name = token.trim().toLowerCase();
    if (name) tokens.add(name);
  }
  return tokens;
}

export interface ForwardingInfo {
  /** The client's address as the web server determined it (adapter-node honours ADDRESS_HEADER/XFF_DEPTH). */
  clientAddress: string | undefined;
  /** The public URL the browser requested, for x-forwarded-proto/host. */
  publicUrl: URL;
}

/**
 * Headers sent to the API: everything the browser sent (cookies, content-type, content-length,
 * range, if-none-match, authorization, ...) except hop-by-hop and spoofable forwarding headers,
 * plus our own x-forwarded-for/-proto/-host. The client's x-forwarded-* are replaced, not appended
 * to, so the API can trust exactly one hop (this server).
 */
export function buildUpstreamHeaders(incoming: Headers, info: ForwardingInfo): Headers {
  const dropped = connectionTokens(incoming);
  const headers = new Headers();
  for (const [name, value] of incoming) {
    if (HOP_BY_HOP.has(name) || DROPPED_REQUEST_HEADERS.has(name) || dropped.has(name)) continue;
    headers.append(name, value);
  }
  // Node's fetch would decode a compressed answer and leave a stale content-length; ask for identity
  // (responses are compressed, if at all, by the edge in front of the web server).
  headers.set('accept-encoding', 'identity');
  if (info.clientAddress) headers.set('x-forwarded-for', info.clientAddress);
  headers.set('x-forwarded-proto', info.publicUrl.protocol.replace(/:$/, ''));
  headers.set('x-forwarded-host', info.publicUrl.host);
  return headers;
}

/**
 * Headers returned to the browser: the API's headers minus hop-by-hop ones. Every `set-cookie`
 * survives as its own header (`getSetCookie`), never comma-joined. If fetch decoded a compressed
 * body, content-encoding and content-length are dropped since they describe the encoded bytes.
 */
export function buildDownstreamHeaders(upstream: Headers): Headers {
  const dropped = connectionTokens(upstream);
  const encoding = upstream.get('content-encoding')?.trim().toLowerCase();
  const decoded = encoding !== undefined && DECODED_BY_FETCH.has(encoding);
  const headers = new Headers();
  for (const [name, value] of upstream) {
    if (name === 'set-cookie' || HOP_BY_HOP.has(name) || dropped.has(name)) continue;
    if (decoded && (name === 'content-encoding' || name === 'content-length')) continue;
    headers.append(name, value);
  }
  for (const cookie of upstream.getSetCookie()) headers.append('set-cookie', cookie);
  return headers;
}

/** Statuses whose responses never carry a body (the Response constructor rejects one). */
export function isNullBodyStatus(status: number): boolean {
  return status === 101 || status === 103 || status === 204 || status === 205 || status === 304;
}

function errorResponse(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status, headers: { 'cache-control': 'no-store' } });
}

export function apiUnreachableResponse(): Response {
  return errorResponse(
    502,
    'api_unreachable',
    'The Onward API cannot be reached right now. Please try again in a moment.',
  );
}

/**
 * When fetch failed because reading the *incoming* body failed (the web server's BODY_SIZE_LIMIT,
 * or a body longer than its content-length), SvelteKit's body stream errors with a 4xx `status`.
 * That is the client's fault, not the API's: answer it as such instead of 502.
 */
export function requestBodyErrorResponse(error: unknown): Response | undefined {
  const cause = error instanceof Error ? error.cause : undefined;
  const status =
    typeof cause === 'object' && cause !== null && 'status' in cause && typeof cause.status === 'number'
      ? cause.status
      : undefined;
  if (status === 413) {
    return errorResponse(413, 'payload_too_large', 'The request body is larger than this server accepts.');
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return errorResponse(400, 'bad_request', 'The request body could not be read.');
  }
  return undefined;
}

export interface ProxyOptions {
  apiBase: string;
  clientAddress: string | undefined;
  fetch?: typeof fetch;
}

/**
 * Forwards `request` (whose URL is under `/api/`) to the API and returns the API's answer.
 * Bodies are streamed in both directions; a client disconnect aborts the upstream request.
 */
export async function proxyToApi(request: Request, options: ProxyOptions): Promise<Response> {
  const publicUrl = new URL(request.url);
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD' && request.body !== null;
  const init: RequestInit & { duplex?: 'half' } = {
    method: request.method,
    headers: buildUpstreamHeaders(request.headers, { clientAddress: options.clientAddress, publicUrl }),
    // 3xx from the API go back to the browser as they are
    redirect: 'manual',
    signal: request.signal,
  };
  if (hasBody) {
    init.body = request.body;
    init.duplex = 'half';
  }

  let upstream: Response;
  try {
    upstream = await (options.fetch ?? fetch)(buildUpstreamUrl(publicUrl, options.apiBase), init);
  } catch (error) {
    if (request.signal.aborted) {
      // the browser went away; nobody will read this
      return new Response(null, { status: 499 });
    }
    const clientError = requestBodyErrorResponse(error);
    if (clientError) return clientError;
    console.error(`api proxy: ${request.method} ${publicUrl.pathname} failed:`, describe(error));
    return apiUnreachableResponse();
  }

  const status = upstream.status;
  const body = request.method === 'HEAD' || isNullBodyStatus(status) ? null : upstream.body;
  if (body === null) await upstream.body?.cancel();
  return new Response(body, {
    status,
    statusText: upstream.statusText,
    headers: buildDownstreamHeaders(upstream.headers),
  });
}

/** Error text without URLs' query strings or bodies; fetch wraps the useful part in `cause`. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.name}: ${error.message}${cause}`;
}
