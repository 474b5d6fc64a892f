import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthService, PinoNestLogger, rootLogger, startHealthServer } from '@app/core';
import { installGracefulShutdown } from './bootstrap';
import { loadConfigOrExit } from './config-or-exit';
import { WorkerModule } from './worker.module';

/**
 * The job-processing process. It has no API, but serves /health/live and /health/ready on
 * HOST:PORT for the orchestrator, and starts (and stays up) while Postgres or Redis is away.
 */
async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit().with({ ROLE: 'worker' });
  const started: { app?: INestApplicationContext } = {};
  installGracefulShutdown(config, () => started.app);
  const app = await NestFactory.createApplicationContext(WorkerModule.register(config), {
    logger: new PinoNestLogger(),
    abortOnError: false,
  });
  started.app = app;
  // Stays open through shutdown: liveness answers until the process exits.
  const server = await startHealthServer(app.get(HealthService), config.env.HOST, config.env.PORT);
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : config.env.PORT;
  rootLogger().info({ host: config.env.HOST, port }, 'worker started');
}

bootstrap().catch((error: unknown) => {
  rootLogger().fatal({ err: error }, 'worker failed to start');
  process.exit(1);
});
