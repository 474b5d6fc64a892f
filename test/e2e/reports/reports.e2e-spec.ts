jest.setTimeout(90_000);

import request from 'supertest';
import { randomBase62 } from '@app/core';
import type { RedemptionEventData, RedemptionRollbackEventData } from '@app/queue';
import { EventsService } from '@app/queue';
import { RedemptionRollupSubscriber } from '@app/reports';
import { createTestManagementKey } from '../../factories/management.factory';
import { createTestProject, TestProject } from '../../factories/project.factory';
import { markersByHandler, recordEvent, waitProcessed } from '../../utils/side-effects.helpers';
import { createTestApp, TestApp } from '../../utils/test-app';

/**
 * The redemption engine's events are recorded directly, in the shapes of
 * libs/queue/src/outbox/event-data.ts; the reports read what the rollup subscriber made of them.
 */
describe('reports: campaign summary, redemption series, top vouchers and customers (e2e)', () => {
  let t: TestApp;
  let p: TestProject;
  let campaignId: string;
  let campaignName: string;
  const http = () => request(t.app.getHttpServer());
  const get = async (path: string, status = 200) => {
    await waitProcessed(t.app, p.projectId);
    const res = await http().get(path).set(p.headers);
    expect({ status: res.status, body: res.body }).toMatchObject({ status });
    return res.body as Record<string, unknown> & Record<string, never>;
  };

  let seq = 0;
  const redemption = (
    over: Partial<RedemptionEventData['redemption']> = {},
    voucherNo = 1,
    customerNo = 1,
  ): RedemptionEventData => {
    seq++;
    return {
      redemption: {
        id: `r_rep${seq}`,
        customer_id: `cust_rep${customerNo}`,
        order_id: null,
        voucher: { id: `v_rep${voucherNo}`, code: `REP-${voucherNo}`, campaign_id: campaignId },
        related_object_type: 'voucher',
        related_object_id: `v_rep${voucherNo}`,
        related_object_parent_id: campaignId,
        amount: 0,
        date: '2026-01-10T10:15:00.000Z',
        order: { total_discount_amount: 500 },
        ...over,
      },
    };
  };
  const record = (type: Parameters<typeof recordEvent>[2], data: object) =>
    recordEvent(t.app, p.projectId, type, data);

  beforeAll(async () => {
    t = await createTestApp();
    p = await createTestProject(t.app);
    campaignName = `rep-${randomBase62(6)}`;
    const created = await http()
      .post('/v1/campaigns')
      .set(p.headers)
      .send({
        name: campaignName,
        campaign_type: 'DISCOUNT_COUPONS',
        vouchers_count: 3,
        voucher: { type: 'DISCOUNT_VOUCHER', discount: { type: 'AMOUNT', amount_off: 500 } },
      })
      .expect(200);
    campaignId = created.body.id as string;
    for (let i = 0; ; i++) {
      const c = await http().get(`/v1/campaigns/${campaignId}`).set(p.headers).expect(200);
      if (c.body.vouchers_generation_status === 'DONE') break;
      if (i > 300) throw new Error('campaign generation did not finish');
      await new Promise((r) => setTimeout(r, 50));
    }
    const cust = await http()
      .post('/v1/customers')
      .set(p.headers)
      .send({ source_id: 'rep-pub' })
      .expect(200);
    await http()
      .post('/v1/publications')
      .set(p.headers)
      .send({ campaign: { name: campaignName }, customer: { id: cust.body.id } })
      .expect(200);

    // Voucher 1: 3 successes (one with gift credits), voucher 2: 1 success; 2 failures; 1 rollback.
    const r1 = redemption({ amount: 250 }, 1, 1);
    await record('redemption.succeeded', r1);
    await record('redemption.succeeded', redemption({}, 1, 2));
    await record('redemption.succeeded', redemption({ date: '2026-01-11T08:00:00.000Z' }, 1, 2));
    await record('redemption.succeeded', redemption({}, 2, 2));
    await record(
      'redemption.failed',
      redemption({ id: 'rf_rep1', failure_code: 'voucher_expired', order: undefined }, 3, 3),
    );
    await record(
      'redemption.failed',
      redemption({ id: 'rf_rep2', failure_code: 'voucher_expired', order: undefined }, 3, 3),
    );
    const rollback: RedemptionRollbackEventData = {
      ...r1,
      redemption_rollback: {
        id: 'rr_rep1',
        redemption_id: r1.redemption.id,
        customer_id: r1.redemption.customer_id,
        order_id: null,
        amount: 250,
        date: '2026-01-12T00:30:00.000Z',
      },
    };
    await record('redemption.rollback.succeeded', rollback);
    // A stack parent counts no redemption; an event of another campaign stays out of this one.
    await record(
      'redemption.succeeded',
      redemption({ related_object_type: 'redemption', voucher: null, related_object_id: 'r_x' }),
    );
    await record(
      'redemption.succeeded',
      redemption({ voucher: { id: 'v_other', code: 'O', campaign_id: 'camp_other' } }, 9, 9),
    );
  });
  afterAll(() => t?.close());

  it('summarises a campaign by id or by name', async () => {
    const byId = await get(`/v1/campaigns/${campaignId}/summary`);
    expect(byId).toMatchObject({
      object: 'campaign_summary',
      campaign_id: campaignId,
      campaign_name: campaignName,
      start_date: null,
      codes_generated: 3,
      codes_published: 1,
      redeemed: 4,
      failed: 2,
      rolled_back: 1,
      failures_by_code: { voucher_expired: 2 },
      discount_amount: 2000,
      rolled_back_discount_amount: 500,
      gift_amount: 250,
      rolled_back_gift_amount: 250,
    });
    const byName = await get(`/v1/campaigns/${encodeURIComponent(campaignName)}/summary`);
    expect(byName).toEqual({ ...byId, end_date: byName.end_date });
  });

  it('restricts the summary to the date range', async () => {
    const body = await get(
      `/v1/campaigns/${campaignId}/summary?start_date=2026-01-11T00:00:00Z&end_date=2026-01-13T00:00:00Z`,
    );
    expect(body).toMatchObject({
      start_date: '2026-01-11T00:00:00.000Z',
      end_date: '2026-01-13T00:00:00.000Z',
      redeemed: 1,
      failed: 0,
      rolled_back: 1,
      failures_by_code: {},
      codes_generated: 0,
    });
  });

  it('needs a project key: no key and management keys get 401', async () => {
    const m = await createTestManagementKey(t.app);
    for (const path of [
      `/v1/campaigns/${campaignId}/summary`,
      '/v1/reports/redemptions',
      '/v1/reports/top-vouchers',
      '/v1/reports/top-customers',
    ]) {
      await http().get(path).expect(401);
      await http().get(path).set(m.headers).expect(401);
    }
  });

  it('answers 404 for an unknown campaign and 400 for a bad range', async () => {
    expect((await get('/v1/campaigns/camp_nope/summary', 404)).key).toBe('not_found');
    await get(
      `/v1/campaigns/${campaignId}/summary?start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z`,
      400,
    );
    await get('/v1/reports/redemptions?start_date=2024-01-01T00:00:00Z&end_date=2026-01-01T00:00:00Z', 400);
    await get('/v1/reports/redemptions?granularity=week', 400);
    await get('/v1/reports/top-vouchers?campaign=nope', 404);
  });

  it('gives a daily series with zero buckets, for the project or one campaign', async () => {
    const range = 'start_date=2026-01-09T00:00:00Z&end_date=2026-01-13T00:00:00Z';
    const project = await get(`/v1/reports/redemptions?granularity=day&${range}`);
    expect(project.data).toEqual([
      { bucket: '2026-01-09T00:00:00.000Z', succeeded: 0, failed: 0, rolled_back: 0 },
      { bucket: '2026-01-10T00:00:00.000Z', succeeded: 4, failed: 2, rolled_back: 0 },
      { bucket: '2026-01-11T00:00:00.000Z', succeeded: 1, failed: 0, rolled_back: 0 },
      { bucket: '2026-01-12T00:00:00.000Z', succeeded: 0, failed: 0, rolled_back: 1 },
    ]);
    expect(project.total).toEqual({ succeeded: 5, failed: 2, rolled_back: 1 });
    const campaign = await get(`/v1/reports/redemptions?granularity=day&campaign=${campaignName}&${range}`);
    expect(campaign.campaign_id).toBe(campaignId);
    expect(campaign.total).toEqual({ succeeded: 4, failed: 2, rolled_back: 1 });
  });

  it('gives an hourly series', async () => {
    const body = await get(
      `/v1/reports/redemptions?granularity=hour&campaign=${campaignId}&start_date=2026-01-10T09:00:00Z&end_date=2026-01-10T12:00:00Z`,
    );
    expect(body.data).toEqual([
      { bucket: '2026-01-10T09:00:00.000Z', succeeded: 0, failed: 0, rolled_back: 0 },
      { bucket: '2026-01-10T10:00:00.000Z', succeeded: 3, failed: 2, rolled_back: 0 },
      { bucket: '2026-01-10T11:00:00.000Z', succeeded: 0, failed: 0, rolled_back: 0 },
    ]);
  });

  it('ranks vouchers and customers by successful redemptions', async () => {
    const range = 'start_date=2026-01-01T00:00:00Z&end_date=2026-02-01T00:00:00Z';
    const vouchers = await get(`/v1/reports/top-vouchers?campaign=${campaignId}&${range}`);
    expect(vouchers).toMatchObject({ object: 'list', data_ref: 'vouchers' });
    expect(vouchers.data).toEqual([
      { id: 'v_rep1', label: null, redemptions: { succeeded: 3, failed: 0, rolled_back: 1 } },
      { id: 'v_rep2', label: null, redemptions: { succeeded: 1, failed: 0, rolled_back: 0 } },
      { id: 'v_rep3', label: null, redemptions: { succeeded: 0, failed: 2, rolled_back: 0 } },
    ]);
    const customers = await get(`/v1/reports/top-customers?limit=2&${range}`);
    expect(customers.data).toEqual([
      { id: 'cust_rep2', label: null, redemptions: { succeeded: 3, failed: 0, rolled_back: 0 } },
      { id: 'cust_rep1', label: null, redemptions: { succeeded: 1, failed: 0, rolled_back: 1 } },
    ]);
  });

  it('applies each event once, however often it is delivered', async () => {
    const before = await get(`/v1/campaigns/${campaignId}/summary`);
    const eventId = await record('redemption.succeeded', redemption({}, 4, 4));
    await waitProcessed(t.app, p.projectId);
    const event = await t.app.get(EventsService).find(p.projectId, eventId);
    const subscriber = t.app.get(RedemptionRollupSubscriber);
    await Promise.all([subscriber.handle(event!), subscriber.handle(event!)]);
    const after = await get(`/v1/campaigns/${campaignId}/summary`);
    expect(after.redeemed).toBe((before.redeemed as number) + 1);
    expect((await markersByHandler(t.app, p.projectId))['reports.rollup']).toBeGreaterThan(0);
  });

  it('loses no increment under concurrent events of the same hour', async () => {
    const range = 'start_date=2026-03-01T00:00:00Z&end_date=2026-03-02T00:00:00Z';
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        record(
          'redemption.failed',
          redemption(
            { id: `rf_c${i}`, date: '2026-03-01T05:00:00.000Z', failure_code: `code_${i % 2}` },
            5,
            5,
          ),
        ),
      ),
    );
    const body = await get(`/v1/reports/redemptions?granularity=day&${range}`);
    expect(body.total).toEqual({ succeeded: 0, failed: 20, rolled_back: 0 });
    const summary = await get(`/v1/campaigns/${campaignId}/summary?${range}`);
    expect(summary.failures_by_code).toEqual({ code_0: 10, code_1: 10 });
  });
});
