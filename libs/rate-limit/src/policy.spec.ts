import {
  CLASS_SHARES,
  defaultClassFor,
  fallbackSpec,
  projectSpecs,
  rateSpec,
  resolvePolicy,
  ROUTE_CLASSES,
} from './policy';

const defaults = { perMinute: 2000, burst: 0, inflightMax: 64 };

describe('rate-limit policies', () => {
  it('uses the default plan without an override', () => {
    expect(resolvePolicy(defaults, null)).toEqual({
      plan: 'default',
      perMinute: 2000,
      burst: 334,
      inflightMax: 64,
      overridden: false,
    });
    expect(resolvePolicy({ ...defaults, burst: 50 }, null).burst).toBe(50);
  });

  it('applies a plan and per-field overrides', () => {
    const business = resolvePolicy(defaults, {
      plan: 'business',
      perMinute: null,
      burst: null,
      inflightMax: null,
    });
    expect(business).toMatchObject({
      plan: 'business',
      perMinute: 100,
      burst: 17,
      overridden: true,
    });
    const custom = resolvePolicy(defaults, {
      plan: 'default',
      perMinute: 30,
      burst: 5,
      inflightMax: 2,
    });
    expect(custom).toMatchObject({ perMinute: 30, burst: 5, inflightMax: 2 });
  });

  it('leaves 20 % of the budget to critical routes whatever else a project sends', () => {
    const nonCritical = ROUTE_CLASSES.filter((c) => c !== 'critical').reduce(
      (s, c) => s + CLASS_SHARES[c],
      0,
    );
    expect(nonCritical).toBeCloseTo(0.8);
    expect(CLASS_SHARES.critical).toBe(1);
  });

  it('builds the project and class keys with the same cost', () => {
    const [total, cls] = projectSpecs('proj_1', resolvePolicy(defaults, null), 'read', 2);
    expect(total).toMatchObject({
      name: 'project',
      key: 'p:{proj_1}:2000.334',
      limit: 2000,
      capacity: 334,
      cost: 2,
    });
    expect(cls).toMatchObject({
      name: 'read',
      key: 'p:{proj_1}:2000.334:read',
      limit: 800,
      capacity: 134,
      cost: 2,
    });
    expect(total.intervalUs).toBe(30_000);
  });

  it('derives a default class from the method so no route is unclassified', () => {
    expect(defaultClassFor('GET')).toBe('read');
    expect(['POST', 'PUT', 'PATCH', 'DELETE'].map(defaultClassFor)).toEqual([
      'write',
      'write',
      'write',
      'write',
    ]);
  });

  it('divides a limit among replicas for the local fallback', () => {
    const spec = rateSpec('project', 'k', 600, 60, 30, 1);
    expect(fallbackSpec(spec, 3)).toMatchObject({ intervalUs: 300_000, capacity: 10 });
    expect(fallbackSpec(rateSpec('x', 'k', 1, 60, 1, 1), 4).capacity).toBe(1);
    expect(fallbackSpec(spec, 1)).toBe(spec);
  });
});
