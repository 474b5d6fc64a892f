jest.setTimeout(60_000);

import request from 'supertest';
import { DataSource } from 'typeorm';
import { signatureMatches } from '@app/webhooks';
import { createTestProject, TestProject } from '../factories/project.factory';
import { EventsProbeModule } from '../utils/events-probe.module';
import { createIsolatedDatabase, IsolatedDatabase, isolatedEnv } from '../utils/isolated-database';
import { createTestApp, TestApp } from '../utils/test-app';
import { sleep, waitFor } from '../utils/wait-for';
import { WebhookReceiver } from '../utils/webhook-receiver';

interface Delivery {
  id: string;
  status: string;
  attempts: number;
  response_status: number | null;
  error: string | null;
  duration_ms: number | null;
  event_id: string;
}

describe('webhooks: endpoints, signed delivery, retries (e2e, real Postgres, Redis and receivers)', () => {
  let db: IsolatedDatabase;
  let t: TestApp;
  const receivers: WebhookReceiver[] = [];
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    db = await createIsolatedDatabase();
    t = await createTestApp({
      imports: [EventsProbeModule],
      env: {
        ...isolatedEnv(db),
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        WEBHOOK_RETRY_SCHEDULE_MS: '250,250,250,250,250,250',
        WEBHOOK_DISABLE_AFTER_FAILURES: '4',
        WEBHOOK_TIMEOUT_MS: '3000',
      },
    });
  });

  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.stop()));
    await t?.close();
    await db?.drop();
  });

  const receiver = async () => {
    const r = await new WebhookReceiver().start();
    receivers.push(r);
    return r;
  };

  const createWebhook = async (p: TestProject, targetUrl: string, events: string[]) => {
    const res = await http()
      .post('/v1/webhooks')
      .set(p.headers)
      .send({ target_url: targetUrl, events });
    expect(res.status).toBe(200);
    return res.body as { id: string; secret: string };
  };

  const record = async (p: TestProject, type: string, count = 1, rollback = false) =>
    http().post('/v1/probe/events').set(p.headers).send({ type, count, rollback });

  const deliveries = async (p: TestProject, webhookId: string): Promise<Delivery[]> => {
    const res = await http()
      .get(`/v1/webhooks/${webhookId}/deliveries?limit=100`)
      .set(p.headers)
      .expect(200);
    return res.body.deliveries as Delivery[];
  };

  it('manages endpoints: create, get, list, update, rotate the secret, delete', async () => {
    const p = await createTestProject(t.app);
    const created = await http()
      .post('/v1/webhooks')
      .set(p.headers)
      .send({ target_url: 'https://hooks.example.invalid/a', events: ['customer.created'] })
      .expect(200);
    expect(created.body).toMatchObject({
      object: 'webhook',
      target_url: 'https://hooks.example.invalid/a',
      events: ['customer.created'],
      active: true,
      consecutive_failures: 0,
    });
    expect(created.body.id).toMatch(/^wh_/);
    expect(created.body.secret).toMatch(/^whsec_/);
    const id = created.body.id as string;

    const got = await http().get(`/v1/webhooks/${id}`).set(p.headers).expect(200);
    expect(got.body.secret).toBeUndefined();
    expect(got.body.secret_hint).toBe(`…${(created.body.secret as string).slice(-4)}`);

    const list = await http().get('/v1/webhooks').set(p.headers).expect(200);
    expect(list.body).toMatchObject({ object: 'list', data_ref: 'webhooks', total: 1 });
    expect(list.body.webhooks[0].id).toBe(id);

    const updated = await http()
      .put(`/v1/webhooks/${id}`)
      .set(p.headers)
      .send({ events: ['voucher.created', '*'], target_url: 'http://hooks.example.invalid/b' })
      .expect(200);
    expect(updated.body).toMatchObject({
      events: ['*'],
      target_url: 'http://hooks.example.invalid/b',
    });

    const rotated = await http()
      .post(`/v1/webhooks/${id}/rotate-secret`)
      .set(p.headers)
      .expect(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);

    await http().delete(`/v1/webhooks/${id}`).set(p.headers).expect(204);
    await http().get(`/v1/webhooks/${id}`).set(p.headers).expect(404);
  });

  it('rejects target URLs with other schemes and unknown event types', async () => {
    const p = await createTestProject(t.app);
    for (const target_url of ['ftp://example.com/x', 'file:///etc/passwd', 'not a url']) {
      const res = await http()
        .post('/v1/webhooks')
        .set(p.headers)
        .send({ target_url, events: ['*'] });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ key: 'invalid_payload' });
      expect(res.body.details).toMatch(/target_url/);
    }
    const res = await http()
      .post('/v1/webhooks')
      .set(p.headers)
      .send({ target_url: 'https://example.com/x', events: ['voucher.exploded'] });
    expect(res.status).toBe(400);
    expect(res.body.details).toMatch(/voucher\.exploded/);
  });

  it('delivers committed events once each, signed, to subscribed endpoints only', async () => {
    const p = await createTestProject(t.app);
    const r = await receiver();
    const hook = await createWebhook(p, r.url, ['customer.created']);
    const res = await record(p, 'customer.created', 5);
    expect(res.status).toBe(200);
    const eventIds = res.body.event_ids as string[];
    await record(p, 'voucher.created', 2).then((x) => expect(x.status).toBe(200));

    await waitFor(() => r.received.length >= 5, '5 webhooks');
    await sleep(800); // room for any duplicate to show up
    expect(r.received).toHaveLength(5);
    expect([...r.byEvent().keys()].sort()).toEqual([...eventIds].sort());
    for (const got of r.received) {
      expect(signatureMatches(got.body, hook.secret, got.signature)).toBe(true);
      expect(got.json).toMatchObject({
        project_id: p.projectId,
        type: 'customer.created',
        source: { id: hook.id, object: 'webhook', target_url: r.url },
        event: { type: 'customer.created', event_source: { channel: 'API' } },
      });
      expect(got.json.id).toMatch(/^whs_/);
      expect(got.json.event.entity_id).toMatch(/^ent_/);
    }

    const log = await deliveries(p, hook.id);
    expect(log).toHaveLength(5);
    for (const d of log) {
      expect(d).toMatchObject({ status: 'succeeded', attempts: 1, response_status: 200 });
      expect(typeof d.duration_ms).toBe('number');
    }
  });

  it('delivers nothing from a transaction that rolled back', async () => {
    const p = await createTestProject(t.app);
    const r = await receiver();
    await createWebhook(p, r.url, ['*']);
    const res = await record(p, 'customer.created', 3, true);
    expect(res.status).toBe(400);
    const [{ n }] = await t.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM events WHERE project_id = $1`, [p.projectId]);
    expect(n).toBe(0);
    // A committed event after it arrives, so the pipeline was live while nothing else came.
    const ok = await record(p, 'customer.updated', 1);
    await waitFor(() => r.received.length >= 1, 'the committed webhook');
    await sleep(300);
    expect(r.received.map((x) => x.json.event.id)).toEqual(ok.body.event_ids);
  });

  it('retries on schedule until a receiver that was down comes back', async () => {
    const p = await createTestProject(t.app);
    const r = await receiver();
    await r.stop(); // connection refused from now on
    const hook = await createWebhook(p, r.url, ['*']);
    const { body } = await record(p, 'redemption.succeeded');
    await waitFor(
      async () => (await deliveries(p, hook.id))[0]?.attempts >= 2,
      'two failed attempts',
    );
    const failing = (await deliveries(p, hook.id))[0];
    expect(failing.status).toBe('retrying');
    await r.start(); // same port
    await waitFor(() => r.received.length >= 1, 'the retried webhook');
    expect(r.received[0].json.event.id).toBe(body.event_ids[0]);
    expect(signatureMatches(r.received[0].body, hook.secret, r.received[0].signature)).toBe(true);
    const done = await waitFor(async () => {
      const [d] = await deliveries(p, hook.id);
      return d.status === 'succeeded' ? d : null;
    }, 'delivery succeeded');
    expect(done.attempts).toBeGreaterThanOrEqual(3);
    const endpoint = await http().get(`/v1/webhooks/${hook.id}`).set(p.headers).expect(200);
    expect(endpoint.body).toMatchObject({ active: true, consecutive_failures: 0 });
  });

  it('disables an endpoint after N consecutive failed attempts and can re-enable it', async () => {
    const p = await createTestProject(t.app);
    const r = await receiver();
    r.mode = 'fail';
    const hook = await createWebhook(p, r.url, ['*']);
    await record(p, 'voucher.updated', 2);
    const disabled = await waitFor(async () => {
      const res = await http().get(`/v1/webhooks/${hook.id}`).set(p.headers);
      return res.body.active === false ? res.body : null;
    }, 'the endpoint disabled');
    expect(disabled.disabled_reason).toMatch(/consecutive failed/);
    expect(disabled.consecutive_failures).toBeGreaterThanOrEqual(4);
    await waitFor(
      async () => (await deliveries(p, hook.id)).every((d) => d.status === 'failed'),
      'every delivery failed',
    );

    const enabled = await http()
      .put(`/v1/webhooks/${hook.id}`)
      .set(p.headers)
      .send({ active: true })
      .expect(200);
    expect(enabled.body).toMatchObject({
      active: true,
      consecutive_failures: 0,
      disabled_reason: null,
    });
  });

  it('redelivers a delivery on request, with the same envelope id', async () => {
    const p = await createTestProject(t.app);
    const r = await receiver();
    const hook = await createWebhook(p, r.url, ['*']);
    await record(p, 'publication.succeeded');
    const delivery = await waitFor(async () => {
      const [d] = await deliveries(p, hook.id);
      return d?.status === 'succeeded' ? d : null;
    }, 'the first delivery');
    const res = await http()
      .post(`/v1/webhooks/${hook.id}/deliveries/${delivery.id}/redeliver`)
      .set(p.headers)
      .expect(202);
    expect(res.body).toMatchObject({ id: delivery.id, status: 'pending' });
    await waitFor(() => r.received.length >= 2, 'the redelivery');
    expect(r.received[1].json.id).toBe(r.received[0].json.id);
    const [after] = await deliveries(p, hook.id);
    expect(after).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('never follows a redirect: a 3xx is a failed attempt', async () => {
    const p = await createTestProject(t.app);
    const target = await receiver();
    const elsewhere = await receiver();
    target.mode = 'redirect';
    target.redirectTo = elsewhere.url;
    const hook = await createWebhook(p, target.url, ['*']);
    await record(p, 'voucher.deleted');
    const attempt = await waitFor(async () => {
      const [d] = await deliveries(p, hook.id);
      return d && d.attempts >= 1 ? d : null;
    }, 'the first attempt');
    expect(attempt).toMatchObject({ status: 'retrying', response_status: 302 });
    expect(attempt.error).toMatch(/redirect/);
    await sleep(300);
    expect(elsewhere.received).toHaveLength(0);
    target.mode = 'ok';
  });

  it('a hanging receiver never slows API requests', async () => {
    const p = await createTestProject(t.app);
    const r = await receiver();
    r.mode = 'hang'; // accepts, reads, never answers: every attempt waits the full 3 s timeout
    for (let i = 0; i < 5; i++) await createWebhook(p, r.url, ['*']);
    await record(p, 'customer.created', 2);
    await sleep(600); // deliveries are now in flight, blocked on the receiver

    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = Date.now();
      const res = await record(p, 'customer.created');
      latencies.push(Date.now() - started);
      expect(res.status).toBe(200);
    }
    const [{ inflight }] = await t.app.get(DataSource).query(
      `SELECT count(*)::int AS inflight FROM webhook_deliveries
          WHERE project_id = $1 AND status <> 'succeeded'`,
      [p.projectId],
    );
    expect(inflight).toBeGreaterThan(0);
    expect(r.received).toHaveLength(0);
    // Synchronous delivery would cost >= 3000 ms per request (the receiver timeout).
    expect(Math.max(...latencies)).toBeLessThan(1_500);
    r.mode = 'ok';
  });
});
