// Writes the OpenAPI document to services/api/openapi.json, or with --check fails when the committed one is stale.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderOpenApiDocument } from '../openapi-document.ts';

const target = fileURLToPath(new URL('../../openapi.json', import.meta.url));

const fresh = await renderOpenApiDocument();
if (process.argv.includes('--check')) {
  const committed = await readFile(target, 'utf8').catch(() => '');
  if (committed !== fresh) {
    console.error('services/api/openapi.json is stale: run `npm run openapi` and commit the result.');
    process.exit(1);
  }
  console.log('openapi.json is up to date');
} else {
  await writeFile(target, fresh);
  console.log(`wrote ${target}`);
}
