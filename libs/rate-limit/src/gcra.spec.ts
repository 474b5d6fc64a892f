import { gcraBatch, gcraDecide, GcraParams, gcraStep } from './gcra';
import { LocalLimiter } from './local-limiter';
import { rateSpec } from './policy';

describe('gcraStep', () => {
  const p = { intervalUs: 1_000_000, capacity: 3, cost: 1 };

  it('admits a full burst, then one token per interval', () => {
    let tat: number | undefined;
    const now = 10_000_000;
    const results = [0, 1, 2, 3].map(() => {
      const r = gcraStep(tat, now, p);
      if (r.allowed) tat = r.newTat;
      return r;
    });
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0]);
    expect(results[3].retryAfterUs).toBe(1_000_000);
    expect(gcraStep(tat, now + 1_000_000, p).allowed).toBe(true);
  });

  it('reports the time until the bucket is full again', () => {
    const r = gcraStep(undefined, 0, p);
    expect(r.resetAfterUs).toBe(1_000_000);
    const r2 = gcraStep(r.newTat, 0, p);
    expect(r2.resetAfterUs).toBe(2_000_000);
  });

  it('charges the cost and never admits a cost above the capacity', () => {
    expect(gcraStep(undefined, 0, { ...p, cost: 3 }).remaining).toBe(0);
    expect(gcraStep(undefined, 0, { ...p, cost: 4 }).allowed).toBe(false);
  });

  it('peeks without consuming when the cost is 0', () => {
    const r = gcraStep(undefined, 0, { ...p, cost: 0 });
    expect(r.allowed).toBe(true);
    expect(r.newTat).toBe(0);
    expect(r.remaining).toBe(3);
  });

  it('admits at most capacity + elapsed/interval over any stretch of time', () => {
    let tat: number | undefined;
    let admitted = 0;
    for (let now = 0; now <= 10_000_000; now += 50_000) {
      const r = gcraStep(tat, now, p);
      if (r.allowed) {
        admitted++;
        tat = r.newTat;
      }
    }
    expect(admitted).toBe(3 + 10);
  });
});

describe('gcraBatch (what the batch script evaluates in one Redis call)', () => {
  const p: GcraParams = { intervalUs: 1_000_000, capacity: 3, cost: 1 };
  const now = 50_000_000;

  it('lets a later decision see the TAT an earlier one stored: N decisions on one key admit the budget', () => {
    const tats = new Map<string, number>();
    const batch = Array.from({ length: 200 }, () => ({
      keys: ['k'],
      params: [{ ...p, capacity: 50 }],
    }));
    const results = gcraBatch(tats, now, batch);
    expect(results.filter((r) => r.allowed)).toHaveLength(50);
    // In order: the first 50 pass, every later one is denied.
    expect(results.slice(0, 50).every((r) => r.allowed)).toBe(true);
    expect(results[49].results[0].remaining).toBe(0);
    expect(tats.get('k')).toBe(now + 50 * 1_000_000);
  });

  it('decides exactly as the same decisions made one by one at the same instant', () => {
    const local = new LocalLimiter(100);
    const total = rateSpec('project', 't', 60, 60, 4, 1);
    const read = rateSpec('read', 't:read', 60, 60, 2, 1);
    const bulk = rateSpec('bulk', 't:bulk', 60, 60, 1, 2);
    const sequence = [[total, read], [total, bulk], [total, read], [total, read], [total], [total]];
    const oneByOne = sequence.map((specs) => local.consume(specs, now));
    const batched = gcraBatch(
      new Map(),
      now,
      sequence.map((specs) => ({ keys: specs.map((s) => s.key), params: specs })),
    );
    expect(batched.map((d) => d.allowed)).toEqual(oneByOne.map((d) => d.allowed));
    expect(batched.map((d) => d.results.map((r) => r.remaining))).toEqual(
      oneByOne.map((d) => d.states.map((s) => s.remaining)),
    );
    expect(
      batched.map((d, i) => (d.deniedIndex < 0 ? null : sequence[i][d.deniedIndex].name)),
    ).toEqual(oneByOne.map((d) => (d.deniedBy ? d.deniedBy.name : null)));
  });

  it('keeps each decision all-or-nothing: a denied decision stores nothing for any of its keys', () => {
    const tats = new Map<string, number>();
    const [first, second, third] = gcraBatch(tats, now, [
      { keys: ['total', 'cls'], params: [p, { ...p, capacity: 1 }] },
      { keys: ['total', 'cls'], params: [p, { ...p, capacity: 1 }] },
      { keys: ['total'], params: [p] },
    ]);
    expect(first.allowed).toBe(true);
    expect(second.allowed).toBe(false);
    expect(second.deniedIndex).toBe(1);
    // The denied decision took nothing from the total: the third sees 2 tokens, keeps 1.
    expect(third.allowed).toBe(true);
    expect(third.results[0].remaining).toBe(1);
  });

  it('keeps decisions on different keys independent', () => {
    const tats = new Map<string, number>();
    const batch = ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b'].map((key) => ({
      keys: [key],
      params: [p],
    }));
    const allowed = gcraBatch(tats, now, batch).map((d) => d.allowed);
    expect(allowed).toEqual([true, true, true, true, true, true, false, false]);
  });

  it('peeks (cost 0) without storing, so dry runs in a batch change nothing', () => {
    const tats = new Map<string, number>([['k', now + 2_000_000]]);
    const results = gcraBatch(tats, now, [
      { keys: ['k'], params: [{ ...p, cost: 0 }] },
      { keys: ['k'], params: [{ ...p, cost: 0 }] },
    ]);
    expect(results.map((r) => r.results[0].remaining)).toEqual([1, 1]);
    expect(tats.get('k')).toBe(now + 2_000_000);
  });

  it('a batch of one is one decision', () => {
    const tats = new Map<string, number>([['k', now + 2_500_000]]);
    const [batched] = gcraBatch(tats, now, [{ keys: ['k'], params: [{ ...p, cost: 2 }] }]);
    expect(batched).toEqual(gcraDecide([now + 2_500_000], now, [{ ...p, cost: 2 }]));
    expect(batched.allowed).toBe(false);
  });
});
