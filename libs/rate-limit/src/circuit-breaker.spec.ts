import { CircuitBreaker } from './circuit-breaker';

describe('CircuitBreaker', () => {
  let now = 0;
  const breaker = () => new CircuitBreaker(3, 1000, () => now);

  beforeEach(() => (now = 0));

  it('opens after consecutive failures and stays open for the configured time', () => {
    const b = breaker();
    b.failure();
    b.failure();
    expect(b.allowRequest()).toBe(true);
    b.failure();
    expect(b.current).toBe('open');
    expect(b.allowRequest()).toBe(false);
    now = 999;
    expect(b.allowRequest()).toBe(false);
  });

  it('lets one trial through when half-open; success closes, failure reopens', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.failure();
    now = 1000;
    expect(b.allowRequest()).toBe(true);
    expect(b.allowRequest()).toBe(false);
    b.failure();
    expect(b.current).toBe('open');
    now = 2000;
    expect(b.allowRequest()).toBe(true);
    b.success();
    expect(b.current).toBe('closed');
    expect(b.allowRequest()).toBe(true);
  });

  it('resets the failure count on success', () => {
    const b = breaker();
    b.failure();
    b.failure();
    b.success();
    b.failure();
    b.failure();
    expect(b.current).toBe('closed');
  });
});
