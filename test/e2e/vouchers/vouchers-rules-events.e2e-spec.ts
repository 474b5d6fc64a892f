jest.setTimeout(60_000);

import request from 'supertest';
import { DataSource } from 'typeorm';
import { VoucherifyServerSide } from '@voucherify/sdk';
import { ValidationRulesService } from '@app/validations';
import { signatureMatches } from '@app/webhooks';
import { createTestProject, TestProject } from '../../factories/project.factory';
import {
  createIsolatedDatabase,
  IsolatedDatabase,
  isolatedEnv,
} from '../../utils/isolated-database';
import { createTestApp, TestApp } from '../../utils/test-app';
import { waitFor } from '../../utils/wait-for';
import { WebhookReceiver } from '../../utils/webhook-receiver';
import { waitForAction } from './helpers';

const discount = { type: 'DISCOUNT_VOUCHER', discount: { type: 'AMOUNT', amount_off: 100 } };

/**
 * Validation-rule assignments of vouchers and campaigns, their outbox events delivered to a
 * real webhook receiver, the customer filter by source_id and a voucher's publications.
 * Own database: the outbox relay of another test file must not take this file's events.
 */
describe('vouchers and campaigns: rule assignments, events, publications (e2e)', () => {
  let db: IsolatedDatabase;
  let t: TestApp;
  let a: TestProject;
  let client: ReturnType<typeof VoucherifyServerSide>;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    db = await createIsolatedDatabase();
    t = await createTestApp({
      listen: true,
      env: { ...isolatedEnv(db), WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' },
    });
    a = await createTestProject(t.app);
    client = VoucherifyServerSide({ applicationId: a.appId, secretKey: a.appToken, apiUrl: t.url });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const rule = async (name = 'r') => (await client.validationRules.create({ name, rules: {} })).id;
  const eventTypes = async (p: TestProject, entityId: string): Promise<string[]> => {
    const rows = (await t.app
      .get(DataSource)
      .query(`SELECT type FROM events WHERE project_id = $1 AND entity_id = $2 ORDER BY seq`, [
        p.projectId,
        entityId,
      ])) as { type: string }[];
    return rows.map((r) => r.type);
  };

  describe('validation-rule assignments', () => {
    it('SDK createAssignment with {voucher: code} and {campaign: name} shows on GET', async () => {
      const ruleId = await rule();
      const v = await client.vouchers.create({
        code: 'ASG-1',
        type: 'DISCOUNT_VOUCHER',
        discount: { type: 'AMOUNT' as never, amount_off: 10 },
      });
      const byCode = await client.validationRules.createAssignment(ruleId, { voucher: 'ASG-1' });
      expect(byCode).toMatchObject({ related_object_type: 'voucher', related_object_id: v.id });
      const got = await client.vouchers.get('ASG-1');
      expect(got.validation_rules_assignments).toEqual({
        object: 'list',
        data_ref: 'data',
        data: [
          {
            id: byCode.id,
            rule_id: ruleId,
            related_object_id: v.id,
            related_object_type: 'voucher',
            created_at: expect.any(String),
            object: 'validation_rules_assignment',
          },
        ],
        total: 1,
      });

      await http()
        .post('/v1/campaigns')
        .set(a.headers)
        .send({ name: 'AsgCamp', vouchers_count: 0, voucher: discount })
        .expect(200);
      const byName = await client.validationRules.createAssignment(ruleId, {
        campaign: 'AsgCamp',
      });
      expect(byName.id).toMatch(/^asgm_/);
      const camp = await http().get('/v1/campaigns/AsgCamp').set(a.headers).expect(200);
      expect(camp.body.validation_rules_assignments).toMatchObject({
        total: 1,
        data: [{ id: byName.id, rule_id: ruleId, related_object_type: 'campaign' }],
      });
    });

    it('another project cannot assign its rule to this project’s code or campaign', async () => {
      const b = await createTestProject(t.app);
      const res = await http()
        .post('/v1/validation-rules')
        .set(b.headers)
        .send({ name: 'b', rules: {} })
        .expect(200);
      for (const [body, type] of [
        [{ voucher: 'ASG-1' }, 'voucher'],
        [{ campaign: 'AsgCamp' }, 'campaign'],
      ] as const) {
        const refused = await http()
          .post(`/v1/validation-rules/${res.body.id as string}/assignments`)
          .set(b.headers)
          .send(body)
          .expect(404);
        expect(refused.body.resource_type).toBe(type);
      }
      // And B's rule id is unknown in A's project.
      await http()
        .put('/v1/vouchers/ASG-1')
        .set(a.headers)
        .send({ validation_rules: [res.body.id] })
        .expect(400);
    });

    it('create/update with validation_rules makes the assignments; unknown ids roll back', async () => {
      const [r1, r2] = [await rule('r1'), await rule('r2')];
      const created = await http()
        .post('/v1/vouchers/RULED')
        .set(a.headers)
        .send({ ...discount, validation_rules: [r1] })
        .expect(200);
      expect(created.body.validation_rules_assignments.data).toEqual([
        expect.objectContaining({ id: expect.stringMatching(/^asgm_/), rule_id: r1 }),
      ]);

      const refused = await http()
        .post('/v1/vouchers/HALF')
        .set(a.headers)
        .send({ ...discount, validation_rules: [r1, 'val_missing'] })
        .expect(400);
      expect(refused.body.details).toContain('val_missing');
      await http().get('/v1/vouchers/HALF').set(a.headers).expect(404);

      const updated = await http()
        .put('/v1/vouchers/RULED')
        .set(a.headers)
        .send({ validation_rules: [r2] })
        .expect(200);
      expect(
        updated.body.validation_rules_assignments.data.map((x: { rule_id: string }) => x.rule_id),
      ).toEqual([r2]);
      const badUpdate = await http()
        .put('/v1/vouchers/RULED')
        .set(a.headers)
        .send({ validation_rules: ['val_gone'], metadata: { changed: true } })
        .expect(400);
      expect(badUpdate.body.details).toContain('val_gone');
      const after = await http().get('/v1/vouchers/RULED').set(a.headers).expect(200);
      expect(after.body.metadata).toEqual({});
      expect(after.body.validation_rules_assignments.data[0].rule_id).toBe(r2);

      const cleared = await http()
        .put('/v1/vouchers/RULED')
        .set(a.headers)
        .send({ validation_rules: [] })
        .expect(200);
      expect(cleared.body.validation_rules_assignments.total).toBe(0);

      await http()
        .post('/v1/campaigns')
        .set(a.headers)
        .send({ name: 'BadRules', voucher: discount, validation_rules: ['val_nope'] })
        .expect(400);
      await http().get('/v1/campaigns/BadRules').set(a.headers).expect(404);
    });

    it('generated vouchers inherit the campaign rule through the campaign assignment', async () => {
      const ruleId = await rule('camp');
      const created = await http()
        .post('/v1/campaigns')
        .set(a.headers)
        .send({
          name: 'RuledCamp',
          vouchers_count: 2,
          voucher: discount,
          validation_rules: [ruleId],
        })
        .expect(200);
      await waitFor(async () => {
        const c = await http().get('/v1/campaigns/RuledCamp').set(a.headers);
        return c.body.vouchers_generation_status === 'DONE';
      }, 'generation of RuledCamp');
      const list = await http().get('/v1/vouchers?campaign=RuledCamp').set(a.headers).expect(200);
      expect(list.body.total).toBe(2);
      const voucher = list.body.vouchers[0] as { id: string };
      expect(list.body.vouchers[0].validation_rules_assignments.total).toBe(0);
      const rules = await t.app.get(ValidationRulesService).rulesFor(a.projectId, [
        { type: 'voucher', id: voucher.id },
        { type: 'campaign', id: created.body.id as string },
      ]);
      expect(rules.map((r) => r.ruleId)).toEqual([ruleId]);
    });

    it('a forced delete removes the object’s assignments for good', async () => {
      const ruleId = await rule('del');
      const v = await http()
        .post('/v1/vouchers/DEL-RULED')
        .set(a.headers)
        .send({ ...discount, validation_rules: [ruleId] })
        .expect(200);
      await http().delete('/v1/vouchers/DEL-RULED?force=true').set(a.headers).expect(204);
      const left = await http()
        .get(`/v1/validation-rules-assignments?related_object_id=${v.body.id as string}`)
        .set(a.headers)
        .expect(200);
      expect(left.body.total).toBe(0);
    });
  });

  describe('assignments on bulk paths', () => {
    const assignmentsOf = async (objectId: string) =>
      (
        await http()
          .get(`/v1/validation-rules-assignments?related_object_id=${objectId}`)
          .set(a.headers)
          .expect(200)
      ).body.total as number;

    it('an import assigns each row’s rules and reports rows naming unknown ones', async () => {
      const ruleId = await rule('imp');
      const res = await http()
        .post('/v1/vouchers/import')
        .set(a.headers)
        .send([
          { code: 'IMP-OK', ...discount, validation_rules: [ruleId] },
          { code: 'IMP-BAD', ...discount, validation_rules: ['val_unknown'] },
        ])
        .expect(202);
      const action = await waitForAction(t, a, res.body.async_action_id as string);
      expect(action.result).toMatchObject({
        done_count: 1,
        failed_count: 1,
        failed: [{ row: 1, code: 'IMP-BAD', reason: expect.stringContaining('val_unknown') }],
      });
      const ok = await http().get('/v1/vouchers/IMP-OK').set(a.headers).expect(200);
      expect(ok.body.validation_rules_assignments.data[0].rule_id).toBe(ruleId);
      await http().get('/v1/vouchers/IMP-BAD').set(a.headers).expect(404);
    });

    it('a forced campaign delete removes the campaign’s and its vouchers’ assignments', async () => {
      const ruleId = await rule('campdel');
      const c = await http()
        .post('/v1/campaigns')
        .set(a.headers)
        .send({ name: 'DelCamp', vouchers_count: 0, voucher: discount, validation_rules: [ruleId] })
        .expect(200);
      const v = await http()
        .post('/v1/campaigns/DelCamp/vouchers/DELCAMP-1')
        .set(a.headers)
        .send({})
        .expect(200);
      await http()
        .put('/v1/vouchers/DELCAMP-1')
        .set(a.headers)
        .send({ validation_rules: [ruleId] })
        .expect(200);
      expect(await assignmentsOf(v.body.id as string)).toBe(1);
      const del = await http()
        .delete('/v1/campaigns/DelCamp?force=true')
        .set(a.headers)
        .expect(202);
      await waitForAction(t, a, del.body.async_action_id as string);
      expect(await assignmentsOf(c.body.id as string)).toBe(0);
      expect(await assignmentsOf(v.body.id as string)).toBe(0);
    });
  });

  describe('outbox events to a webhook', () => {
    let receiver: WebhookReceiver;
    let p: TestProject;
    let secret: string;

    beforeAll(async () => {
      receiver = await new WebhookReceiver().start();
      p = await createTestProject(t.app);
      const hook = await http()
        .post('/v1/webhooks')
        .set(p.headers)
        .send({ target_url: receiver.url, events: ['*'] })
        .expect(200);
      secret = hook.body.secret as string;
    });
    afterAll(() => receiver.stop());

    it('delivers signed voucher and campaign events; a rolled-back change emits nothing', async () => {
      const v = await http().post('/v1/vouchers/EVT-1').set(p.headers).send(discount).expect(200);
      const id = v.body.id as string;
      await http()
        .put('/v1/vouchers/EVT-1')
        .set(p.headers)
        .send({ metadata: { a: 1 } })
        .expect(200);
      await http().post('/v1/vouchers/EVT-1/disable').set(p.headers).expect(200);
      await http().post('/v1/vouchers/EVT-1/enable').set(p.headers).expect(200);
      // Rolled back: an unknown rule refuses the update after the row was changed.
      await http()
        .put('/v1/vouchers/EVT-1')
        .set(p.headers)
        .send({ metadata: { b: 2 }, validation_rules: ['val_x'] })
        .expect(400);
      await http().delete('/v1/vouchers/EVT-1').set(p.headers).expect(204);
      const camp = await http()
        .post('/v1/campaigns')
        .set(p.headers)
        .send({ name: 'EvtCamp', vouchers_count: 3, voucher: discount })
        .expect(200);
      await waitForAction(t, p, await generationActionOf(p));

      const wanted = [
        'voucher.created',
        'voucher.updated',
        'voucher.disabled',
        'voucher.enabled',
        'voucher.deleted',
        'campaign.created',
        'campaign.vouchers.generation.completed',
      ];
      await waitFor(
        () => wanted.every((w) => receiver.received.some((r) => r.json.type === w)),
        'every event at the receiver',
      );
      for (const r of receiver.received)
        expect(signatureMatches(r.body, secret, r.signature)).toBe(true);

      expect(await eventTypes(p, id)).toEqual([
        'voucher.created',
        'voucher.updated',
        'voucher.disabled',
        'voucher.enabled',
        'voucher.deleted',
      ]);
      const updated = receiver.received.find((r) => r.json.type === 'voucher.updated')!;
      expect(updated.json.data.voucher).toMatchObject({ id, code: 'EVT-1', metadata: { a: 1 } });
      const disabled = receiver.received.find((r) => r.json.type === 'voucher.disabled')!;
      expect(disabled.json.data.voucher).toMatchObject({ active: false, object: 'voucher' });

      // One summary event for the job, none per generated code; the job is INTERNAL.
      const campaignId = camp.body.id as string;
      expect(await eventTypes(p, campaignId)).toEqual([
        'campaign.created',
        'campaign.vouchers.generation.completed',
      ]);
      const completed = receiver.received.find(
        (r) => r.json.type === 'campaign.vouchers.generation.completed',
      )!;
      expect(completed.json.data).toMatchObject({
        campaign: { id: campaignId, vouchers_count: 3, vouchers_generation_status: 'DONE' },
        vouchers_generated: 3,
      });
      const rows = (await t.app
        .get(DataSource)
        .query(
          `SELECT count(*)::int AS n FROM events WHERE project_id = $1 AND type = 'voucher.created'`,
          [p.projectId],
        )) as { n: number }[];
      expect(rows[0].n).toBe(1);
    });

    it('campaign update, disable, enable, delete and gift balance record their events', async () => {
      const c = await http()
        .post('/v1/campaigns')
        .set(p.headers)
        .send({ name: 'EvtCamp2', vouchers_count: 0, voucher: discount })
        .expect(200);
      await http()
        .put('/v1/campaigns/EvtCamp2')
        .set(p.headers)
        .send({ description: 'd' })
        .expect(200);
      await http().post('/v1/campaigns/EvtCamp2/disable').set(p.headers).expect(200);
      await http().post('/v1/campaigns/EvtCamp2/enable').set(p.headers).expect(200);
      await http().delete('/v1/campaigns/EvtCamp2').set(p.headers).expect(202);
      expect(await eventTypes(p, c.body.id as string)).toEqual([
        'campaign.created',
        'campaign.updated',
        'campaign.disabled',
        'campaign.enabled',
        'campaign.deleted',
      ]);

      const gift = await http()
        .post('/v1/vouchers/GIFT-EVT')
        .set(p.headers)
        .send({ type: 'GIFT_VOUCHER', gift: { amount: 1000 } })
        .expect(200);
      await http()
        .post('/v1/vouchers/GIFT-EVT/balance')
        .set(p.headers)
        .send({ amount: 500 })
        .expect(200);
      expect(await eventTypes(p, gift.body.id as string)).toEqual([
        'voucher.created',
        'voucher.gift.balance_added',
        'voucher.gift.transaction.created',
      ]);
    });

    const generationActionOf = async (project: TestProject): Promise<string> => {
      const res = await http().get('/v1/async-actions').set(project.headers).expect(200);
      const actions = res.body.async_actions as { id: string; type: string }[];
      return actions.find((x) => x.type === 'CAMPAIGN.VOUCHERS_GENERATE')!.id;
    };
  });

  describe('voucher list customer filter and publications', () => {
    it('customer= accepts the holder’s cust_ id or source_id', async () => {
      const customer = await http()
        .post('/v1/customers')
        .set(a.headers)
        .send({ source_id: 'holder-src', name: 'H' })
        .expect(200);
      await http()
        .post('/v1/vouchers/HELD-1')
        .set(a.headers)
        .send({ ...discount, holder_id: customer.body.id })
        .expect(200);
      for (const key of [customer.body.id as string, 'holder-src']) {
        const res = await http().get(`/v1/vouchers?customer=${key}`).set(a.headers).expect(200);
        expect(res.body.vouchers.map((v: { code: string }) => v.code)).toEqual(['HELD-1']);
      }
      const none = await http().get('/v1/vouchers?customer=nobody').set(a.headers).expect(200);
      expect(none.body.total).toBe(0);
    });

    it('GET /v1/vouchers/:code/publications lists the publications holding the code', async () => {
      await http()
        .post('/v1/campaigns')
        .set(a.headers)
        .send({ name: 'PubCamp', type: 'STATIC', vouchers_count: 0, voucher: discount })
        .expect(200);
      await http()
        .post('/v1/campaigns/PubCamp/vouchers/PUB-CODE')
        .set(a.headers)
        .send({})
        .expect(200);
      const pub = await http()
        .post('/v1/publications')
        .set(a.headers)
        .send({ voucher: 'PUB-CODE', customer: { source_id: 'pub-cust' } })
        .expect(200);
      const v = await http().get('/v1/vouchers/PUB-CODE').set(a.headers).expect(200);
      const res = await http()
        .get(v.body.publish.url as string)
        .set(a.headers)
        .expect(200);
      expect(res.body).toMatchObject({ object: 'list', data_ref: 'entries', total: 1 });
      expect(res.body.entries[0]).toMatchObject({ id: pub.body.id, object: 'publication' });
      const empty = await http().get('/v1/vouchers/HELD-1/publications').set(a.headers).expect(200);
      expect(empty.body).toMatchObject({ entries: [], total: 0 });
      await http().get('/v1/vouchers/NOPE/publications').set(a.headers).expect(404);
    });
  });
});
