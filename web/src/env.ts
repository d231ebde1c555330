// Environment variables the web server reads when it starts (SvelteKit 3 `defineEnvVars`;
// values are read at run time, never inlined into the build). Import them from `$app/env/private`.
// The media variables are the API's own (see the README's configuration table): the web server only derives
// from them which origins the Content-Security-Policy lets the player load media from.
import { defineEnvVars } from '@sveltejs/kit/env';
import { parseApiBaseUrl } from './lib/server/api-proxy.ts';

const optional = (description: string) => ({ description, schema: (value: string | undefined) => value });

export const variables = defineEnvVars({
  API_INTERNAL_URL: {
    description:
      'Base URL of the Onward API as seen from the web server (never sent to browsers). Requests to /api/* are proxied there with the /api prefix removed.',
    schema: (value) => parseApiBaseUrl(value),
  },
  PUBLIC_BASE_URL: optional('Where people reach the app (the API builds media URLs from it).'),
  MEDIA_BASE_URL: optional('A CDN in front of published media; its origin is allowed for media.'),
  S3_ENDPOINT: optional('S3-compatible endpoint; private playback segments are presigned URLs to it.'),
  S3_PUBLIC_ENDPOINT: optional('The S3 endpoint as browsers reach it; when set, presigned URLs point there instead.'),
  S3_BUCKET: optional('The media bucket (virtual-hosted addressing puts it in the host name).'),
  S3_REGION: optional('S3 region (AWS host names).'),
  S3_FORCE_PATH_STYLE: optional('"false" for virtual-hosted addressing with S3_ENDPOINT.'),
  S3_USE_AWS: optional('"true": AWS S3 without S3_ENDPOINT.'),
});
