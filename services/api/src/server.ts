// Starts the API: config, migrations (under Postgres' advisory lock), bucket, then listen.
import { ConfigError, loadConfigFromProcessEnv } from '@onward/config';
import { migrateToLatest } from '@onward/db';
import { buildApp } from './app.ts';
import { createDeps } from './deps.ts';
import { cleanUpExpiredResumableUploads } from './routes/resumable-uploads.ts';
import { expireFaceChoices } from './videos/face-choice.ts';

const HOUR_MS = 3_600_000;

async function main() {
  const config = loadConfigFromProcessEnv();
  const deps = createDeps(config);
  await migrateToLatest(deps.db);
  await deps.storage.ensureBucket();
  const app = await buildApp(config, { deps });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await deps.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ host: config.api.host, port: config.api.port });

  // Abandoned resumable uploads expire after 24 h; sweep their parts hourly (idempotent across replicas).
  const sweep = setInterval(() => {
    cleanUpExpiredResumableUploads(config)
      .then((removed) => removed > 0 && app.log.info({ removed }, 'expired resumable uploads removed'))
      .catch((err: unknown) => app.log.warn({ err }, 'resumable upload sweep failed'));
  }, HOUR_MS);
  sweep.unref();
  // A clip whose owner has not chosen which faces stay visible within FACE_CHOICE_HOURS goes on with every face
  // blurred (the default choice), so its unblurred upload and face thumbnails are not kept indefinitely.
  const faceChoices = setInterval(() => {
    expireFaceChoices(deps, config, app.log)
      .then((expired) => expired > 0 && app.log.info({ expired }, 'face choices expired: every face blurred'))
      .catch((err: unknown) => app.log.warn({ err }, 'face choice sweep failed'));
  }, HOUR_MS);
  faceChoices.unref();
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`onward-api: ${error.message}`);
  } else {
    console.error('onward-api: failed to start:', error);
  }
  process.exit(1);
});
