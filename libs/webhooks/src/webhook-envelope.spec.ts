import type { OutboxEvent } from '@app/queue';
import { buildEnvelope, signatureMatches, signBody } from './webhook-envelope';
import { nextRetryDelayMs, shouldDisable } from './retry-policy';

const event: OutboxEvent = {
  id: 'evt_1',
  projectId: 'proj_1',
  type: 'voucher.created',
  entityId: 'v_1',
  groupId: 'v-abc',
  data: { voucher: { code: 'X' } },
  source: { channel: 'API', api_key: { app_id: 'app' } },
  createdAt: new Date('2024-01-01T11:11:11.111Z'),
};

describe('webhook envelope', () => {
  it('has the contract shape', () => {
    const envelope = buildEnvelope({
      deliveryId: 'whs_1',
      deliveryCreatedAt: new Date('2024-01-01T11:11:12.000Z'),
      webhookId: 'wh_1',
      targetUrl: 'https://h.example/x',
      event,
    });
    expect(envelope).toEqual({
      id: 'whs_1',
      project_id: 'proj_1',
      created_at: '2024-01-01T11:11:12.000Z',
      type: 'voucher.created',
      data: { voucher: { code: 'X' } },
      source: { id: 'wh_1', object: 'webhook', target_url: 'https://h.example/x' },
      event: {
        id: 'evt_1',
        type: 'voucher.created',
        created_at: '2024-01-01T11:11:11.111Z',
        entity_id: 'v_1',
        group_id: 'v-abc',
        event_source: { channel: 'API', api_key: { app_id: 'app' } },
      },
    });
  });

  it('signs the exact body with hex HMAC-SHA256', () => {
    // Reference value computed independently: HMAC-SHA256(key "secret", message "{}").
    expect(signBody('{}', 'secret')).toBe(
      '77325902caca812dc259733aacd046b73817372c777b8d95b402647474516e13',
    );
    const body = JSON.stringify({ a: 1 });
    const signature = signBody(body, 'k');
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    expect(signatureMatches(body, 'k', signature)).toBe(true);
    expect(signatureMatches(`${body} `, 'k', signature)).toBe(false);
    expect(signatureMatches(body, 'other', signature)).toBe(false);
    expect(signatureMatches(body, 'k', 'zz')).toBe(false);
  });
});

describe('retry policy', () => {
  const schedule = [10, 20, 40];

  it('follows the schedule, then gives up', () => {
    expect([1, 2, 3, 4].map((a) => nextRetryDelayMs(a, schedule, false))).toEqual([
      10,
      20,
      40,
      null,
    ]);
  });

  it('never retries a manual redelivery', () => {
    expect(nextRetryDelayMs(1, schedule, true)).toBeNull();
  });

  it('disables at the limit of consecutive failures', () => {
    expect(shouldDisable(11, 12)).toBe(false);
    expect(shouldDisable(12, 12)).toBe(true);
  });
});
