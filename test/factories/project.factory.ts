import type { INestApplicationContext } from '@nestjs/common';
import { randomBase62 } from '@app/core';
import { TenancyService } from '@app/tenancy';

export interface TestProject {
  projectId: string;
  appId: string;
  appToken: string;
  clientAppId: string;
  clientToken: string;
  /** Server-side auth headers. */
  headers: Record<string, string>;
  /** Client-side auth headers (with an allowed origin). */
  clientHeaders: Record<string, string>;
}

export async function createTestProject(
  app: INestApplicationContext,
  name = `test-${randomBase62(6)}`,
  origins = ['https://shop.example'],
): Promise<TestProject> {
  const created = await app.get(TenancyService).createProject(name, origins);
  return {
    projectId: created.project_id,
    appId: created.app_id,
    appToken: created.app_token,
    clientAppId: created.client_app_id,
    clientToken: created.client_token,
    headers: { 'x-app-id': created.app_id, 'x-app-token': created.app_token },
    clientHeaders: {
      'x-client-application-id': created.client_app_id,
      'x-client-token': created.client_token,
      origin: 'https://shop.example',
    },
  };
}
