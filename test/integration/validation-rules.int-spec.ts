import { randomBase62 } from '@app/core';
import { evaluateRuleSets, ValidationRulesService } from '@app/validations';
import { createTestApp, TestApp } from '../utils/test-app';

describe('ValidationRulesService.rulesFor on real Postgres (integration)', () => {
  let t: TestApp;
  let rules: ValidationRulesService;
  const projectId = `proj_int_${randomBase62(8)}`;
  const otherProject = `proj_int_${randomBase62(8)}`;

  beforeAll(async () => {
    t = await createTestApp();
    rules = t.app.get(ValidationRulesService);
  });
  afterAll(() => t.close());

  it('returns the compiled rule sets of a voucher and its campaign, once each, never from another project', async () => {
    const minAmount = await rules.create(projectId, {
      name: 'min amount',
      rules: {
        '1': { name: 'order.amount', conditions: { $more_than_equal: [5000] } },
        logic: '1',
      },
      error: { message: 'Spend 50 or more' },
    });
    const vip = await rules.create(projectId, {
      name: 'vip',
      rules: {
        '1': { name: 'customer.metadata', property: 'tier', conditions: { $is: ['VIP'] } },
        logic: '1',
      },
    });
    const unrelated = await rules.create(projectId, { name: 'other', rules: {} });
    await rules.createAssignment(projectId, minAmount.id, {
      related_object_type: 'voucher',
      related_object_id: 'v_1',
    });
    await rules.createAssignment(projectId, vip.id, {
      related_object_type: 'campaign',
      related_object_id: 'camp_1',
    });
    // The same rule on both objects is evaluated once.
    await rules.createAssignment(projectId, minAmount.id, {
      related_object_type: 'campaign',
      related_object_id: 'camp_1',
    });
    await rules.createAssignment(projectId, unrelated.id, {
      related_object_type: 'voucher',
      related_object_id: 'v_2',
    });
    // Same object id in another project: never returned.
    const foreign = await rules.create(otherProject, { name: 'foreign', rules: {} });
    await rules.createAssignment(otherProject, foreign.id, {
      related_object_type: 'voucher',
      related_object_id: 'v_1',
    });

    const sets = await rules.rulesFor(projectId, [
      { type: 'voucher', id: 'v_1' },
      { type: 'campaign', id: 'camp_1' },
    ]);
    expect(sets.map((s) => s.ruleId).sort()).toEqual([minAmount.id, vip.id].sort());

    const low = evaluateRuleSets(sets, {
      order: { amount: 100 },
      customer: { metadata: { tier: 'VIP' } },
    });
    expect(low).toMatchObject({
      passed: false,
      failed: { ruleId: minAmount.id },
      violation: { key: 'order_rules_violated', errorMessage: 'Spend 50 or more' },
    });
    const notVip = evaluateRuleSets(sets, { order: { amount: 9000 }, customer: { metadata: {} } });
    expect(notVip).toMatchObject({ passed: false, violation: { key: 'customer_rules_violated' } });
    expect(
      evaluateRuleSets(sets, { order: { amount: 9000 }, customer: { metadata: { tier: 'VIP' } } })
        .passed,
    ).toBe(true);

    expect(await rules.rulesFor(projectId, [])).toEqual([]);
    expect(await rules.rulesFor(projectId, [{ type: 'voucher', id: 'v_none' }])).toEqual([]);
  });
});
