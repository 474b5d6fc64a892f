import request from 'supertest';
import { VoucherifyServerSide } from '@voucherify/sdk';
import { createTestProject, TestProject } from '../factories/project.factory';
import { createTestApp, TestApp } from '../utils/test-app';

const RULES = {
  '1': { name: 'order.amount', conditions: { $more_than: [1000] }, rules: {} },
  '2': {
    name: 'customer.metadata',
    property: 'tier',
    conditions: { $is: ['VIP'] },
    rules: {},
    error: { message: 'VIP only' },
  },
  logic: '1 and 2',
};

describe('validation rules over HTTP (e2e)', () => {
  let t: TestApp;
  let a: TestProject;
  const http = () => request(t.app.getHttpServer());
  const createRule = async (body: object = { name: 'r', rules: RULES }) => {
    const res = await http().post('/v1/validation-rules').set(a.headers).send(body);
    expect(res.status).toBe(200);
    return res.body as { id: string };
  };

  beforeAll(async () => {
    t = await createTestApp();
    a = await createTestProject(t.app);
  });
  afterAll(() => t.close());

  it('creates, reads, updates, lists and deletes a rule', async () => {
    const created = await http()
      .post('/v1/validation-rules')
      .set(a.headers)
      .send({ name: 'VIP over 10', rules: RULES, error: { message: 'Not eligible' } })
      .expect(200);
    expect(created.body).toMatchObject({
      name: 'VIP over 10',
      rules: RULES,
      error: { message: 'Not eligible' },
      applicable_to: { included_all: false, included: [], excluded: [] },
      type: 'expression',
      context_type: 'global',
      updated_at: null,
      object: 'validation_rules',
    });
    expect(created.body.id).toMatch(/^val_/);
    expect(new Date(created.body.created_at).toISOString()).toBe(created.body.created_at);

    const id = created.body.id as string;
    expect(
      (await http().get(`/v1/validation-rules/${id}`).set(a.headers).expect(200)).body,
    ).toEqual(created.body);

    const updated = await http()
      .put(`/v1/validation-rules/${id}`)
      .set(a.headers)
      .send({ name: 'renamed' })
      .expect(200);
    expect(updated.body).toMatchObject({
      id,
      name: 'renamed',
      rules: RULES,
      error: { message: 'Not eligible' },
    });
    expect(updated.body.updated_at).not.toBeNull();

    const list = await http().get('/v1/validation-rules?limit=100').set(a.headers).expect(200);
    expect(list.body).toMatchObject({ object: 'list', data_ref: 'data' });
    expect(list.body.data.map((r: { id: string }) => r.id)).toContain(id);
    expect(list.body.total).toBeGreaterThanOrEqual(1);

    await http().delete(`/v1/validation-rules/${id}`).set(a.headers).expect(204);
    const gone = await http().get(`/v1/validation-rules/${id}`).set(a.headers).expect(404);
    expect(gone.body).toMatchObject({
      key: 'not_found',
      resource_type: 'validation_rules',
      resource_id: id,
    });
    await http().delete(`/v1/validation-rules/${id}`).set(a.headers).expect(404);
  });

  it.each([
    [
      { '1': { name: 'order.wat', conditions: { $is: [1] } }, logic: '1' },
      'unknown rule name order.wat',
    ],
    [
      { '1': { name: 'order.amount', conditions: { $nope: [1] } }, logic: '1' },
      'unknown operator $nope in rule order.amount',
    ],
    [
      { '1': { name: 'order.amount', conditions: { $is: [1] } }, logic: '1 and (2' },
      '.rules.logic',
    ],
    [
      { '1': { name: 'order.amount', conditions: { $is: [1] } }, logic: '1 or 3' },
      'rule 3, which is not defined',
    ],
  ])('refuses invalid rules with 400 naming the rule (%#)', async (rules, detail) => {
    const res = await http()
      .post('/v1/validation-rules')
      .set(a.headers)
      .send({ name: 'bad', rules });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 400, key: 'invalid_payload' });
    expect(res.body.details).toContain(detail);
  });

  it('refuses a rule without a name, and an invalid update leaves the rule unchanged', async () => {
    const noName = await http().post('/v1/validation-rules').set(a.headers).send({ rules: RULES });
    expect(noName.status).toBe(400);
    expect(noName.body.details).toContain('.name');

    const { id } = await createRule();
    const bad = await http()
      .put(`/v1/validation-rules/${id}`)
      .set(a.headers)
      .send({
        rules: { '1': { name: 'order.amount', conditions: { $between: [1] } }, logic: '1' },
      });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toContain('$between');
    const after = await http().get(`/v1/validation-rules/${id}`).set(a.headers).expect(200);
    expect(after.body.rules).toEqual(RULES);
    expect(after.body.updated_at).toBeNull();
  });

  it('pages and orders the list', async () => {
    const p = await createTestProject(t.app);
    for (const name of ['b', 'a', 'c']) {
      await http().post('/v1/validation-rules').set(p.headers).send({ name }).expect(200);
    }
    const page = await http()
      .get('/v1/validation-rules?limit=2&page=2&order=name')
      .set(p.headers)
      .expect(200);
    expect(page.body.total).toBe(3);
    expect(page.body.data.map((r: { name: string }) => r.name)).toEqual(['c']);
    await http().get('/v1/validation-rules?order=bogus').set(p.headers).expect(400);
    await http().get('/v1/validation-rules?limit=101').set(p.headers).expect(400);
  });

  describe('assignments', () => {
    it('creates with the spec shape, refuses duplicates, replaces with force, lists and deletes', async () => {
      const { id } = await createRule();
      const body = { related_object_type: 'voucher', related_object_id: 'v_abc' };
      const first = await http()
        .post(`/v1/validation-rules/${id}/assignments`)
        .set(a.headers)
        .send(body)
        .expect(200);
      expect(first.body).toMatchObject({
        rule_id: id,
        related_object_type: 'voucher',
        related_object_id: 'v_abc',
        object: 'validation_rules_assignment',
      });
      expect(first.body.id).toMatch(/^asgm_/);

      const dup = await http()
        .post(`/v1/validation-rules/${id}/assignments`)
        .set(a.headers)
        .send(body);
      expect(dup.status).toBe(409);
      expect(dup.body).toMatchObject({ key: 'duplicate_found', resource_id: first.body.id });

      const forced = await http()
        .post(`/v1/validation-rules/${id}/assignments?force=true`)
        .set(a.headers)
        .send(body)
        .expect(200);
      expect(forced.body.id).not.toBe(first.body.id);

      await http()
        .post(`/v1/validation-rules/${id}/assignments`)
        .set(a.headers)
        .send({ related_object_type: 'campaign', related_object_id: 'camp_x' })
        .expect(200);

      const listed = await http()
        .get(`/v1/validation-rules/${id}/assignments`)
        .set(a.headers)
        .expect(200);
      expect(listed.body).toMatchObject({ object: 'list', data_ref: 'data', total: 2 });
      expect(listed.body.data.map((x: { id: string }) => x.id)).toContain(forced.body.id);

      const byObject = await http()
        .get(`/v1/validation-rules-assignments?related_object_id=v_abc&rule=${id}`)
        .set(a.headers)
        .expect(200);
      expect(byObject.body.data).toEqual([forced.body]);

      await http()
        .delete(`/v1/validation-rules/${id}/assignments/${forced.body.id}`)
        .set(a.headers)
        .expect(204);
      await http()
        .delete(`/v1/validation-rules/${id}/assignments/${forced.body.id}`)
        .set(a.headers)
        .expect(404);
      const after = await http()
        .get(`/v1/validation-rules/${id}/assignments`)
        .set(a.headers)
        .expect(200);
      expect(after.body.total).toBe(1);
    });

    it('deleting a rule deletes its assignments', async () => {
      const { id } = await createRule();
      await http()
        .post(`/v1/validation-rules/${id}/assignments`)
        .set(a.headers)
        .send({ related_object_type: 'voucher', related_object_id: 'v_cascade' })
        .expect(200);
      await http().delete(`/v1/validation-rules/${id}`).set(a.headers).expect(204);
      const left = await http()
        .get('/v1/validation-rules-assignments?related_object_id=v_cascade')
        .set(a.headers)
        .expect(200);
      expect(left.body.total).toBe(0);
    });

    it('accepts {promotion_tier} and refuses bodies with no or several shapes', async () => {
      const { id } = await createRule();
      const tier = await http()
        .post(`/v1/validation-rules/${id}/assignments`)
        .set(a.headers)
        .send({ promotion_tier: 'promo_1' })
        .expect(200);
      expect(tier.body).toMatchObject({
        related_object_type: 'promotion_tier',
        related_object_id: 'promo_1',
      });
      for (const body of [
        {},
        { related_object_type: 'voucher' },
        { voucher: 'X', campaign: 'Y' },
        { voucher: 'X', related_object_type: 'voucher', related_object_id: 'v_1' },
        { related_object_type: 'planet', related_object_id: 'p' },
      ]) {
        const res = await http()
          .post(`/v1/validation-rules/${id}/assignments`)
          .set(a.headers)
          .send(body);
        expect(res.status).toBe(400);
        expect(res.body.key).toBe('invalid_payload');
      }
    });

    it('the SDK shape naming a voucher code this project lacks is a 404 for the voucher', async () => {
      const { id } = await createRule();
      const res = await http()
        .post(`/v1/validation-rules/${id}/assignments`)
        .set(a.headers)
        .send({ voucher: 'NO-SUCH-CODE' });
      expect(res.status).toBe(404);
      expect(res.body.resource_type).toBe('voucher');
    });

    it('404 for an unknown rule', async () => {
      const res = await http()
        .post('/v1/validation-rules/val_nope/assignments')
        .set(a.headers)
        .send({ related_object_type: 'voucher', related_object_id: 'v_1' });
      expect(res.status).toBe(404);
      expect(res.body.resource_type).toBe('validation_rules');
      await http().get('/v1/validation-rules/val_nope/assignments').set(a.headers).expect(404);
    });

    it('concurrent identical assignments: exactly one wins, the rest are 409', async () => {
      const { id } = await createRule();
      const body = { related_object_type: 'voucher', related_object_id: 'v_race' };
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          http().post(`/v1/validation-rules/${id}/assignments`).set(a.headers).send(body),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(409)]);
      const listed = await http()
        .get(`/v1/validation-rules-assignments?related_object_id=v_race`)
        .set(a.headers)
        .expect(200);
      expect(listed.body.total).toBe(1);
    });
  });
});

describe('validation rules through the SDK, with the vouchers module resolving codes (e2e)', () => {
  let t: TestApp;
  let a: TestProject;
  let client: ReturnType<typeof VoucherifyServerSide>;
  let voucherId: string;
  let campaignId: string;

  beforeAll(async () => {
    t = await createTestApp({ listen: true });
    a = await createTestProject(t.app);
    client = VoucherifyServerSide({ applicationId: a.appId, secretKey: a.appToken, apiUrl: t.url });
    voucherId = (
      await client.vouchers.create({
        code: 'SUMMER10',
        type: 'DISCOUNT_VOUCHER',
        discount: { type: 'AMOUNT' as never, amount_off: 100 },
      })
    ).id!;
    campaignId = (
      await client.campaigns.create({
        name: 'Camp',
        campaign_type: 'DISCOUNT_COUPONS',
        vouchers_count: 0,
        voucher: {
          type: 'DISCOUNT_VOUCHER',
          discount: { type: 'PERCENT' as never, percent_off: 5 },
        },
      } as never)
    ).id;
  });
  afterAll(() => t.close());

  it('create / get / update / list / delete (contract row 37)', async () => {
    const rule = await client.validationRules.create({
      name: 'r',
      rules: {
        1: { name: 'order.amount', conditions: { $more_than: [1000] }, rules: {} },
        logic: '1',
      },
    });
    expect(rule).toMatchObject({ name: 'r', object: 'validation_rules' });
    expect(rule.rules).toEqual({
      '1': { name: 'order.amount', conditions: { $more_than: [1000] }, rules: {} },
      logic: '1',
    });
    expect(await client.validationRules.get(rule.id)).toMatchObject({ id: rule.id, name: 'r' });
    const updated = await client.validationRules.update({ id: rule.id, error: { message: 'm' } });
    expect(updated).toMatchObject({ id: rule.id, error: { message: 'm' } });
    const list = await client.validationRules.list({ limit: 10, page: 1 });
    expect(list).toMatchObject({ object: 'list', data_ref: 'data' });
    expect(list.data.map((r) => r.id)).toContain(rule.id);
    await client.validationRules.delete(rule.id);
    await expect(client.validationRules.get(rule.id)).rejects.toMatchObject({
      code: 404,
      key: 'not_found',
    });
  });

  it('a bad rule rejects with the contract error', async () => {
    await expect(
      client.validationRules.create({
        name: 'x',
        rules: { 1: { name: 'nope', conditions: { $is: [1] } }, logic: '1' },
      }),
    ).rejects.toMatchObject({ code: 400, key: 'invalid_payload' });
  });

  it('assignments: SDK shape (row 38) and spec shape, list, delete', async () => {
    const rule = await client.validationRules.create({ name: 'a', rules: {} });
    const byCode = await client.validationRules.createAssignment(rule.id, { voucher: 'SUMMER10' });
    expect(byCode).toMatchObject({
      rule_id: rule.id,
      related_object_type: 'voucher',
      related_object_id: voucherId,
    });
    const byName = await client.validationRules.createAssignment(rule.id, { campaign: 'Camp' });
    expect(byName).toMatchObject({
      related_object_type: 'campaign',
      related_object_id: campaignId,
    });
    await expect(
      client.validationRules.createAssignment(rule.id, { campaign: 'Nope' }),
    ).rejects.toMatchObject({
      code: 404,
      resource_type: 'campaign',
    });
    // The SDK's type only knows the old shape; the spec shape goes through unchanged.
    const spec = await client.validationRules.createAssignment(rule.id, {
      related_object_type: 'promotion_tier',
      related_object_id: 'promo_9',
    } as unknown as { promotion_tier: string });
    expect(spec).toMatchObject({
      related_object_type: 'promotion_tier',
      related_object_id: 'promo_9',
    });

    const listed = await client.validationRules.listAssignments(rule.id, { limit: 10 });
    expect(listed).toMatchObject({ object: 'list', data_ref: 'data', total: 3 });
    const byObject = await client.validationRules.listRulesAssignments({
      related_object_id: voucherId,
    });
    expect(byObject.data.map((x) => x.id)).toEqual([byCode.id]);

    await client.validationRules.deleteAssignment(rule.id, byCode.id);
    expect((await client.validationRules.listAssignments(rule.id)).total).toBe(2);
  });
});
