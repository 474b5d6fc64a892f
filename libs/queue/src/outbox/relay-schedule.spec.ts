import { nextIdleDelay, RELAY_MIN_IDLE_MS } from './relay-schedule';

describe('nextIdleDelay', () => {
  it('returns to the minimum after a batch that moved events', () => {
    expect(nextIdleDelay(400, 3, 500)).toBe(RELAY_MIN_IDLE_MS);
  });

  it('doubles while idle, up to the cap', () => {
    const delays: number[] = [];
    let delay = RELAY_MIN_IDLE_MS;
    for (let i = 0; i < 10; i++) delays.push((delay = nextIdleDelay(delay, 0, 500)));
    expect(delays.slice(0, 3)).toEqual([20, 40, 80]);
    expect(delays.at(-1)).toBe(500);
    expect(Math.max(...delays)).toBe(500);
  });
});
