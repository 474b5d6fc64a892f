/**
 * Code generation throughput: N codes (default 1,000,000; BENCH_CODES overrides) into one
 * campaign through the real service and job, against a raw `INSERT ... SELECT` of N random
 * codes into a table of the same shape (same columns, constraints and indexes) in the same run.
 * Run with `npm run bench:codegen` (a fresh database; see scripts/with-services.js).
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { AppConfig, configureLogger } from '@app/core';
import { TenancyService } from '@app/tenancy';
import { CampaignsService } from '@app/vouchers';
import { WorkerModule } from '../apps/api/src/worker.module';

const COUNT = Number(process.env.BENCH_CODES ?? 1_000_000);
const TARGET_RATIO = 3;
const TARGET_RSS_MB = 300;

async function rawInsert(databaseUrl: string, projectId: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('DROP TABLE IF EXISTS bench_raw_vouchers');
    await client.query('CREATE TABLE bench_raw_vouchers (LIKE vouchers INCLUDING ALL)');
    const started = process.hrtime.bigint();
    await client.query(
      `INSERT INTO bench_raw_vouchers (id, project_id, code, campaign_id, type, discount, active, metadata, redemption_quantity, validation_rules)
       SELECT 'v_' || substr(md5(random()::text), 1, 24), $1,
              upper(substr(md5(random()::text), 1, 10)), 'camp_raw', 'DISCOUNT_VOUCHER',
              '{"type":"PERCENT","percent_off":10,"effect":"APPLY_TO_ORDER"}'::jsonb, true, '{}'::jsonb, 1, '[]'::jsonb
       FROM generate_series(1, $2)
       ON CONFLICT (project_id, code) DO NOTHING`,
      [projectId, COUNT],
    );
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    await client.query('DROP TABLE bench_raw_vouchers');
    return ms;
  } finally {
    await client.end();
  }
}

async function main() {
  const config = new AppConfig();
  configureLogger(config.env.LOG_LEVEL);
  if (!config.env.DATABASE_URL || !/test/.test(config.env.DATABASE_URL))
    throw new Error('run through npm run bench:codegen (a fresh *test* database)');
  const app = await NestFactory.createApplicationContext(WorkerModule.register(config), { logger: false });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 25);
  try {
    const project = await app.get(TenancyService).createProject('bench-codegen', []);
    const campaigns = app.get(CampaignsService);
    const started = process.hrtime.bigint();
    const created = await campaigns.create(
      project.project_id,
      {
        name: 'bench',
        campaign_type: 'DISCOUNT_COUPONS',
        type: 'STATIC',
        vouchers_count: COUNT,
        voucher: {
          type: 'DISCOUNT_VOUCHER',
          discount: { type: 'PERCENT', percent_off: 10 },
          redemption: { quantity: 1 },
          code_config: { length: 10 },
        },
      },
      null,
    );
    let status = created.vouchers_generation_status;
    let count = 0;
    while (status === 'IN_PROGRESS') {
      await new Promise((r) => setTimeout(r, 100));
      const c = await campaigns.get(project.project_id, created.id);
      status = c.vouchers_generation_status;
      count = c.vouchers_count;
    }
    const oursMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (status !== 'DONE' || count !== COUNT) throw new Error(`generation ended ${status} with ${count} codes`);
    clearInterval(sampler);
    const rawMs = await rawInsert(config.env.DATABASE_URL, 'proj_raw');
    const ratio = oursMs / rawMs;
    const rssMb = peakRss / 1024 / 1024;
    const line = (k: string, v: string) => process.stdout.write(`${k.padEnd(34)} ${v}\n`);
    line('codes', COUNT.toLocaleString('en-US'));
    line('campaign generation (ours)', `${(oursMs / 1000).toFixed(2)} s (${Math.round(COUNT / (oursMs / 1000)).toLocaleString('en-US')} codes/s)`);
    line('raw INSERT ... SELECT (same shape)', `${(rawMs / 1000).toFixed(2)} s`);
    line('ratio ours / raw', `${ratio.toFixed(2)}x (target <= ${TARGET_RATIO}x) ${ratio <= TARGET_RATIO ? 'OK' : 'MISSED'}`);
    line('peak RSS', `${rssMb.toFixed(0)} MB (target < ${TARGET_RSS_MB} MB) ${rssMb < TARGET_RSS_MB ? 'OK' : 'MISSED'}`);
  } finally {
    clearInterval(sampler);
    await app.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
