import request from 'supertest';
import type { TestProject } from '../../factories/project.factory';
import type { TestApp } from '../../utils/test-app';

export interface ExportBody {
  id: string;
  status: string;
  result: { url: string; row_count: number } | null;
  parameters: { fields: string[] };
}

/**
 * Polls one export until its job finished. (Draining the whole in-process queue would also
 * wait for other suites' jobs that are backing off between retries.)
 */
export async function waitForExport(
  t: TestApp,
  p: TestProject,
  id: string,
  timeoutMs = 20_000,
): Promise<ExportBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(t.app.getHttpServer()).get(`/v1/exports/${id}`).set(p.headers);
    const body = res.body as ExportBody;
    if (body.status === 'DONE' || body.status === 'ERROR') return body;
    if (Date.now() > deadline) throw new Error(`export ${id} still ${body.status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
