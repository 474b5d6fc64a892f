import { RecentTenants } from './recent-tenants';

describe('RecentTenants', () => {
  it('sees another project admitted within the window, not the asking one', () => {
    const recent = new RecentTenants(1_000);
    recent.admitted('proj_a', 10_000);
    expect(recent.othersActive('proj_a', 10_500)).toBe(false);
    expect(recent.othersActive('proj_b', 10_500)).toBe(true);
  });

  it('forgets a project once the window has passed', () => {
    const recent = new RecentTenants(1_000);
    recent.admitted('proj_a', 10_000);
    expect(recent.othersActive('proj_b', 11_001)).toBe(false);
  });

  it("keeps the other project in view while the flooding project's own admissions continue", () => {
    const recent = new RecentTenants(1_000);
    recent.admitted('proj_steady', 10_000);
    for (let t = 10_001; t < 10_500; t++) recent.admitted('proj_flood', t);
    expect(recent.othersActive('proj_flood', 10_600)).toBe(true);
    expect(recent.othersActive('proj_steady', 10_600)).toBe(true);
  });

  it('holds two slots whatever the number of projects', () => {
    const recent = new RecentTenants(1_000);
    for (let i = 0; i < 100_000; i++) recent.admitted(`proj_${i}`, 10_000 + i / 1_000);
    expect(recent.othersActive('proj_99999', 10_100)).toBe(true);
    expect(Object.keys(recent).length).toBeLessThanOrEqual(3);
  });
});
