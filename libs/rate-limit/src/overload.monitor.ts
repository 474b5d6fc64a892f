import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import {
  EventLoopUtilization,
  IntervalHistogram,
  monitorEventLoopDelay,
  performance,
} from 'node:perf_hooks';
import { AppConfig, HealthService } from '@app/core';
import type { RouteClass } from './policy';
import { RateLimitMetrics } from './rate-limit.metrics';
import {
  INITIAL_SHED_STATE,
  isShed,
  nextShedState,
  PressureSample,
  ShedState,
  ShedThresholds,
} from './shed';

/** Readiness turns 503 from this level on (reads shed): the process is saturated, route elsewhere. */
export const NOT_READY_LEVEL = 2;

/**
 * Samples event-loop utilisation and p99 delay every SHED_SAMPLE_MS and moves the shedding level
 * with hysteresis (shed.ts). The level is read synchronously on every request; sampling is the
 * only work, so the monitor costs nothing per request.
 */
@Injectable()
export class OverloadMonitor implements OnModuleInit, OnModuleDestroy {
  private state: ShedState = INITIAL_SHED_STATE;
  private timer: NodeJS.Timeout | null = null;
  private histogram: IntervalHistogram | null = null;
  private lastElu: EventLoopUtilization | null = null;
  readonly thresholds: ShedThresholds;
  readonly sampleMs: number;

  constructor(
    config: AppConfig,
    private readonly metrics: RateLimitMetrics,
    private readonly health: HealthService,
  ) {
    const e = config.env;
    this.sampleMs = e.SHED_SAMPLE_MS;
    this.thresholds = {
      eluHigh: e.SHED_ELU_HIGH_PCT / 100,
      eluLow: e.SHED_ELU_LOW_PCT / 100,
      delayHighMs: e.SHED_DELAY_HIGH_MS,
      delayLowMs: e.SHED_DELAY_LOW_MS,
      upSamples: e.SHED_UP_SAMPLES,
      downSamples: e.SHED_DOWN_SAMPLES,
    };
  }

  get level(): number {
    return this.state.level;
  }

  /** Seconds a shed client should wait: long enough for a few samples to restore a level. */
  get retryAfterS(): number {
    return Math.max(1, Math.ceil((this.sampleMs * this.thresholds.downSamples) / 1000));
  }

  shouldShed(cls: RouteClass): boolean {
    return this.state.level > 0 && isShed(this.state.level, cls);
  }

  onModuleInit(): void {
    this.health.register({
      name: 'load',
      check: () =>
        this.state.level >= NOT_READY_LEVEL
          ? `saturated (shedding level ${this.state.level})`
          : null,
    });
    if (this.sampleMs <= 0) return;
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
    this.lastElu = performance.eventLoopUtilization();
    this.timer = setInterval(() => this.sample(), this.sampleMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.histogram?.disable();
  }

  private sample(): void {
    const elu = performance.eventLoopUtilization(this.lastElu ?? undefined);
    this.lastElu = performance.eventLoopUtilization();
    const delayMs = this.histogram ? this.histogram.percentile(99) / 1e6 : 0;
    this.histogram?.reset();
    this.observe({ elu: elu.utilization, delayMs });
  }

  /** Feeds one pressure sample (the timer does this; exposed for tests that drive the levels). */
  observe(sample: PressureSample): void {
    this.state = nextShedState(this.state, sample, this.thresholds);
    this.metrics.eventLoopUtilization.set(sample.elu);
    this.metrics.eventLoopDelay.set(sample.delayMs / 1000);
    this.metrics.shedLevel.set(this.state.level);
  }
}
