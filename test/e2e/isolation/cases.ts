import { AsyncActionsService } from '@app/async-actions';
import type { TestProject } from '../../factories/project.factory';
import type { TestApp } from '../../utils/test-app';

/**
 * One entry per tenant-scoped route: how to create project A's resource, and the request
 * that tries to reach it. The isolation test sends it with project B's key and expects B to
 * see nothing of A (404, or an empty list), then with A's key to prove the request is valid.
 * Every module adds its routes here; the coverage test fails for a route that is missing.
 */
export interface IsolationCase {
  /** Route template exactly as registered, e.g. `GET /v1/vouchers/:code`. */
  route: string;
  /** Creates A's data and returns the concrete request. */
  arrange: (t: TestApp, a: TestProject) => Promise<{ path: string; body?: unknown }>;
  /** What B must get: `404` (not found) or `empty-list` (200 with no items). */
  expectForOther: 404 | 'empty-list';
  /** Status A gets for the same request (default 200). */
  expectForOwner?: number;
  /** For `empty-list`: the envelope's data_ref. */
  dataRef?: string;
}

export const ISOLATION_CASES: IsolationCase[] = [
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

/** Routes that are not tenant data: public, operator-only, or answered without project data. */
export const NOT_TENANT_SCOPED: Record<string, string> = {
  'GET /health/live': 'public liveness probe',
  'GET /health/ready': 'public readiness probe',
};

export const isDocsRoute = (url: string) =>
  url === '/docs' ||
  url.startsWith('/docs/') ||
  url.startsWith('/docs-json') ||
  url.startsWith('/docs-yaml');
