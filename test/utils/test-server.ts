import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { rootLogger } from '@app/core';
import { installGracefulShutdown, startApi } from '../../apps/api/src/bootstrap';
import { loadConfigOrExit } from '../../apps/api/src/config-or-exit';
import { ProbeModule } from './probe.module';
import { SlowProbeModule } from './slow-probe.module';

/**
 * The API process exactly as main.ts runs it (same start-up and shutdown), plus the test-only
 * probe routes. Spawned by the integration tests that cut dependencies and send SIGTERM.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const started: { app?: NestFastifyApplication } = {};
  installGracefulShutdown(config, () => started.app);
  const running = await startApi(config, [ProbeModule, SlowProbeModule]);
  started.app = running.app;
  process.stdout.write(`${running.banner}\n`);
}

main().catch((error: unknown) => {
  rootLogger().fatal({ err: error }, 'failed to start');
  process.exit(1);
});
