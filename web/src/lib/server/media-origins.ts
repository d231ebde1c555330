// Where the browser fetches video from, derived from the same configuration the API uses: published media
// from MEDIA_BASE_URL (a CDN) or the site itself, private playback segments from presigned S3 URLs (signed for
// S3_PUBLIC_ENDPOINT when set, as browsers reach the store there, else for S3_ENDPOINT). These
// origins, and no others, are added to the page's Content-Security-Policy (connect-src for hls.js, media-src
// for native HLS, img-src for posters).

export interface MediaEnv {
  PUBLIC_BASE_URL?: string | undefined;
  MEDIA_BASE_URL?: string | undefined;
  S3_ENDPOINT?: string | undefined;
  S3_PUBLIC_ENDPOINT?: string | undefined;
  S3_BUCKET?: string | undefined;
  S3_REGION?: string | undefined;
  S3_FORCE_PATH_STYLE?: string | undefined;
  S3_USE_AWS?: string | undefined;
}

const DEFAULT_BUCKET = 'onward-media';
const DEFAULT_REGION = 'us-east-1';

function originOf(value: string | undefined): string | undefined {
  if (!value?.trim()) return undefined;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** The origins media may come from, besides the page's own. */
export function mediaOrigins(env: MediaEnv): string[] {
  const origins = new Set<string>();
  const add = (origin: string | undefined) => origin && origins.add(origin);
  add(originOf(env.PUBLIC_BASE_URL));
  add(originOf(env.MEDIA_BASE_URL));

  const bucket = env.S3_BUCKET?.trim() || DEFAULT_BUCKET;
  // Browsers only ever load from the public endpoint; the internal one (http://minio:9000) stays out of the policy.
  const endpoint = originOf(env.S3_PUBLIC_ENDPOINT) ?? originOf(env.S3_ENDPOINT);
  if (endpoint) {
    // path-style is the default with an explicit S3_ENDPOINT (MinIO, R2, the emulator), as in packages/config
    const pathStyle = (env.S3_FORCE_PATH_STYLE ?? (env.S3_ENDPOINT?.trim() ? 'true' : 'false')).trim() !== 'false';
    if (pathStyle) add(endpoint);
    else {
      const url = new URL(endpoint);
      add(`${url.protocol}//${bucket}.${url.host}`);
    }
  } else if (env.S3_USE_AWS?.trim() === 'true') {
    const region = env.S3_REGION?.trim() || DEFAULT_REGION;
    add(`https://${bucket}.s3.${region}.amazonaws.com`);
  }
  return [...origins];
}

const MEDIA_DIRECTIVES = ['connect-src', 'media-src', 'img-src'];

/** The policy with the media origins added to the directives that load media. */
export function withMediaOrigins(policy: string, origins: readonly string[]): string {
  if (origins.length === 0) return policy;
  return policy
    .split(';')
    .map((directive) => {
      const trimmed = directive.trim();
      const name = trimmed.split(/\s+/)[0] ?? '';
      if (!MEDIA_DIRECTIVES.includes(name)) return trimmed;
      const present = new Set(trimmed.split(/\s+/).slice(1));
      const extra = origins.filter((o) => !present.has(o));
      return extra.length ? `${trimmed} ${extra.join(' ')}` : trimmed;
    })
    .filter(Boolean)
    .join('; ');
}
