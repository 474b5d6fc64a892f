import { LimitedProjects } from './limited-projects';

describe('LimitedProjects', () => {
  const t0 = 1_800_000_000_000;

  it('ranks projects by rejections within the window', () => {
    const l = new LimitedProjects(100, 60_000);
    for (let i = 0; i < 5; i++) l.record('p_a', 'limited', t0);
    l.record('p_b', 'concurrency_limited', t0);
    l.record('p_b', 'blocked_early', t0, { until: t0 + 30_000, limitName: 'project' });
    const top = l.top(10, t0 + 1);
    expect(top.map((p) => [p.projectId, p.total])).toEqual([
      ['p_a', 5],
      ['p_b', 2],
    ]);
    expect(top[1]).toMatchObject({
      concurrencyLimited: 1,
      blockedEarly: 1,
      blockedUntil: t0 + 30_000,
      limitName: 'project',
    });
    expect(l.top(1, t0).length).toBe(1);
  });

  it('forgets rejections older than the window', () => {
    const l = new LimitedProjects(100, 60_000);
    l.record('p_a', 'limited', t0);
    l.record('p_b', 'limited', t0 + 55_000);
    expect(l.top(10, t0 + 65_000).map((p) => p.projectId)).toEqual(['p_b']);
    expect(l.top(10, t0 + 200_000)).toEqual([]);
  });

  it('reuses a slot after a full turn of the ring instead of adding old counts', () => {
    const l = new LimitedProjects(100, 60_000);
    l.record('p_a', 'limited', t0);
    l.record('p_a', 'limited', t0 + 60_000);
    expect(l.top(10, t0 + 60_000)[0].limited).toBe(1);
  });

  it('stays bounded by max projects', () => {
    const l = new LimitedProjects(16, 60_000);
    for (let i = 0; i < 100; i++) l.record(`p_${i}`, 'limited', t0);
    expect(l.size).toBe(16);
    expect(l.top(100, t0).length).toBe(16);
  });
});
