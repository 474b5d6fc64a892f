import { RouteClass, SHED_RANK } from './policy';

/**
 * Load-shedding level with hysteresis. Level 0 sheds nothing; level n sheds every class whose
 * SHED_RANK is <= n (1: bulk, 2: + read, 3: + write, 4: + critical). The level rises one step
 * after `upSamples` consecutive bad samples and falls one step after `downSamples` good ones,
 * so shedding starts with the cheapest traffic and neither starts nor stops on a single blip.
 */
export interface ShedThresholds {
  eluHigh: number;
  eluLow: number;
  delayHighMs: number;
  delayLowMs: number;
  upSamples: number;
  downSamples: number;
}

export interface PressureSample {
  /** Event-loop utilisation over the sample, 0..1. */
  elu: number;
  /** p99 event-loop delay over the sample, ms. */
  delayMs: number;
}

export interface ShedState {
  level: number;
  bad: number;
  good: number;
}

export const MAX_SHED_LEVEL = 4;
export const INITIAL_SHED_STATE: ShedState = { level: 0, bad: 0, good: 0 };

export function nextShedState(
  state: ShedState,
  sample: PressureSample,
  t: ShedThresholds,
): ShedState {
  // A busy loop that still turns quickly (high utilisation, low delay) is healthy: a flood of
  // cheap 429s looks like that. Pressure is delay, or utilisation with delay building up.
  const bad =
    sample.delayMs >= t.delayHighMs || (sample.elu >= t.eluHigh && sample.delayMs > t.delayLowMs);
  const good = !bad && (sample.delayMs <= t.delayLowMs || sample.elu <= t.eluLow);
  if (bad) {
    const count = state.bad + 1;
    if (count >= t.upSamples && state.level < MAX_SHED_LEVEL)
      return { level: state.level + 1, bad: 0, good: 0 };
    return { level: state.level, bad: count, good: 0 };
  }
  if (good) {
    const count = state.good + 1;
    if (count >= t.downSamples && state.level > 0)
      return { level: state.level - 1, bad: 0, good: 0 };
    return { level: state.level, bad: 0, good: count };
  }
  // In between the thresholds: hold the level, restart both counts.
  return { level: state.level, bad: 0, good: 0 };
}

export function isShed(level: number, cls: RouteClass): boolean {
  return level >= SHED_RANK[cls];
}
