import request from 'supertest';
import type { TestProject } from '../../factories/project.factory';
import type { TestApp } from '../../utils/test-app';

export interface AsyncActionBody {
  id: string;
  type: string;
  status: string;
  progress: number;
  result: Record<string, unknown> | null;
  object: string;
}

/** Polls an async action until it finishes (DONE or FAILED). */
export async function waitForAction(
  t: TestApp,
  p: TestProject,
  id: string,
  timeoutMs = 20_000,
): Promise<AsyncActionBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(t.app.getHttpServer()).get(`/v1/async-actions/${id}`).set(p.headers);
    const body = res.body as AsyncActionBody;
    if (body.status === 'DONE' || body.status === 'FAILED') return body;
    if (Date.now() > deadline) throw new Error(`async action ${id} still ${body.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
