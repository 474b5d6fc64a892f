import {
  assessPressure,
  CALM_STATE,
  ProcessSample,
  PressureState,
  PressureThresholds,
} from './pressure-monitor';

const t: PressureThresholds = {
  maxEventLoopDelayMs: 500,
  maxHeapRatio: 0.85,
  calmSamplesToRecover: 3,
};
const sample = (delay: number, heap = 0.3): ProcessSample => ({
  eventLoopDelayP99Ms: delay,
  eventLoopUtilization: 0.5,
  heapUsedRatio: heap,
});
const run = (samples: ProcessSample[], start: PressureState = CALM_STATE) =>
  samples.reduce((state, s) => assessPressure(state, s, t), start);

describe('assessPressure', () => {
  it('stays calm below the thresholds', () => {
    expect(run([sample(20), sample(400, 0.8)])).toEqual(CALM_STATE);
  });

  it('drops readiness on one sample with a long event-loop delay, naming it', () => {
    const state = run([sample(20), sample(900)]);
    expect(state.overloaded).toBe(true);
    expect(state.reason).toMatch(/event loop delay p99 900 ms > 500 ms/);
  });

  it('drops readiness when the heap nears its limit', () => {
    const state = run([sample(10, 0.9)]);
    expect(state.overloaded).toBe(true);
    expect(state.reason).toMatch(/heap 90% of limit > 85%/);
  });

  it('recovers only after three calm samples in a row (hysteresis)', () => {
    const overloaded = run([sample(900)]);
    expect(run([sample(100), sample(100)], overloaded).overloaded).toBe(true);
    expect(run([sample(100), sample(100), sample(100)], overloaded)).toEqual(CALM_STATE);
  });

  it('does not count samples just under the threshold as calm', () => {
    const overloaded = run([sample(900)]);
    expect(run([sample(400), sample(400), sample(400), sample(400)], overloaded).overloaded).toBe(
      true,
    );
    expect(run([sample(100), sample(100), sample(10, 0.83)], overloaded).overloaded).toBe(true);
  });

  it('restarts the calm count after a relapse', () => {
    const state = run([
      sample(900),
      sample(100),
      sample(100),
      sample(900),
      sample(100),
      sample(100),
    ]);
    expect(state.overloaded).toBe(true);
  });
});
