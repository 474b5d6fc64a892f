import { readdirSync } from 'node:fs';
import type { TestProject } from '../../factories/project.factory';
import type { TestApp } from '../../utils/test-app';

/**
 * One entry per tenant-scoped route: how to create project A's resource, and the request
 * that tries to reach it. The isolation test sends it with project B's key and expects B to
 * see nothing of A (404, or an empty list), then with A's key to prove the request is valid.
 * Each module keeps its cases in `test/e2e/isolation/<module>.cases.ts`, exporting `cases`
 * (and `notTenantScoped` for routes that hold no tenant data, with the reason); the coverage
 * test fails for a registered route that has neither.
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

interface CasesFile {
  cases?: IsolationCase[];
  notTenantScoped?: Record<string, string>;
}

const files: CasesFile[] = readdirSync(__dirname)
  .filter((f) => f.endsWith('.cases.ts'))
  .sort()
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  .map((f) => require(`./${f}`) as CasesFile);

export const ISOLATION_CASES: IsolationCase[] = files.flatMap((f) => f.cases ?? []);

/** Routes that are not tenant data: public, operator-only, or answered without project data. */
export const NOT_TENANT_SCOPED: Record<string, string> = Object.assign(
  {
    'GET /health/live': 'public liveness probe',
    'GET /health/ready': 'public readiness probe',
  },
  ...files.map((f) => f.notTenantScoped ?? {}),
);

export const isDocsRoute = (url: string) =>
  url === '/docs' ||
  url.startsWith('/docs/') ||
  url.startsWith('/docs-json') ||
  url.startsWith('/docs-yaml');
