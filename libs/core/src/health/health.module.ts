import { DynamicModule, Global, Module, OnModuleInit, Optional } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DatabaseLifecycle } from '../database/database.module';
import { RedisClient } from '../redis/redis.module';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { PressureMonitor } from './pressure-monitor';

/**
 * Readiness checks every process has: postgres, redis (when configured) and local pressure.
 * The HTTP app serves them through HealthController; the worker through a tiny health server.
 */
@Global()
@Module({})
export class HealthModule implements OnModuleInit {
  constructor(
    private readonly health: HealthService,
    private readonly pressure: PressureMonitor,
    private readonly config: AppConfig,
    @Optional() private readonly database?: DatabaseLifecycle,
    @Optional() private readonly redis?: RedisClient,
  ) {}

  static forRoot(options: { http: boolean }): DynamicModule {
    return {
      module: HealthModule,
      controllers: options.http ? [HealthController] : [],
      providers: [HealthService, PressureMonitor],
      exports: [HealthService, PressureMonitor],
    };
  }

  onModuleInit(): void {
    const database = this.database;
    if (database)
      this.health.register({ name: 'postgres', check: () => database.readinessProblem() });
    const redis = this.redis;
    if (redis?.client && !this.config.embeddedRedis) {
      this.health.register({
        name: 'redis',
        check: () => (redis.ready ? null : `not connected (${redis.client!.status})`),
        gating: this.config.env.READY_REQUIRES_REDIS,
      });
    }
    // 'pressure' (event-loop delay, heap) is this process's own headroom; the load shedder
    // registers its own 'load' check for its shedding level.
    this.health.register({ name: 'pressure', check: () => this.pressure.problem() });
  }
}
