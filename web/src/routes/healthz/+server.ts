import type { RequestHandler } from './$types';

// Liveness/readiness of the web server itself (used by Kubernetes probes). It does not call the
// API: the pages, and the help page in particular, keep working while the API is down.
export const GET: RequestHandler = () =>
  Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
