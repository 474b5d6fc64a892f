import { NestFactory } from '@nestjs/core';
import { AppConfig, configureLogger } from '@app/core';
import { JobHandlerRegistry } from '@app/queue';
import { WorkerModule } from '../../apps/api/src/worker.module';

describe('the worker process (integration)', () => {
  it('boots without HTTP and registers the orders import handler', async () => {
    const config = new AppConfig().with({ DEMO_PROJECT: 'false', ROLE: 'worker' });
    configureLogger(config.env.LOG_LEVEL);
    const context = await NestFactory.createApplicationContext(WorkerModule.register(config), {
      logger: false,
    });
    try {
      expect(context.get(JobHandlerRegistry).names()).toContain('orders.import');
    } finally {
      await context.close();
    }
  });
});
