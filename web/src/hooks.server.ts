import type { Handle } from '@sveltejs/kit/hooks';
import {
  API_INTERNAL_URL,
  MEDIA_BASE_URL,
  PUBLIC_BASE_URL,
  S3_BUCKET,
  S3_ENDPOINT,
  S3_FORCE_PATH_STYLE,
  S3_PUBLIC_ENDPOINT,
  S3_REGION,
  S3_USE_AWS,
} from '$app/env/private';
import { isApiPath, proxyToApi } from './lib/server/api-proxy.ts';
import { mediaOrigins, withMediaOrigins } from './lib/server/media-origins.ts';
import { withSecurityHeaders } from './lib/server/security-headers.ts';

const MEDIA_ORIGINS = mediaOrigins({
  PUBLIC_BASE_URL,
  MEDIA_BASE_URL,
  S3_ENDPOINT,
  S3_PUBLIC_ENDPOINT,
  S3_BUCKET,
  S3_REGION,
  S3_FORCE_PATH_STYLE,
  S3_USE_AWS,
});

export const handle: Handle = async ({ event, resolve }) => {
  if (isApiPath(event.url.pathname)) {
    const response = await proxyToApi(event.request, {
      apiBase: API_INTERNAL_URL,
      clientAddress: clientAddress(event.getClientAddress),
    });
    return withSecurityHeaders(response);
  }
  const response = await resolve(event);
  const policy = response.headers.get('content-security-policy');
  if (policy) response.headers.set('content-security-policy', withMediaOrigins(policy, MEDIA_ORIGINS));
  return withSecurityHeaders(response);
};

/** adapter-node throws when ADDRESS_HEADER is configured but absent; the proxy then sends none. */
function clientAddress(get: () => string): string | undefined {
  try {
    return get();
  } catch {
    return undefined;
  }
}
