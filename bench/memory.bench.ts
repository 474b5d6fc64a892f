/**
 * Heap after forced GCs across batches of real redemptions (the whole app in this process, with
 * Fastify's inject, real Postgres and Redis): a structure that grows with redemptions shows as
 * a slope. `npm run bench:memory` (fresh test database; ROLE=all by default, so the worker's
 * relay, event processors and ledger sealer run too). Sizes: BENCH_BATCHES (4) × BENCH_BATCH
 * (1500) redemptions after a 500-redemption warm-up. Target: the heap after GC moves by less than
 * 5 % between the first and the last batch.
 */
import 'reflect-metadata';
import { AppConfig, configureLogger, createHttpApp } from '@app/core';
import { RateLimitPolicyService } from '@app/rate-limit';
import { TenancyService } from '@app/tenancy';
import { ApiModule } from '../apps/api/src/api.module';

const BATCHES = Number(process.env.BENCH_BATCHES ?? 4);
const BATCH = Number(process.env.BENCH_BATCH ?? 1500);
const VOUCHERS = 200;
const CONCURRENCY = 10;
const MB = 1024 * 1024;

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench:memory does)');
  if (!process.env.DATABASE_URL || !/test/.test(process.env.DATABASE_URL))
    throw new Error('run through npm run bench:memory (a fresh *test* database)');
  const config = new AppConfig().with({
    DEMO_PROJECT: 'false',
    DOCS_ENABLED: 'false',
    ROLE: process.env.ROLE ?? 'all',
  });
  configureLogger(config.env.LOG_LEVEL);
  const app = await createHttpApp(ApiModule.register(config, []), config);
  await app.init();
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.ready();
  const project = await app.get(TenancyService).createProject('bench-memory', []);
  await app
    .get(RateLimitPolicyService)
    .set(project.project_id, { perMinute: 100_000_000, burst: 10_000_000, inflightMax: 100_000 });
  const headers = {
    'x-app-id': project.app_id,
    'x-app-token': project.app_token,
    'content-type': 'application/json',
  };
  for (let i = 0; i < VOUCHERS; i++) {
    const res = await fastify.inject({
      method: 'POST',
      url: '/v1/vouchers',
      headers,
      payload: {
        code: `MEM-${i}`,
        type: 'DISCOUNT_VOUCHER',
        discount: { type: 'AMOUNT', amount_off: 1 },
      },
    });
    if (res.statusCode !== 200) throw new Error(`voucher: ${res.statusCode} ${res.body}`);
  }
  let sent = 0;
  const redeem = async (count: number) => {
    for (let done = 0; done < count; done += CONCURRENCY)
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          const i = sent++;
          const res = await fastify.inject({
            method: 'POST',
            url: `/v1/vouchers/MEM-${i % VOUCHERS}/redemption`,
            headers,
            payload: { customer: { source_id: `mem-c-${i % 50}` }, order: { amount: 1000 } },
          });
          if (res.statusCode !== 200) throw new Error(`redeem: ${res.statusCode} ${res.body}`);
        }),
      );
  };
  const heap = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed / MB;
  };
  await redeem(500);
  const rows: [number, number][] = [[sent, heap()]];
  for (let b = 0; b < BATCHES; b++) {
    await redeem(BATCH);
    rows.push([sent, heap()]);
  }
  await app.close();
  const first = rows[0][1];
  const last = rows[rows.length - 1][1];
  const change = (100 * (last - first)) / first;
  process.stdout.write(
    [
      `redemption memory: ${BATCHES} × ${BATCH} redemptions after a warm-up, ROLE=${config.env.ROLE}, heap after two forced GCs`,
      '| redemptions | heap used after GC |',
      '| ---: | ---: |',
      ...rows.map(([n, mb]) => `| ${n.toLocaleString('en-US')} | ${mb.toFixed(1)} MB |`),
      `heap change first → last: ${change >= 0 ? '+' : ''}${change.toFixed(1)} % (target < 5 %) ${Math.abs(change) < 5 ? 'OK' : 'MISSED'}`,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
