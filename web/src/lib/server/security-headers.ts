// Response headers every answer carries (the Content-Security-Policy for pages comes from the
// `csp` option in vite.config.ts). Headers the response already sets are kept.

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  // same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on form posts, which SvelteKit's
  // cross-site form check (rightly) refuses; nothing is ever sent to other sites either way
  'referrer-policy': 'same-origin',
  // recording needs the camera and microphone on our own origin; nothing needs location
  'permissions-policy': 'camera=(self), microphone=(self), geolocation=(), payment=(), usb=()',
  'cross-origin-opener-policy': 'same-origin',
};

export function withSecurityHeaders(response: Response): Response {
  let target = response;
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    if (target.headers.has(name)) continue;
    try {
      target.headers.set(name, value);
    } catch {
      // immutable headers (e.g. a Response from fetch): copy once, then set
      target = new Response(target.body, {
        status: target.status,
        statusText: target.statusText,
        headers: new Headers(target.headers),
      });
      target.headers.set(name, value);
    }
  }
  return target;
}
