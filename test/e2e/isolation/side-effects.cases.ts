import { CustomersService } from '@app/customers';
import type { EventOrigin } from '@app/queue';
import type { TestProject } from '../../factories/project.factory';
import type { TestApp } from '../../utils/test-app';
import type { IsolationCase } from './cases';

const origin: EventOrigin = { source: { channel: 'INTERNAL' }, groupId: null };

export const cases: IsolationCase[] = [
  {
    route: 'GET /v1/customers/:id/activity',
    arrange: async (t: TestApp, a: TestProject) => {
      const customer = await t.app
        .get(CustomersService)
        .create(a.projectId, { source_id: `iso-act-${Math.random()}` }, origin);
      return { path: `/v1/customers/${customer.id}/activity` };
    },
    expectForOther: 404,
  },
];
