import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestManagementKey } from '../../factories/management.factory';
import { createTestProject, TestProject } from '../../factories/project.factory';
import { createTestApp, TestApp } from '../../utils/test-app';
import { waitForAction } from '../vouchers/helpers';

interface Entry {
  actor: { type: string; id: string | null };
  route: string | null;
  entity_type: string;
  entity_id: string;
  action: string;
  diff: Record<string, unknown>;
  project_id: string;
}

/**
 * Every mutating API call leaves an audit row (who, route, entity, compact diff), including
 * the writes made with raw SQL or listener-less query builders, which the subscriber never
 * sees and which record themselves explicitly.
 */
describe('audit log coverage of every write path (e2e)', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let a: TestProject;
  let keyId: string;
  const http = () => request(t.app.getHttpServer());
  const post = (path: string, body: object = {}) => http().post(path).set(a.headers).send(body);
  const put = (path: string, body: object) => http().put(path).set(a.headers).send(body);
  const del = (path: string) => http().delete(path).set(a.headers);

  /** The entity's audit rows, oldest first. */
  const auditOf = async (entityType: string, entityId: string): Promise<Entry[]> => {
    const res = await http()
      .get(`/v1/audit-log?entity_type=${entityType}&entity_id=${entityId}&limit=100`)
      .set(a.headers)
      .expect(200);
    return (res.body.data as Entry[]).reverse();
  };
  const byKey = (route: string, action: string) => ({
    route,
    action,
    actor: { type: 'api_key', id: keyId },
  });

  beforeAll(async () => {
    t = await createTestApp();
    a = await createTestProject(t.app);
    const rows = (await t.app
      .get(DataSource)
      .query(`SELECT id FROM api_keys WHERE app_id = $1`, [a.appId])) as { id: string }[];
    keyId = rows[0].id;
  });
  afterAll(() => t.close());

  describe('vouchers', () => {
    it('create, update, disable, enable, soft delete and force delete', async () => {
      const created = await post('/v1/vouchers/AUD-1', {
        type: 'DISCOUNT_VOUCHER',
        discount: { type: 'AMOUNT', amount_off: 100 },
        category: 'audit',
      }).expect(200);
      const id = created.body.id as string;
      await put('/v1/vouchers/AUD-1', { category: 'changed' }).expect(200);
      await post('/v1/vouchers/AUD-1/disable').expect(200);
      await post('/v1/vouchers/AUD-1/enable').expect(200);
      await del('/v1/vouchers/AUD-1').expect(204);
      await del('/v1/vouchers/AUD-1?force=true').expect(204);

      const rows = await auditOf('voucher', id);
      expect(rows).toMatchObject([
        { ...byKey('POST /v1/vouchers/:code', 'create'), entity_id: id, project_id: a.projectId },
        byKey('PUT /v1/vouchers/:code', 'update'),
        byKey('POST /v1/vouchers/:code/disable', 'update'),
        byKey('POST /v1/vouchers/:code/enable', 'update'),
        byKey('DELETE /v1/vouchers/:code', 'soft_delete'),
        byKey('DELETE /v1/vouchers/:code', 'delete'),
      ]);
      expect(rows[0].diff).toMatchObject({ code: 'AUD-1', category: 'audit' });
      expect(rows[1].diff).toMatchObject({ category: 'changed' });
      expect(rows[2].diff).toEqual({ active: false });
      expect(rows[3].diff).toEqual({ active: true });
    });

    it('a gift balance change', async () => {
      const created = await post('/v1/vouchers/AUD-GIFT', {
        type: 'GIFT_VOUCHER',
        gift: { amount: 1000 },
      }).expect(200);
      await post('/v1/vouchers/AUD-GIFT/balance', { amount: 500 }).expect(200);
      const rows = await auditOf('voucher', created.body.id as string);
      expect(rows[1]).toMatchObject(byKey('POST /v1/vouchers/:code/balance', 'update'));
      expect(rows[1].diff).toMatchObject({ gift_balance_change: 500, gift_balance: '1500' });
    });

    it('an import records one create per imported voucher', async () => {
      await post('/v1/vouchers/import', [
        {
          code: 'AUD-IMP-1',
          type: 'DISCOUNT_VOUCHER',
          discount: { type: 'PERCENT', percent_off: 5 },
        },
        {
          code: 'AUD-IMP-2',
          type: 'DISCOUNT_VOUCHER',
          discount: { type: 'PERCENT', percent_off: 5 },
        },
      ]).expect(202);
      for (const code of ['AUD-IMP-1', 'AUD-IMP-2']) {
        const v = await waitForVoucher(code);
        const rows = await auditOf('voucher', v);
        expect(rows[0]).toMatchObject({ action: 'create', entity_id: v });
        expect(rows[0].diff).toMatchObject({ code });
      }
    });
  });

  const waitForVoucher = async (code: string): Promise<string> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await http().get(`/v1/vouchers/${code}`).set(a.headers);
      if (res.status === 200) return res.body.id as string;
      if (Date.now() > deadline) throw new Error(`voucher ${code} never appeared`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  describe('campaigns', () => {
    it('create, update (by name, applied to its vouchers), disable, enable, add a voucher, delete', async () => {
      const created = await post('/v1/campaigns', {
        name: 'Audit campaign',
        type: 'STATIC',
        vouchers_count: 3,
        voucher: { discount: { type: 'PERCENT', percent_off: 5 }, code_config: { length: 10 } },
      }).expect(200);
      const id = created.body.id as string;
      const actions = await http().get('/v1/async-actions?limit=1').set(a.headers).expect(200);
      await waitForAction(t, a, actions.body.async_actions[0].id as string);

      await put('/v1/campaigns/Audit campaign', { expiration_date: '2031-01-01T00:00:00Z' }).expect(
        200,
      );
      await post(`/v1/campaigns/${id}/disable`).expect(200);
      await post(`/v1/campaigns/${id}/enable`).expect(200);
      const added = await post(`/v1/campaigns/${id}/vouchers/AUD-CAMP-1`).expect(200);

      const rows = await auditOf('campaign', id);
      expect(rows[0]).toMatchObject({ ...byKey('POST /v1/campaigns', 'create'), entity_id: id });
      expect(rows[0].diff).toMatchObject({ name: 'Audit campaign' });
      // Generation (a job once the response is done) is one row per batch, on the campaign.
      const generated = rows.find((r) => r.action === 'generate_vouchers');
      expect(generated?.diff).toMatchObject({ vouchers_added: 3 });
      const updates = rows.filter((r) => r.route === 'PUT /v1/campaigns/:campaignId');
      expect(updates).toHaveLength(1);
      expect(updates[0]).toMatchObject({ action: 'update', entity_id: id });
      expect(updates[0].diff).toMatchObject({ expiration_date: '2031-01-01T00:00:00.000Z' });
      expect(rows.map((r) => r.route)).toEqual(
        expect.arrayContaining([
          'POST /v1/campaigns/:campaignId/disable',
          'POST /v1/campaigns/:campaignId/enable',
        ]),
      );

      // The settings reach every voucher of the campaign, each one audited.
      const vouchers = await http()
        .get(`/v1/vouchers?campaign_id=${id}&limit=10`)
        .set(a.headers)
        .expect(200);
      const generatedVoucher = (vouchers.body.vouchers as { id: string; code: string }[]).find(
        (v) => v.code !== 'AUD-CAMP-1',
      );
      const voucherRows = await auditOf('voucher', generatedVoucher!.id);
      // The value as bound to the UPDATE (the campaign's own row shows it as stored).
      expect(voucherRows.find((r) => r.route === 'PUT /v1/campaigns/:campaignId')?.diff).toEqual({
        expiration_date: expect.stringMatching(/^2031-01-01T00:00:00/),
      });
      const addedRows = await auditOf('voucher', added.body.id as string);
      expect(addedRows[0]).toMatchObject(
        byKey('POST /v1/campaigns/:campaignId/vouchers/:code', 'create'),
      );

      const deleted = await del(`/v1/campaigns/${id}?force=true`).expect(202);
      await waitForAction(t, a, deleted.body.async_action_id as string);
      const after = await auditOf('campaign', id);
      expect(after).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            ...byKey('DELETE /v1/campaigns/:campaignId', 'soft_delete'),
            entity_id: id,
          }),
          expect.objectContaining({ action: 'delete', actor: { type: 'system', id: null } }),
        ]),
      );
      const gone = await auditOf('voucher', generatedVoucher!.id);
      expect(gone[gone.length - 1]).toMatchObject({ action: 'delete' });
    });
  });

  describe('customers', () => {
    it('the upsert by source_id records create, then update, with the id', async () => {
      const first = await post('/v1/customers', { source_id: 'aud-src-1', name: 'Ann' }).expect(
        200,
      );
      await post('/v1/customers', { source_id: 'aud-src-1', name: 'Anna' }).expect(200);
      const id = first.body.id as string;
      const rows = await auditOf('customer', id);
      expect(rows).toMatchObject([
        byKey('POST /v1/customers', 'create'),
        byKey('POST /v1/customers', 'update'),
      ]);
      expect(rows[0].diff).toMatchObject({ source_id: 'aud-src-1', name: 'Ann' });
      expect(rows[1].diff).toMatchObject({ name: 'Anna' });
    });

    it('an update and a delete addressed by source_id record the customer id', async () => {
      const created = await post('/v1/customers', { source_id: 'aud-src-2', name: 'Bo' }).expect(
        200,
      );
      await put('/v1/customers/aud-src-2', { name: 'Bob' }).expect(200);
      await del('/v1/customers/aud-src-2').expect(204);
      const rows = await auditOf('customer', created.body.id as string);
      expect(rows).toMatchObject([
        { action: 'create' },
        { ...byKey('PUT /v1/customers/:id', 'update'), diff: { name: 'Bob' } },
        byKey('DELETE /v1/customers/:id', 'delete'),
      ]);
    });
  });

  describe('orders', () => {
    it('the upsert by source_id records create, then update, with the order id', async () => {
      const first = await post('/v1/orders', { source_id: 'aud-order-1', amount: 1000 }).expect(
        200,
      );
      await post('/v1/orders', { source_id: 'aud-order-1', amount: 2500 }).expect(200);
      await put('/v1/orders/aud-order-1', { status: 'PAID' }).expect(200);
      const rows = await auditOf('order', first.body.id as string);
      expect(rows).toMatchObject([
        byKey('POST /v1/orders', 'create'),
        byKey('POST /v1/orders', 'update'),
        byKey('PUT /v1/orders/:id', 'update'),
      ]);
      expect(rows[0].diff).toMatchObject({ source_id: 'aud-order-1' });
      expect(rows[1].diff).toMatchObject({ amount: 2500 });
      expect(rows[2].diff).toMatchObject({ status: 'PAID' });
    });
  });

  describe('validation rules and assignments', () => {
    it('rule create/update/delete; assignment create, refused duplicate, delete, and removal with its voucher', async () => {
      const rule = await post('/v1/validation-rules', { name: 'aud-rule' }).expect(200);
      const ruleId = rule.body.id as string;
      await put(`/v1/validation-rules/${ruleId}`, { name: 'aud-rule-2' }).expect(200);
      const v = await post('/v1/vouchers/AUD-RULED', {
        type: 'DISCOUNT_VOUCHER',
        discount: { type: 'PERCENT', percent_off: 5 },
      }).expect(200);
      const body = { related_object_type: 'voucher', related_object_id: v.body.id as string };
      const first = await post(`/v1/validation-rules/${ruleId}/assignments`, body).expect(200);
      await post(`/v1/validation-rules/${ruleId}/assignments`, body).expect(409);
      const other = await post(`/v1/validation-rules/${ruleId}/assignments`, {
        related_object_type: 'campaign',
        related_object_id: 'camp_x',
      }).expect(200);
      await del(`/v1/validation-rules/${ruleId}/assignments/${other.body.id}`).expect(204);
      await del('/v1/vouchers/AUD-RULED?force=true').expect(204);
      await del(`/v1/validation-rules/${ruleId}`).expect(204);

      expect(await auditOf('validation_rule', ruleId)).toMatchObject([
        byKey('POST /v1/validation-rules', 'create'),
        { ...byKey('PUT /v1/validation-rules/:id', 'update'), diff: { name: 'aud-rule-2' } },
        byKey('DELETE /v1/validation-rules/:id', 'delete'),
      ]);
      expect(await auditOf('validation_rules_assignment', first.body.id as string)).toMatchObject([
        {
          ...byKey('POST /v1/validation-rules/:id/assignments', 'create'),
          diff: { rule_id: ruleId, related_object_id: v.body.id },
        },
        byKey('DELETE /v1/vouchers/:code', 'delete'),
      ]);
      expect(await auditOf('validation_rules_assignment', other.body.id as string)).toMatchObject([
        { action: 'create' },
        byKey('DELETE /v1/validation-rules/:id/assignments/:assignmentId', 'delete'),
      ]);
    });
  });

  describe('webhooks', () => {
    it('create (secret redacted), update and delete', async () => {
      const created = await post('/v1/webhooks', {
        target_url: 'https://hooks.example.invalid/aud',
        events: ['customer.created'],
      }).expect(200);
      const id = created.body.id as string;
      await put(`/v1/webhooks/${id}`, { target_url: 'https://hooks.example.invalid/aud2' }).expect(
        200,
      );
      await del(`/v1/webhooks/${id}`).expect(204);
      const rows = await auditOf('webhook', id);
      expect(rows).toMatchObject([
        byKey('POST /v1/webhooks', 'create'),
        byKey('PUT /v1/webhooks/:id', 'update'),
        byKey('DELETE /v1/webhooks/:id', 'delete'),
      ]);
      expect(rows[0].diff).toMatchObject({ secret: '[redacted]' });
      expect(JSON.stringify(rows[1].diff)).toContain('https://hooks.example.invalid/aud2');
    });
  });

  describe('publications', () => {
    it('a publication and the voucher it hands out', async () => {
      const v = await post('/v1/vouchers/AUD-PUB', {
        type: 'DISCOUNT_VOUCHER',
        discount: { type: 'PERCENT', percent_off: 5 },
      }).expect(200);
      const pub = await post('/v1/publications', {
        voucher: 'AUD-PUB',
        customer: { source_id: 'aud-pub-cust' },
      }).expect(200);
      const rows = await auditOf('publication', pub.body.id as string);
      expect(rows).toMatchObject([
        byKey('POST /v1/publications', 'create'),
        { ...byKey('POST /v1/publications', 'update'), diff: { vouchers: ['AUD-PUB'] } },
      ]);
      expect(rows[0].diff).toMatchObject({ result: 'SUCCESS', voucher_code: 'AUD-PUB' });

      // A second customer is refused after its publication row went in: the rollback takes
      // that row's audit entry with it; only the FAILURE record (own transaction) remains.
      await post('/v1/publications', {
        voucher: 'AUD-PUB',
        customer: { source_id: 'aud-pub-other' },
      }).expect(400);
      const all = await http()
        .get('/v1/audit-log?entity_type=publication&limit=100')
        .set(a.headers)
        .expect(200);
      const creates = (all.body.data as Entry[]).filter((e) => e.action === 'create');
      expect(creates.map((e) => e.diff.result).sort()).toEqual(['FAILURE', 'SUCCESS']);

      const voucherRows = await auditOf('voucher', v.body.id as string);
      expect(voucherRows[voucherRows.length - 1]).toMatchObject({
        ...byKey('POST /v1/publications', 'update'),
        diff: { holder_id: expect.stringMatching(/^cust_/) },
      });
    });
  });

  describe('redemptions', () => {
    it('a redemption and its rollback, besides the ledger', async () => {
      await post('/v1/vouchers/AUD-RED', {
        type: 'DISCOUNT_VOUCHER',
        discount: { type: 'AMOUNT', amount_off: 100 },
      }).expect(200);
      const redeemed = await post('/v1/vouchers/AUD-RED/redemption', {
        order: { amount: 1000 },
      }).expect(200);
      const id = redeemed.body.id as string;
      const rolled = await post(`/v1/redemptions/${id}/rollback`).expect(200);
      expect(await auditOf('redemption', id)).toMatchObject([
        {
          ...byKey('POST /v1/vouchers/:code/redemption', 'create'),
          diff: { kind: 'single', result: 'SUCCESS', voucher_code: 'AUD-RED' },
        },
        {
          ...byKey('POST /v1/redemptions/:id/rollback', 'update'),
          diff: { status: 'ROLLED_BACK', rollback_id: rolled.body.id },
        },
      ]);
      expect(await auditOf('redemption', rolled.body.id as string)).toMatchObject([
        {
          ...byKey('POST /v1/redemptions/:id/rollback', 'create'),
          diff: { kind: 'rollback', redemption_id: id },
        },
      ]);
    });
  });

  describe('exports', () => {
    it('create and delete', async () => {
      const created = await post('/v1/exports', { exported_object: 'customer' }).expect(200);
      const id = created.body.id as string;
      await del(`/v1/exports/${id}`).expect(204);
      const rows = await auditOf('export', id);
      expect(rows[0]).toMatchObject(byKey('POST /v1/exports', 'create'));
      expect(rows[rows.length - 1]).toMatchObject(byKey('DELETE /v1/exports/:id', 'delete'));
    });
  });

  describe('management', () => {
    it("a project's rate-limit policy", async () => {
      const m = await createTestManagementKey(t.app);
      await http()
        .put(`/management/v1/projects/${a.projectId}/rate-limits`)
        .set(m.headers)
        .send({ per_minute: 600 })
        .expect(200);
      const res = await http()
        .get(`/management/v1/projects/${a.projectId}/audit-log?entity_type=rate_limit_policy`)
        .set(m.headers)
        .expect(200);
      expect(res.body.data).toMatchObject([
        {
          route: 'PUT /management/v1/projects/:id/rate-limits',
          actor: { type: 'management_key', id: m.id },
          entity_id: a.projectId,
          diff: { per_minute: 600 },
        },
      ]);
    });
  });
});
