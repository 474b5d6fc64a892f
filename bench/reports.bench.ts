/**
 * Report latency at scale: seeds the rollups as if BENCH_REPORTS_REDEMPTIONS redemptions
 * (default 10,000,000) happened over the last year across BENCH_REPORTS_CAMPAIGNS campaigns
 * (default 50), plus BENCH_REPORTS_CODES codes (default 200,000) and the voucher / customer
 * daily rollups of BENCH_REPORTS_TOP_KEYS vouchers and customers (default 2,000 each, one row per
 * key and day). A second project of the same size shares the tables, as tenants do. Then times
 * the campaign summary, a 90-day daily and hourly series (project and campaign) and the top lists
 * through the HTTP API: median and p95 of BENCH_REPORTS_RUNS serial requests (default 30).
 * Run with `npm run bench:reports` (a fresh database; see scripts/with-services.js).
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AppConfig, configureLogger, createHttpApp } from '@app/core';
import { RateLimitPolicyService } from '@app/rate-limit';
import { TenancyService } from '@app/tenancy';
import { ApiModule } from '../apps/api/src/api.module';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const REDEMPTIONS = env('BENCH_REPORTS_REDEMPTIONS', 10_000_000);
const CAMPAIGNS = env('BENCH_REPORTS_CAMPAIGNS', 50);
const CODES = env('BENCH_REPORTS_CODES', 200_000);
const TOP_KEYS = env('BENCH_REPORTS_TOP_KEYS', 2_000);
const RUNS = env('BENCH_REPORTS_RUNS', 30);
const TARGET_MS = 200;
const HOURS = 365 * 24;

async function seed(ds: DataSource, projectId: string, end: Date): Promise<number> {
  await ds.query(
    `INSERT INTO campaigns (id, project_id, name, campaign_type, type, voucher, created_at)
     SELECT $1::varchar || '_c' || g, $1::varchar, 'bench-' || g, 'DISCOUNT_COUPONS', 'STATIC',
            '{"type":"DISCOUNT_VOUCHER"}'::jsonb, $2::timestamptz - interval '366 days'
       FROM generate_series(1, $3::int) g`,
    [projectId, end, CAMPAIGNS],
  );
  // Codes spread over the campaigns and the year, in chunks (statement timeout on a busy box).
  const CHUNK = 100_000;
  for (let from = 1; from <= CODES; from += CHUNK) {
    await ds.query(
      `INSERT INTO vouchers (id, project_id, code, campaign_id, type, created_at)
       SELECT $1::varchar || '_v' || g, $1::varchar, 'B' || g, $1::varchar || '_c' || (1 + g % $4::int), 'DISCOUNT_VOUCHER',
              $2::timestamptz - ((g % 365) || ' days')::interval
         FROM generate_series($3::int, $5::int) g`,
      [projectId, end, from, CAMPAIGNS, Math.min(CODES, from + CHUNK - 1)],
    );
  }
  // One row per campaign and hour; counts vary by hour and campaign around the mean that makes
  // the total REDEMPTIONS (the exact total is read back below).
  const mean = REDEMPTIONS / (CAMPAIGNS * HOURS);
  for (let c = 1; c <= CAMPAIGNS; c += 10) {
    await ds.query(
      `INSERT INTO redemption_rollups_hourly
         (project_id, campaign_id, hour, succeeded, failed, rolled_back, discount_amount,
          gift_amount, rolled_back_discount_amount, rolled_back_gift_amount, failures_by_code)
       SELECT $1::varchar, $1::varchar || '_c' || c, date_trunc('hour', $2::timestamptz) - (h || ' hours')::interval,
              s, s / 20, s / 50, s * 500, s * 100, (s / 50) * 500, (s / 50) * 100,
              jsonb_build_object('voucher_expired', s / 40, 'quantity_exceeded', s / 20 - s / 40)
         FROM generate_series($3::int, $4::int) c, generate_series(1, $5::int) h,
              LATERAL (SELECT round($6::float8 * (0.5 + ((h * 31 + c * 17) % 100) / 100.0))::int
                         AS s) v`,
      [projectId, end, c, Math.min(CAMPAIGNS, c + 9), HOURS, mean],
    );
  }
  // The project's total of each hour, as the subscriber maintains it (campaign_id '*').
  await ds.query(
    `INSERT INTO redemption_rollups_hourly
       (project_id, campaign_id, hour, succeeded, failed, rolled_back, discount_amount,
        gift_amount, rolled_back_discount_amount, rolled_back_gift_amount, failures_by_code)
     SELECT project_id, '*', hour, SUM(succeeded), SUM(failed), SUM(rolled_back),
            SUM(discount_amount), SUM(gift_amount), SUM(rolled_back_discount_amount),
            SUM(rolled_back_gift_amount),
            jsonb_build_object(
              'voucher_expired', SUM((failures_by_code->>'voucher_expired')::int),
              'quantity_exceeded', SUM((failures_by_code->>'quantity_exceeded')::int))
       FROM redemption_rollups_hourly WHERE project_id = $1 GROUP BY project_id, hour`,
    [projectId],
  );
  for (const dimension of ['voucher', 'customer']) {
    await ds.query(
      `INSERT INTO redemption_rollups_daily
         (project_id, dimension, dimension_id, day, campaign_id, succeeded, failed, rolled_back)
       SELECT $1::varchar, $2::varchar, $2::varchar || k, ($3::timestamptz - (d || ' days')::interval)::date,
              $1::varchar || '_c' || (1 + k % $5::int), 1 + (k * 7 + d) % 13, (k + d) % 3, (k + d) % 7 / 6
         FROM generate_series(1, $4::int) k, generate_series(0, 364) d`,
      [projectId, dimension, end, TOP_KEYS, CAMPAIGNS],
    );
  }
  const [row]: { total: string }[] = await ds.query(
    `SELECT SUM(succeeded + failed) AS total FROM redemption_rollups_hourly WHERE project_id = $1 AND campaign_id <> '*'`,
    [projectId],
  );
  return Number(row.total);
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { median: at(0.5), p95: at(0.95) };
}

async function time(url: string, headers: Record<string, string>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const started = process.hrtime.bigint();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    if (i >= 3) out.push(Number(process.hrtime.bigint() - started) / 1e6); // 3 warm-up runs
  }
  return out;
}

async function main() {
  const config = new AppConfig().with({ DEMO_PROJECT: 'false', ROLE: 'api' });
  configureLogger(config.env.LOG_LEVEL);
  if (!config.env.DATABASE_URL || !/test/.test(config.env.DATABASE_URL))
    throw new Error('run through npm run bench:reports (a fresh *test* database)');
  const app = await createHttpApp(ApiModule.register(config), config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  try {
    const ds = app.get(DataSource);
    const tenancy = app.get(TenancyService);
    const [project, neighbour] = [
      await tenancy.createProject('bench-reports', []),
      await tenancy.createProject('bench-reports-neighbour', []),
    ];
    await app.get(RateLimitPolicyService).set(project.project_id, { perMinute: 1_000_000 });
    const end = new Date();
    const seeded = process.hrtime.bigint();
    const total = await seed(ds, project.project_id, end);
    await seed(ds, neighbour.project_id, end);
    await ds.query('ANALYZE redemption_rollups_hourly, redemption_rollups_daily, vouchers');
    const seedS = Number(process.hrtime.bigint() - seeded) / 1e9;

    const headers = { 'x-app-id': project.app_id, 'x-app-token': project.app_token };
    const campaign = `${project.project_id}_c7`;
    const d90 = new Date(end.getTime() - 90 * 86_400_000).toISOString();
    const y1 = new Date(end.getTime() - 365 * 86_400_000).toISOString();
    const range90 = `start_date=${d90}&end_date=${end.toISOString()}`;
    const cases: Array<[string, string, boolean]> = [
      ['campaign summary (all time)', `/v1/campaigns/${campaign}/summary`, true],
      ['campaign summary (90 days)', `/v1/campaigns/${campaign}/summary?${range90}`, true],
      ['series 90 days, day, project', `/v1/reports/redemptions?granularity=day&${range90}`, true],
      [
        'series 90 days, hour, project',
        `/v1/reports/redemptions?granularity=hour&${range90}`,
        true,
      ],
      [
        'series 90 days, day, campaign',
        `/v1/reports/redemptions?granularity=day&campaign=${campaign}&${range90}`,
        true,
      ],
      [
        'series 365 days, day, project',
        `/v1/reports/redemptions?granularity=day&start_date=${y1}&end_date=${end.toISOString()}`,
        false,
      ],
      ['top vouchers 90 days', `/v1/reports/top-vouchers?${range90}`, false],
      ['top customers 90 days', `/v1/reports/top-customers?${range90}`, false],
    ];
    const lines = [
      `reports bench: ${total.toLocaleString()} redemptions (succeeded + failed) over a year, ` +
        `${CAMPAIGNS} campaigns, ${CODES.toLocaleString()} codes, ${TOP_KEYS.toLocaleString()} vouchers/customers ` +
        `in the top rollups; x2 projects; seeded in ${seedS.toFixed(1)} s; ${RUNS} serial runs each`,
    ];
    let failed = false;
    for (const [label, path, targeted] of cases) {
      const s = stats(await time(`${base}${path}`, headers));
      const ratio = s.p95 / TARGET_MS;
      if (targeted && s.p95 > TARGET_MS) failed = true;
      lines.push(
        `  ${label.padEnd(32)} median ${s.median.toFixed(1).padStart(6)} ms  p95 ${s.p95
          .toFixed(1)
          .padStart(6)} ms  ${targeted ? `(${ratio.toFixed(2)}x of the ${TARGET_MS} ms target)` : '(no target)'}`,
      );
    }
    lines.push(failed ? '  RESULT: a targeted report missed 200 ms at p95' : '  RESULT: all targeted reports under 200 ms at p95');
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
