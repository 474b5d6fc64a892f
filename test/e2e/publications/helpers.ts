import type { TestProject } from '../../factories/project.factory';
import type { TestApp } from '../../utils/test-app';

export interface Reply {
  status: number;
  body: Record<string, unknown> & { key?: string; [k: string]: unknown };
}

/** A real HTTP request to a listening test app (fetch keeps many connections in flight). */
export async function call(
  t: TestApp,
  p: TestProject,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  client = false,
): Promise<Reply> {
  const headers: Record<string, string> = { ...(client ? p.clientHeaders : p.headers) };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Reply['body']) : {} };
}

export async function expectOk(reply: Promise<Reply>): Promise<Reply['body']> {
  const r = await reply;
  if (r.status !== 200) throw new Error(`expected 200, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Creates a campaign and waits until its codes are generated. */
export async function createCampaign(
  t: TestApp,
  p: TestProject,
  name: string,
  type: 'STATIC' | 'AUTO_UPDATE',
  vouchersCount: number,
  extra: Record<string, unknown> = {},
) {
  await expectOk(
    call(t, p, 'POST', '/v1/campaigns', {
      name,
      campaign_type: 'DISCOUNT_COUPONS',
      type,
      vouchers_count: vouchersCount,
      voucher: {
        type: 'DISCOUNT_VOUCHER',
        discount: { type: 'AMOUNT', amount_off: 500 },
        code_config: { prefix: `${name.slice(0, 4).toUpperCase()}-`, length: 10 },
      },
      ...extra,
    }),
  );
  const deadline = Date.now() + 30_000;
  for (;;) {
    const c = await expectOk(call(t, p, 'GET', `/v1/campaigns/${encodeURIComponent(name)}`));
    if (c.vouchers_generation_status === 'DONE') return c;
    if (c.vouchers_generation_status === 'FAILED' || Date.now() > deadline)
      throw new Error(`campaign ${name} generation: ${String(c.vouchers_generation_status)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const codeOf = (publication: Record<string, unknown>) =>
  (publication.voucher as { code: string }).code;
