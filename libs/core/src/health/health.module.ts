import { Global, Inject, Module, OnModuleInit, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { RedisClient } from '../redis/redis.module';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

@Global()
@Module({ controllers: [HealthController], providers: [HealthService], exports: [HealthService] })
export class HealthModule implements OnModuleInit {
  constructor(
    private readonly health: HealthService,
    private readonly config: AppConfig,
    @Optional() @Inject(DataSource) private readonly dataSource?: DataSource,
    @Optional() private readonly redis?: RedisClient,
  ) {}

  onModuleInit(): void {
    const dataSource = this.dataSource;
    if (dataSource) {
      this.health.register({
        name: 'postgres',
        check: async () => {
          if (!dataSource.isInitialized) return 'not connected';
          await dataSource.query('SELECT 1');
          return null;
        },
      });
    }
    const redis = this.redis;
    if (redis?.client && !this.config.embeddedRedis) {
      this.health.register({
        name: 'redis',
        check: () => (redis.ready ? null : `not connected (${redis.client!.status})`),
      });
    }
  }
}
