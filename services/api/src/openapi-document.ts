// Renders the API's OpenAPI document without any live connection (the deps are never used).
import { loadConfig } from '@onward/config';
import { buildApp } from './app.ts';
import type { AppDeps } from './deps.ts';

export async function renderOpenApiDocument(): Promise<string> {
  const offline = new Proxy({} as AppDeps, {
    get: (_target, prop) => (prop === 'close' ? async () => {} : undefined),
  });
  const app = await buildApp(loadConfig({ NODE_ENV: 'test' }), { deps: offline });
  const document = `${JSON.stringify(app.swagger(), null, 2)}\n`;
  await app.close();
  return document;
}
