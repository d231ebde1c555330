// Environment variables the web server reads when it starts (SvelteKit 3 `defineEnvVars`;
// values are read at run time, never inlined into the build). Import them from `$app/env/private`.
import { defineEnvVars } from '@sveltejs/kit/env';
import { parseApiBaseUrl } from './lib/server/api-proxy.ts';

export const variables = defineEnvVars({
  API_INTERNAL_URL: {
    description:
      'Base URL of the Onward API as seen from the web server (never sent to browsers). Requests to /api/* are proxied there with the /api prefix removed.',
    schema: (value) => parseApiBaseUrl(value),
  },
});
