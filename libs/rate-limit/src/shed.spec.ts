import { INITIAL_SHED_STATE, isShed, nextShedState, ShedState } from './shed';

const t = {
  eluHigh: 0.9,
  eluLow: 0.7,
  delayHighMs: 200,
  delayLowMs: 50,
  upSamples: 2,
  downSamples: 3,
};
const hot = { elu: 0.99, delayMs: 80 };
const busyButFast = { elu: 1, delayMs: 10 };
const lagging = { elu: 0.5, delayMs: 500 };
const calm = { elu: 0.2, delayMs: 5 };
const between = { elu: 0.8, delayMs: 100 };

const run = (state: ShedState, samples: { elu: number; delayMs: number }[]) =>
  samples.reduce((s, sample) => nextShedState(s, sample, t), state);

describe('load-shedding levels', () => {
  it('sheds bulk, then read, then write, critical last', () => {
    const levels: number[] = [];
    let s = INITIAL_SHED_STATE;
    for (let i = 0; i < 10; i++) {
      s = nextShedState(s, i % 2 ? hot : lagging, t);
      levels.push(s.level);
    }
    expect(levels).toEqual([0, 1, 1, 2, 2, 3, 3, 4, 4, 4]);
    expect((['bulk', 'read', 'write', 'critical'] as const).map((c) => isShed(1, c))).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect((['bulk', 'read', 'write', 'critical'] as const).map((c) => isShed(3, c))).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(isShed(4, 'critical')).toBe(true);
    expect(isShed(0, 'bulk')).toBe(false);
  });

  it('does not shed a loop that is busy but still turning quickly', () => {
    expect(run(INITIAL_SHED_STATE, [busyButFast, busyButFast, busyButFast]).level).toBe(0);
    expect(run({ level: 2, bad: 0, good: 0 }, [busyButFast, busyButFast, busyButFast]).level).toBe(
      1,
    );
  });

  it('does not react to a single bad sample', () => {
    expect(run(INITIAL_SHED_STATE, [hot, calm, hot, calm]).level).toBe(0);
  });

  it('restores slowly, one class per run of good samples', () => {
    const s = run({ level: 3, bad: 0, good: 0 }, [calm, calm, calm, calm, calm]);
    expect(s.level).toBe(2);
    expect(run(s, [calm]).level).toBe(1);
  });

  it('holds the level between the thresholds', () => {
    expect(run({ level: 2, bad: 0, good: 0 }, [between, between, between, between]).level).toBe(2);
    expect(run({ level: 2, bad: 0, good: 2 }, [between, calm]).level).toBe(2);
  });
});
