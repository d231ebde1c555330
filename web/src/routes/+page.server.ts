import type { PageServerLoad } from './$types';

export type ApiStatus = 'reachable' | 'unreachable';

const HEALTH_TIMEOUT_MS = 2_000;

// Goes through our own /api proxy (hooks.server.ts), so it also shows whether the proxy works.
export const load: PageServerLoad = async ({ fetch }) => {
  let apiStatus: ApiStatus = 'unreachable';
  try {
    const response = await fetch('/api/healthz', {
      credentials: 'omit',
      signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
    });
    await response.body?.cancel();
    if (response.ok) apiStatus = 'reachable';
  } catch {
    // API down, slow or the proxy failed: the page still renders
  }
  return { apiStatus };
};
