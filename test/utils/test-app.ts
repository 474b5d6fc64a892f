import 'reflect-metadata';
import type { DynamicModule, ForwardReference, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, configureLogger, createHttpApp } from '@app/core';
import { ApiModule } from '../../apps/api/src/api.module';

type Importable = Type<unknown> | DynamicModule | ForwardReference;

export interface TestAppOptions {
  /** Extra modules (e.g. a controller with a route that fails on purpose). */
  imports?: Importable[];
  /** Config overrides on top of the environment prepared by scripts/test.js. */
  env?: Record<string, string | undefined>;
  /** Listen on an ephemeral port (for the SDK and real HTTP clients). */
  listen?: boolean;
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  /** Base URL when listening, e.g. http://127.0.0.1:41234 */
  url: string;
  close: () => Promise<void>;
}

/** The real app (same HTTP pipeline as main.ts) on the run's test database and Redis prefix. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const databaseUrl = process.env.DATABASE_URL ?? '';
  if (!/test/.test(new URL(databaseUrl || 'postgres://x/none').pathname)) {
    throw new Error(
      `Tests refuse database ${databaseUrl || '(unset)'}: run them with npm test, which creates a *test* database`,
    );
  }
  const config = new AppConfig().with({ DEMO_PROJECT: 'false', ...options.env });
  configureLogger(config.env.LOG_LEVEL);
  const app = await createHttpApp(ApiModule.register(config, options.imports ?? []), config);
  let url = '';
  if (options.listen) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  } else {
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  }
  return { app, config, url, close: () => app.close() };
}
