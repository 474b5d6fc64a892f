import type { DynamicModule, ForwardReference, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, createHttpApp } from '@app/core';
import type { CreatedProject } from '@app/tenancy';
import { ApiModule } from './api.module';
import { ensureDemoProject } from './demo-project';

type Importable = Type<unknown> | DynamicModule | ForwardReference;

export interface RunningApi {
  app: NestFastifyApplication;
  url: string;
  demo: CreatedProject | null;
  banner: string;
}

/** What `npm start` runs: the API (and, with ROLE=all, the worker) listening on HOST:PORT. */
export async function startApi(
  config: AppConfig,
  extraImports: Importable[] = [],
): Promise<RunningApi> {
  const app = await createHttpApp(ApiModule.register(config, extraImports), config);
  await app.listen({ port: config.env.PORT, host: config.env.HOST });
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const demo = await ensureDemoProject(app, config);
  const lines = [
    `Voucher platform listening on ${url} (role=${config.env.ROLE}, database=${config.embeddedDatabase ? `embedded PGlite in ${config.env.DATA_DIR}` : 'postgres'}, redis=${config.embeddedRedis ? 'none (in-process queue, in-memory limiter)' : 'configured'})`,
    config.env.DOCS_ENABLED ? `API docs: ${url}/docs  (OpenAPI JSON: ${url}/docs-json)` : '',
    demo
      ? [
          `Demo project ${demo.project_id}:`,
          `  X-App-Id: ${demo.app_id}`,
          `  X-App-Token: ${demo.app_token}`,
          `  X-Client-Application-Id: ${demo.client_app_id}`,
          `  X-Client-Token: ${demo.client_token}`,
          `  Try: curl -H 'X-App-Id: ${demo.app_id}' -H 'X-App-Token: ${demo.app_token}' ${url}/v1/vouchers`,
        ].join('\n')
      : '',
  ].filter(Boolean);
  return { app, url, demo, banner: lines.join('\n') };
}
