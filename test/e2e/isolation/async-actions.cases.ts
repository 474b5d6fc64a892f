import { AsyncActionsService } from '@app/async-actions';
import type { IsolationCase } from './cases';

export const cases: IsolationCase[] = [
  {
    route: 'GET /v1/async-actions/:id',
    arrange: async (t, a) => {
      const action = await t.app
        .get(AsyncActionsService)
        .create(a.projectId, 'VOUCHERS.IMPORT', null);
      return { path: `/v1/async-actions/${action.id}` };
    },
    expectForOther: 404,
  },
  {
    route: 'GET /v1/async-actions',
    arrange: async (t, a) => {
      await t.app.get(AsyncActionsService).create(a.projectId, 'VOUCHERS.IMPORT', null);
      return { path: '/v1/async-actions' };
    },
    expectForOther: 'empty-list',
    dataRef: 'async_actions',
  },
];
