import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { SchemaDefinition } from './database/data-source.factory';
import { AllExceptionsFilter } from './errors/all-exceptions.filter';
import { HealthModule } from './health/health.module';
import { RedisModule } from './redis/redis.module';

/** Config, database, Redis, health and the error filter: what every entry point needs. */
@Module({})
export class CoreModule {
  static forRoot(
    config: AppConfig,
    schema: SchemaDefinition,
    options: { http: boolean } = { http: true },
  ): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(schema),
        RedisModule,
        HealthModule.forRoot(options),
      ],
      providers: options.http ? [{ provide: APP_FILTER, useClass: AllExceptionsFilter }] : [],
    };
  }
}
