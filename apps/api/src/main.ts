import 'reflect-metadata';
import { rootLogger } from '@app/core';
import { startApi } from './bootstrap';
import { loadConfigOrExit } from './config-or-exit';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = rootLogger();
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down: draining in-flight requests');
      // Nest's shutdown hooks close the server (in-flight requests finish) and the pools;
      // this only guarantees the process does not hang past the grace period.
      setTimeout(() => process.exit(1), config.env.SHUTDOWN_TIMEOUT_MS).unref();
    });
  }
  const { url, banner } = await startApi(config);
  process.stdout.write(`${banner}\n`);
  logger.info({ url }, 'ready');
}

main().catch((error: unknown) => {
  rootLogger().fatal({ err: error }, 'failed to start');
  process.exit(1);
});
