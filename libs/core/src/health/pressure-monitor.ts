import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { IntervalHistogram, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { AppConfig } from '../config/app-config';
import { rootLogger } from '../logging/logger';

export interface ProcessSample {
  /** p99 event-loop delay over the last interval, in ms. */
  eventLoopDelayP99Ms: number;
  /** Event-loop utilisation over the last interval, 0..1. */
  eventLoopUtilization: number;
  /** Used heap / heap limit, 0..1. */
  heapUsedRatio: number;
}

export interface PressureThresholds {
  maxEventLoopDelayMs: number;
  maxHeapRatio: number;
  /** Consecutive calm samples needed before readiness returns (restore slowly). */
  calmSamplesToRecover: number;
}

export interface PressureState {
  overloaded: boolean;
  calmSamples: number;
  reason: string | null;
}

export const CALM_STATE: PressureState = { overloaded: false, calmSamples: 0, reason: null };

/**
 * Readiness under pressure, with hysteresis: one bad sample makes the process not-ready; it
 * becomes ready again only after several samples well below the thresholds (half the delay,
 * five points below the heap share), so it does not flap in and out of the load balancer.
 */
export function assessPressure(
  previous: PressureState,
  sample: ProcessSample,
  t: PressureThresholds,
): PressureState {
  const reasons: string[] = [];
  if (sample.eventLoopDelayP99Ms > t.maxEventLoopDelayMs)
    reasons.push(
      `event loop delay p99 ${Math.round(sample.eventLoopDelayP99Ms)} ms > ${t.maxEventLoopDelayMs} ms`,
    );
  if (sample.heapUsedRatio > t.maxHeapRatio)
    reasons.push(
      `heap ${Math.round(sample.heapUsedRatio * 100)}% of limit > ${Math.round(t.maxHeapRatio * 100)}%`,
    );
  if (reasons.length) return { overloaded: true, calmSamples: 0, reason: reasons.join('; ') };
  if (!previous.overloaded) return CALM_STATE;
  const calm =
    sample.eventLoopDelayP99Ms <= t.maxEventLoopDelayMs / 2 &&
    sample.heapUsedRatio <= t.maxHeapRatio - 0.05;
  const calmSamples = calm ? previous.calmSamples + 1 : 0;
  if (calmSamples >= t.calmSamplesToRecover) return CALM_STATE;
  return { overloaded: true, calmSamples, reason: `recovering from: ${previous.reason}` };
}

const SAMPLE_INTERVAL_MS = 1_000;

/**
 * Samples event-loop delay, event-loop utilisation and heap once a second. Readiness reads
 * its verdict from memory (so a probe costs nothing under load); the load shedder and the
 * metrics exporter may read `latest` too. Liveness never looks at it.
 */
@Injectable()
export class PressureMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private histogram?: IntervalHistogram;
  private timer?: NodeJS.Timeout;
  private lastElu = performance.eventLoopUtilization();
  private state: PressureState = CALM_STATE;
  private readonly thresholds: PressureThresholds;
  latest: ProcessSample = { eventLoopDelayP99Ms: 0, eventLoopUtilization: 0, heapUsedRatio: 0 };

  constructor(config: AppConfig) {
    this.thresholds = {
      maxEventLoopDelayMs: config.env.READY_MAX_EVENT_LOOP_DELAY_MS,
      maxHeapRatio: config.env.READY_MAX_HEAP_PERCENT / 100,
      calmSamplesToRecover: 3,
    };
  }

  onApplicationBootstrap(): void {
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
    this.timer.unref();
  }

  /** Null when the process has headroom; otherwise why readiness is down. */
  problem(): string | null {
    return this.state.reason;
  }

  private sample(): void {
    const elu = performance.eventLoopUtilization(this.lastElu);
    this.lastElu = performance.eventLoopUtilization();
    const heap = getHeapStatistics();
    const sample: ProcessSample = {
      eventLoopDelayP99Ms: this.histogram ? this.histogram.percentile(99) / 1e6 : 0,
      eventLoopUtilization: elu.utilization,
      heapUsedRatio: heap.used_heap_size / heap.heap_size_limit,
    };
    this.histogram?.reset();
    this.latest = sample;
    const next = assessPressure(this.state, sample, this.thresholds);
    if (next.overloaded !== this.state.overloaded)
      rootLogger().warn(
        { ...sample, reason: next.reason ?? this.state.reason },
        next.overloaded ? 'under pressure: readiness down' : 'pressure relieved: readiness up',
      );
    this.state = next;
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.histogram?.disable();
  }
}
