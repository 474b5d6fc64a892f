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
  /** Creates A's data and returns the concrete request (`attach`: a multipart file upload). */
  arrange: (
    t: TestApp,
    a: TestProject,
  ) => Promise<{
    path: string;
    body?: unknown;
    attach?: { field: string; content: string; filename: string };
  }>;
  /**
   * What B must get: `404` (not found), `empty-list` (200 with no items), or a status plus a
   * check proving B acted on its own project only (e.g. B may create a code A already holds).
   */
  expectForOther: 404 | 'empty-list' | OwnProjectExpectation;
  /** Status A gets for the same request (default 200). */
  expectForOwner?: number;
  /** For `empty-list`: the envelope's data_ref. */
  dataRef?: string;
  /** Send each project's client-side keys instead of its server keys (/client/v1 routes). */
  clientKeys?: boolean;
  /**
   * For routes that answer an unknown object inside their body instead of with a 404
   * (stackable validation/redemption): asserts B's response; replaces `expectForOther`.
   */
  assertOther?: (status: number, body: Record<string, unknown>) => void;
}

export interface OwnProjectExpectation {
  status: number;
  /** Runs on B's response; may call the API as B (e.g. to read an async action's outcome). */
  check: (body: Record<string, unknown>, t: TestApp, b: TestProject) => Promise<void> | void;
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

/** The operators' queue dashboard: guarded by OPERATOR_TOKEN, not by project keys. */
export const isOperatorRoute = (url: string) =>
  url === '/admin/queues' || url.startsWith('/admin/queues/');
