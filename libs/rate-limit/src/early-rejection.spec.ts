import { EarlyRejection } from './rate-limit.errors';

describe('EarlyRejection body', () => {
  it('renders the contract body around the request id, as JSON.stringify would', () => {
    const r = new EarlyRejection(
      429,
      'project',
      7,
      {},
      'Rate limit "project" exceeded; retry after 7 s',
    );
    for (const id of ['v-0001', 'weird "id" \\ with quotes', '\u0000'])
      expect(r.body(id)).toBe(
        JSON.stringify({
          code: 429,
          key: 'too_many_requests',
          message: 'Too many requests hit the API too quickly.',
          details: 'Rate limit "project" exceeded; retry after 7 s',
          request_id: id,
          limit: 'project',
          retry_after: 7,
        }),
      );
  });

  it('says service_unavailable for a 503', () => {
    const body = JSON.parse(new EarlyRejection(503, 'overload', 2, {}, 'shedding').body('v-1'));
    expect(body).toMatchObject({ code: 503, key: 'service_unavailable', request_id: 'v-1' });
  });
});
