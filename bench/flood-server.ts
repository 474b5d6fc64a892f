/**
 * The API server the flood benchmark measures, in its own process (forked by flood.bench.ts so
 * the load generator does not share its event loop). BENCH_MODE picks the limiter:
 *   ours      the platform's limiter (default settings, shedding on)
 *   off       RATE_LIMIT_ENABLED=false (the same app without per-project / per-IP limits)
 *   throttler @nestjs/throttler's ThrottlerGuard (in-memory, per IP) instead of ours: the reference
 * It answers IPC messages: {type:'create-project', perMinute, burst}, {type:'memory'} and
 * {type:'elu'} (the event loop's cumulative idle and active milliseconds).
 */
import 'reflect-metadata';
import { Controller, Get, Module, Post } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { AppConfig, configureLogger, createHttpApp } from '@app/core';
import { RateLimit, RateLimitPolicyService } from '@app/rate-limit';
import { TenancyService } from '@app/tenancy';
import { ApiModule } from '../apps/api/src/api.module';

@Controller('v1/bench')
class BenchController {
  @Get('noop')
  noop() {
    return { ok: true };
  }

  @RateLimit({ class: 'critical' })
  @Post('redeem')
  redeem() {
    return { ok: true };
  }
}

@Module({ controllers: [BenchController] })
class BenchModule {}

type Message =
  | { type: 'create-project'; perMinute: number; burst: number }
  | { type: 'memory' }
  | { type: 'elu' };

async function main(): Promise<void> {
  const mode = process.env.BENCH_MODE ?? 'ours';
  const config = new AppConfig().with({
    DEMO_PROJECT: 'false',
    DOCS_ENABLED: 'false',
    RATE_LIMIT_ENABLED: mode === 'ours' ? 'true' : 'false',
    SHED_SAMPLE_MS: mode === 'ours' ? undefined : '0',
  });
  configureLogger(config.env.LOG_LEVEL);
  const throttlerLimit = Number(process.env.BENCH_THROTTLER_LIMIT ?? 1_000_000_000);
  const extra =
    mode === 'throttler'
      ? [
          BenchModule,
          ThrottlerModule.forRoot([{ ttl: 60_000, limit: throttlerLimit }]),
          {
            module: class ThrottlerGuardModule {},
            providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
          },
        ]
      : [BenchModule];
  const app = await createHttpApp(ApiModule.register(config, extra), config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');

  process.on('message', (message: Message) => {
    void (async () => {
      if (message.type === 'elu') {
        const { idle, active } = performance.eventLoopUtilization();
        process.send!({ type: 'elu', idle, active });
      } else if (message.type === 'memory') {
        (globalThis as { gc?: () => void }).gc?.();
        const m = process.memoryUsage();
        process.send!({ type: 'memory', rss: m.rss, heapUsed: m.heapUsed });
      } else if (message.type === 'create-project') {
        const created = await app.get(TenancyService).createProject(`bench-${Date.now()}`, ['*']);
        await app.get(RateLimitPolicyService).set(created.project_id, {
          perMinute: message.perMinute,
          burst: message.burst,
          inflightMax: 10_000,
        });
        process.send!({
          type: 'project',
          headers: { 'x-app-id': created.app_id, 'x-app-token': created.app_token },
        });
      }
    })().catch((error: unknown) =>
      process.send!({ type: 'error', message: (error as Error).message }),
    );
  });
  process.send!({ type: 'ready', url });
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
