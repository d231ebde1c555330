import type { Handle } from '@sveltejs/kit/hooks';
import { API_INTERNAL_URL } from '$app/env/private';
import { isApiPath, proxyToApi } from './lib/server/api-proxy.ts';
import { withSecurityHeaders } from './lib/server/security-headers.ts';

export const handle: Handle = async ({ event, resolve }) => {
  if (isApiPath(event.url.pathname)) {
    const response = await proxyToApi(event.request, {
      apiBase: API_INTERNAL_URL,
      clientAddress: clientAddress(event.getClientAddress),
    });
    return withSecurityHeaders(response);
  }
  return withSecurityHeaders(await resolve(event));
};

/** adapter-node throws when ADDRESS_HEADER is configured but absent; the proxy then sends none. */
function clientAddress(get: () => string): string | undefined {
  try {
    return get();
  } catch {
    return undefined;
  }
}
