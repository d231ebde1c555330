// The web app's production entry point: SvelteKit's adapter-node handler behind a small Node server that
// (1) streams /api/* straight to the API (uploads never pass through SvelteKit's body handling or its
//     form-CSRF check; the API has its own protections: SameSite=Lax cookies, JSON and multipart parsing), and
// (2) when no TLS proxy stands in front (WEB_BEHIND_PROXY unset), tells SvelteKit the real protocol, so pages
//     served over plain http (development) see their own origin. Behind a proxy, PROTOCOL_HEADER and
//     ADDRESS_HEADER (adapter-node) carry what the proxy says.
import http from 'node:http';
import { handler } from './build/handler.js';

const env = process.env;
const apiBase = new URL(env.API_INTERNAL_URL || 'http://127.0.0.1:4000');
const behindProxy = env.WEB_BEHIND_PROXY === 'true';
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'host',
]);
const SPOOFABLE = ['forwarded', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-real-ip'];

function proxyToApi(req, res) {
  const headers = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!HOP_BY_HOP.has(name) && (behindProxy || !SPOOFABLE.includes(name))) headers[name] = value;
  }
  if (!behindProxy) {
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
    headers['x-forwarded-proto'] = req.socket.encrypted ? 'https' : 'http';
  }
  const path = req.url.slice('/api'.length) || '/';
  const upstream = http.request(
    { host: apiBase.hostname, port: apiBase.port || 80, method: req.method, path, headers },
    (apiRes) => {
      const out = {};
      for (const [name, value] of Object.entries(apiRes.headers)) if (!HOP_BY_HOP.has(name)) out[name] = value;
      res.writeHead(apiRes.statusCode ?? 502, out);
      apiRes.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (res.headersSent) return res.destroy();
    res.writeHead(502, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ error: { code: 'api_unreachable', message: 'The service is not reachable right now. Please try again.' } }));
  });
  req.on('aborted', () => upstream.destroy());
  req.pipe(upstream);
}

const server = http.createServer((req, res) => {
  if (req.url === '/api' || req.url?.startsWith('/api/')) return proxyToApi(req, res);
  if (!behindProxy) req.headers['x-forwarded-proto'] = req.socket.encrypted ? 'https' : 'http';
  handler(req, res, () => {
    res.statusCode = 404;
    res.end('Not found');
  });
});
server.requestTimeout = 0; // long uploads stream through /api
server.listen(Number(env.PORT || 3000), env.HOST || '0.0.0.0', () => {
  console.log(`Listening on http://${env.HOST || '0.0.0.0'}:${env.PORT || 3000}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
