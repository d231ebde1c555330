// Starts the API: config, migrations (under Postgres' advisory lock), bucket, then listen.
import { ConfigError, loadConfigFromProcessEnv } from '@onward/config';
import { migrateToLatest } from '@onward/db';
import { buildApp } from './app.ts';
import { createDeps } from './deps.ts';
import { cleanUpExpiredResumableUploads } from './routes/resumable-uploads.ts';
import { failAbandonedProcessing } from './videos/abandoned-processing.ts';
import { expireFaceChoices } from './videos/face-choice.ts';

const HOUR_MS = 3_600_000;
const ABANDONED_SWEEP_MS = 10 * 60_000;

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

  /** Runs a sweep every `ms` (each is idempotent across replicas), logging what it did and any failure. */
  const every = (ms: number, name: string, sweep: () => Promise<number>) => {
    const timer = setInterval(() => {
      sweep()
        .then((count) => count > 0 && app.log.info({ count }, name))
        .catch((err: unknown) => app.log.warn({ err }, `${name}: sweep failed`));
    }, ms);
    timer.unref();
  };
  // Abandoned resumable uploads expire after 24 h; their parts are swept hourly.
  every(HOUR_MS, 'expired resumable uploads removed', () => cleanUpExpiredResumableUploads(config));
  // A clip whose owner has not chosen which faces stay visible within FACE_CHOICE_HOURS goes on with every face
  // blurred (the default choice), so its unblurred upload and face thumbnails are not kept indefinitely.
  every(HOUR_MS, 'face choices expired: every face blurred', () => expireFaceChoices(deps, config, app.log));
  // A clip whose run the queue gave up on by itself (its worker died past the stall limit) is failed, its upload
  // and files deleted, instead of staying in processing for good.
  every(ABANDONED_SWEEP_MS, 'clips whose processing was abandoned marked failed', () => failAbandonedProcessing(deps));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`onward-api: ${error.message}`);
  } else {
    console.error('onward-api: failed to start:', error);
  }
  process.exit(1);
});
