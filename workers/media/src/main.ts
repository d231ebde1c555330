// Starts the media worker: config, migrations, then consume the media queue until SIGTERM.
import { ConfigError, loadConfigFromProcessEnv } from '@onward/config';
import { migrateToLatest } from '@onward/db';
import { pino } from 'pino';
import { createWorkerDeps } from './deps.ts';
import { createMediaWorker } from './worker.ts';

async function main() {
  const config = loadConfigFromProcessEnv();
  const log = pino({ name: 'onward-media-worker', level: config.logLevel });
  const deps = createWorkerDeps(config);
  await migrateToLatest(deps.db);
  const media = createMediaWorker(config, deps, log);
  await media.worker.waitUntilReady();
  log.info({ concurrency: config.media.workerConcurrency }, 'media worker ready');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'finishing the current job, then stopping');
    await media.close();
    await deps.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `onward-media-worker: ${error.message}` : error);
  process.exit(1);
});
