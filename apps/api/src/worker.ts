import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { PinoNestLogger, rootLogger } from '@app/core';
import { loadConfigOrExit } from './config-or-exit';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit().with({ ROLE: 'worker' });
  const app = await NestFactory.createApplicationContext(WorkerModule.register(config), {
    logger: new PinoNestLogger(),
  });
  app.enableShutdownHooks();
  process.once('SIGTERM', () =>
    setTimeout(() => process.exit(1), config.env.SHUTDOWN_TIMEOUT_MS).unref(),
  );
  rootLogger().info('worker started');
}

bootstrap().catch((error: unknown) => {
  rootLogger().fatal({ err: error }, 'worker failed to start');
  process.exit(1);
});
