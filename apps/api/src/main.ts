import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { rootLogger } from '@app/core';
import { installGracefulShutdown, startApi } from './bootstrap';
import { loadConfigOrExit } from './config-or-exit';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const started: { app?: NestFastifyApplication } = {};
  installGracefulShutdown(config, () => started.app);
  const running = await startApi(config);
  started.app = running.app;
  process.stdout.write(`${running.banner}\n`);
  rootLogger().info({ url: running.url }, 'listening');
}

main().catch((error: unknown) => {
  rootLogger().fatal({ err: error }, 'failed to start');
  process.exit(1);
});
