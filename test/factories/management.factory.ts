import type { INestApplicationContext } from '@nestjs/common';
import { randomBase62 } from '@app/core';
import { ManagementKeysService } from '@app/tenancy';

export interface TestManagementKey {
  id: string;
  managementId: string;
  token: string;
  headers: Record<string, string>;
}

/** A management key, as `npm run cli -- management-keys:create` makes one. */
export async function createTestManagementKey(
  app: INestApplicationContext,
  name = `operator-${randomBase62(6)}`,
): Promise<TestManagementKey> {
  const key = await app.get(ManagementKeysService).create(name);
  return {
    id: key.id,
    managementId: key.management_id,
    token: key.management_token,
    headers: { 'x-management-id': key.management_id, 'x-management-token': key.management_token },
  };
}
