import { gcraStep } from './gcra';

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
