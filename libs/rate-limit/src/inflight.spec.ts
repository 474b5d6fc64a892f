import { InflightCounter } from './inflight';

describe('InflightCounter', () => {
  it('reserves a share of the slots for critical routes', () => {
    const c = new InflightCounter(100, 20);
    const admitted = Array.from({ length: 10 }, () => c.tryAcquire('p', 'read', 10)).filter(
      Boolean,
    ).length;
    expect(admitted).toBe(8);
    expect(c.tryAcquire('p', 'critical', 10)).toBe(true);
    expect(c.tryAcquire('p', 'critical', 10)).toBe(true);
    expect(c.tryAcquire('p', 'critical', 10)).toBe(false);
    expect(c.byClass).toMatchObject({ read: 8, critical: 2 });
  });

  it('frees a slot on release and forgets idle projects', () => {
    const c = new InflightCounter(100, 20);
    c.tryAcquire('p', 'write', 1);
    expect(c.tryAcquire('p', 'write', 1)).toBe(false);
    c.release('p', 'write');
    expect(c.projects).toBe(0);
    expect(c.tryAcquire('p', 'write', 1)).toBe(true);
  });

  it('never tracks more projects than its cap', () => {
    const c = new InflightCounter(16, 20);
    for (let i = 0; i < 1000; i++) c.tryAcquire(`p${i}`, 'read', 10);
    expect(c.projects).toBe(16);
  });
});
