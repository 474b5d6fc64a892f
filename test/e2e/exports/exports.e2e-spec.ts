import request from 'supertest';
import { DataSource } from 'typeorm';
import { ExportsService } from '@app/exports';
import { createTestManagementKey } from '../../factories/management.factory';
import { createTestProject, TestProject } from '../../factories/project.factory';
import { createTestApp, TestApp } from '../../utils/test-app';
import { waitForExport } from './helpers';

/** Parses our CSV (RFC 4180, CRLF rows) back into cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

describe('exports /v1/exports (e2e)', () => {
  // The machine is shared: a slow moment must not fail a correct test.
  jest.setTimeout(60_000);
  let t: TestApp;
  let a: TestProject;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp();
    a = await createTestProject(t.app);
  });
  afterAll(() => t.close());

  const exportAndWait = async (project: TestProject, body: object) => {
    const created = await http().post('/v1/exports').set(project.headers).send(body).expect(200);
    expect(created.body).toMatchObject({ object: 'export', status: 'SCHEDULED', result: null });
    expect(created.body.id).toMatch(/^exp_/);
    const done = await waitForExport(t, project, created.body.id as string);
    if (!done.result || !('url' in done.result))
      throw new Error(`export ${done.id}: ${done.status}`);
    return { ...done, result: done.result };
  };

  it('exports customers with fields, a metadata filter and a snapshot; the URL serves the CSV', async () => {
    const p = await createTestProject(t.app);
    for (const [name, tier] of [
      ['Ann, "the first"', 'gold'],
      ['Bob', 'silver'],
      ['Cy', 'gold'],
    ])
      await http()
        .post('/v1/customers')
        .set(p.headers)
        .send({ name, email: `${name.length}@x.example`, metadata: { tier } })
        .expect(200);
    const done = await exportAndWait(p, {
      exported_object: 'customer',
      parameters: {
        fields: ['id', 'name', 'metadata.tier', 'created_at'],
        order: 'created_at',
        filters: { 'metadata.tier': { conditions: { $is: ['gold'] } } },
      },
    });
    expect(done.status).toBe('DONE');
    expect(done.result.row_count).toBe(2);
    expect(done.result.url).toBe(
      `/v1/exports/${done.id}/download?token=${done.result.url.split('token=')[1]}`,
    );

    // Created after the export ran: not part of it.
    await http()
      .post('/v1/customers')
      .set(p.headers)
      .send({ name: 'Late', metadata: { tier: 'gold' } })
      .expect(200);

    const csv = await http().get(done.result.url).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toContain(`customer-${done.id}.csv`);
    const rows = parseCsv(csv.text);
    expect(rows[0]).toEqual(['id', 'name', 'metadata.tier', 'created_at']);
    expect(rows.slice(1).map((r) => [r[1], r[2]])).toEqual([
      ['Ann, "the first"', 'gold'],
      ['Cy', 'gold'],
    ]);
    expect(rows[1][3]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('exports vouchers and orders with their default fields', async () => {
    const p = await createTestProject(t.app);
    await http()
      .post('/v1/vouchers')
      .set(p.headers)
      .send({
        code: 'EXP-1',
        type: 'DISCOUNT_VOUCHER',
        discount: { type: 'PERCENT', percent_off: 15 },
      })
      .expect(200);
    await http()
      .post('/v1/orders')
      .set(p.headers)
      .send({ amount: 12345, status: 'PAID' })
      .expect(200);

    const vouchers = await exportAndWait(p, { exported_object: 'voucher' });
    expect(vouchers.parameters.fields).toContain('code');
    const vrows = parseCsv((await http().get(vouchers.result.url).expect(200)).text);
    const header = vrows[0];
    expect(vrows).toHaveLength(2);
    expect(vrows[1][header.indexOf('code')]).toBe('EXP-1');
    expect(vrows[1][header.indexOf('value')]).toBe('15');
    expect(vrows[1][header.indexOf('discount_type')]).toBe('PERCENT');

    const orders = await exportAndWait(p, {
      exported_object: 'order',
      parameters: {
        fields: ['status', 'amount'],
        filters: { amount: { conditions: { $more_than: [100] } } },
      },
    });
    expect(parseCsv((await http().get(orders.result.url).expect(200)).text)).toEqual([
      ['status', 'amount'],
      ['PAID', '12345'],
    ]);
  });

  it('streams across keyset batches without losing or repeating a row, in both orders', async () => {
    const p = await createTestProject(t.app);
    const ds = t.app.get(DataSource);
    // Equal created_at values: the id breaks the tie, so batches never skip or repeat.
    await ds.query(
      `INSERT INTO customers (id, project_id, name, created_at)
       SELECT 'cust_batch_' || lpad(g::text, 4, '0'), $1, 'n' || g, '2026-01-01T00:00:00.123456Z'::timestamptz + ((g / 3) || ' microseconds')::interval
       FROM generate_series(1, 25) g`,
      [p.projectId],
    );
    const service = t.app.get(ExportsService);
    for (const order of ['created_at', '-created_at']) {
      const done = await exportAndWait(p, {
        exported_object: 'customer',
        parameters: { fields: ['id'], order },
      });
      const token = done.result.url.split('token=')[1];
      const { stream } = await service.download(done.id, token, 4);
      const ids = parseCsv(await readAll(stream))
        .slice(1)
        .map((r) => r[0]);
      expect(ids).toHaveLength(25);
      expect(new Set(ids).size).toBe(25);
      const sorted = [...ids].sort();
      expect(ids).toEqual(order === 'created_at' ? sorted : sorted.reverse());
    }
  });

  it('refuses unknown objects, fields, orders and filters with 400', async () => {
    for (const body of [
      { exported_object: 'secret' },
      { exported_object: 'voucher', parameters: { fields: ['code', 'secret_hash'] } },
      { exported_object: 'voucher', parameters: { order: 'code' } },
      {
        exported_object: 'voucher',
        parameters: { filters: { code: { conditions: { $regex: 'x' } } } },
      },
    ]) {
      const res = await http().post('/v1/exports').set(a.headers).send(body);
      expect(res.status).toBe(400);
      expect(res.body.key).toBe('invalid_payload');
    }
  });

  it('lists, deletes, and refuses a wrong token or a deleted export', async () => {
    const done = await exportAndWait(a, { exported_object: 'customer' });
    const list = await http().get('/v1/exports').set(a.headers).expect(200);
    expect(list.body).toMatchObject({ object: 'list', data_ref: 'exports' });
    expect(list.body.exports.map((e: { id: string }) => e.id)).toContain(done.id);

    const wrong = await http().get(`/v1/exports/${done.id}/download?token=nottheone`);
    expect(wrong.status).toBe(404);
    expect((await http().get(`/v1/exports/${done.id}/download`)).status).toBe(400);

    await http().delete(`/v1/exports/${done.id}`).set(a.headers).expect(204);
    expect((await http().get(`/v1/exports/${done.id}`).set(a.headers)).status).toBe(404);
    expect((await http().get(done.result.url)).status).toBe(404);
    expect((await http().delete(`/v1/exports/${done.id}`).set(a.headers)).status).toBe(404);
  });

  it('answers 409 for the download of an export that is not done yet', async () => {
    const ds = t.app.get(DataSource);
    await ds.query(
      `INSERT INTO exports (id, project_id, exported_object, parameters, status, download_token)
       VALUES ('exp_pending_1', $1, 'customer', '{"fields":["id"],"order":"created_at","filters":{}}', 'SCHEDULED', 'tok')`,
      [a.projectId],
    );
    const res = await http().get('/v1/exports/exp_pending_1/download?token=tok');
    expect(res.status).toBe(409);
    expect(res.body.key).toBe('export_not_ready');
  });

  it('exports redemptions, failures and rollbacks ordered by date', async () => {
    const p = await createTestProject(t.app);
    await http()
      .post('/v1/vouchers/EXP-R')
      .set(p.headers)
      .send({
        code: 'EXP-R',
        type: 'DISCOUNT_VOUCHER',
        discount: { type: 'AMOUNT', amount_off: 100 },
        redemption: { quantity: 1 },
      })
      .expect(200);
    const r = await http()
      .post('/v1/vouchers/EXP-R/redemption')
      .set(p.headers)
      .send({ customer: { source_id: 'exp-c' }, metadata: { shop: 'north' } })
      .expect(200);
    const refused = await http().post('/v1/vouchers/EXP-R/redemption').set(p.headers).send({});
    expect(refused.status).toBe(400);
    const rb = await http()
      .post(`/v1/redemptions/${r.body.id}/rollback`)
      .set(p.headers)
      .send({ reason: 'returned' })
      .expect(200);

    const done = await exportAndWait(p, {
      exported_object: 'redemption',
      parameters: {
        fields: [
          'id',
          'object',
          'voucher_code',
          'result',
          'failure_code',
          'redemption',
          'metadata.shop',
        ],
        order: 'created_at',
      },
    });
    expect(done.result.row_count).toBe(3);
    const rows = parseCsv((await http().get(done.result.url).expect(200)).text);
    expect(rows).toEqual([
      ['id', 'object', 'voucher_code', 'result', 'failure_code', 'redemption', 'metadata.shop'],
      [r.body.id, 'redemption', 'EXP-R', 'SUCCESS', '', '', 'north'],
      [refused.body.resource_id, 'redemption', 'EXP-R', 'FAILURE', 'quantity_exceeded', '', ''],
      [rb.body.id, 'redemption_rollback', 'EXP-R', 'SUCCESS', '', r.body.id, ''],
    ]);
    const failures = await exportAndWait(p, {
      exported_object: 'redemption',
      parameters: { filters: { result: { conditions: { $is: ['FAILURE'] } } } },
    });
    expect(failures.result.row_count).toBe(1);
    expect(failures.parameters.fields).toContain('date');
  });

  it('exports publications with their default fields', async () => {
    const p = await createTestProject(t.app);
    for (const code of ['EXP-P1', 'EXP-P2'])
      await http()
        .post(`/v1/vouchers/${code}`)
        .set(p.headers)
        .send({ code, type: 'DISCOUNT_VOUCHER', discount: { type: 'AMOUNT', amount_off: 1 } })
        .expect(200);
    for (const [code, customer] of [
      ['EXP-P1', 'pub-c1'],
      ['EXP-P2', 'pub-c2'],
    ])
      await http()
        .post('/v1/publications')
        .set(p.headers)
        .send({ voucher: code, customer: { source_id: customer } })
        .expect(200);
    const done = await exportAndWait(p, { exported_object: 'publication' });
    expect(done.result.row_count).toBe(2);
    const rows = parseCsv((await http().get(done.result.url).expect(200)).text);
    const header = rows[0];
    expect(header).toEqual(done.parameters.fields);
    expect(
      rows
        .slice(1)
        .map((row) => row[header.indexOf('voucher_code')])
        .sort(),
    ).toEqual(['EXP-P1', 'EXP-P2']);
    expect(rows[1][header.indexOf('customer_id')]).toMatch(/^cust_/);
  });

  it('documents exports and the audit log in OpenAPI', async () => {
    const doc = await http().get('/docs-json').expect(200);
    expect(Object.keys(doc.body.paths as object)).toEqual(
      expect.arrayContaining([
        '/v1/exports',
        '/v1/exports/{id}',
        '/v1/exports/{id}/download',
        '/v1/audit-log',
        '/management/v1/projects/{id}/audit-log',
      ]),
    );
  });

  it('refuses a management key on /v1/exports', async () => {
    const m = await createTestManagementKey(t.app);
    expect((await http().get('/v1/exports').set(m.headers)).status).toBe(401);
  });
});
