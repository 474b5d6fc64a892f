/**
 * Export memory: N customers (default 1,000,000; BENCH_EXPORT_ROWS overrides) exported to CSV
 * through the real service, job and download stream. Prints rows/s and the process's peak RSS
 * growth during the download; the download must stay flat (one keyset batch in memory).
 * Run with `npm run bench:export` (a fresh database; see scripts/with-services.js).
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppConfig, configureLogger } from '@app/core';
import { ExportsService } from '@app/exports';
import { TenancyService } from '@app/tenancy';
import { WorkerModule } from '../apps/api/src/worker.module';

const COUNT = Number(process.env.BENCH_EXPORT_ROWS ?? 1_000_000);
/** Growth of the peak RSS between 10% and 100% of the rows: flat memory keeps it near zero. */
const TARGET_LATE_GROWTH_MB = 30;

async function main() {
  const config = new AppConfig();
  configureLogger(config.env.LOG_LEVEL);
  if (!config.env.DATABASE_URL || !/test/.test(config.env.DATABASE_URL))
    throw new Error('run through npm run bench:export (a fresh *test* database)');
  const app = await NestFactory.createApplicationContext(WorkerModule.register(config), {
    logger: false,
  });
  try {
    const project = await app.get(TenancyService).createProject('bench-export', []);
    const seeded = process.hrtime.bigint();
    // In chunks: one 1M-row INSERT would outlive DB_STATEMENT_TIMEOUT_MS on a busy machine.
    const SEED_CHUNK = 50_000;
    for (let from = 1; from <= COUNT; from += SEED_CHUNK) {
      await app.get(DataSource).query(
        `INSERT INTO customers (id, project_id, name, email, metadata, created_at)
         SELECT 'cust_' || lpad(g::text, 10, '0'), $1, 'Customer ' || g, 'c' || g || '@example.com',
                jsonb_build_object('tier', CASE WHEN g % 3 = 0 THEN 'gold' ELSE 'silver' END),
                now() - (g || ' seconds')::interval
         FROM generate_series($2::int, $3::int) g`,
        [project.project_id, from, Math.min(COUNT, from + SEED_CHUNK - 1)],
      );
    }
    const seedMs = Number(process.hrtime.bigint() - seeded) / 1e6;

    const exports = app.get(ExportsService);
    const created = await exports.create(project.project_id, 'API', {
      exported_object: 'customer',
      parameters: { fields: ['id', 'name', 'email', 'metadata.tier', 'created_at'] },
    });
    let done = await exports.get(project.project_id, created.id);
    while (done.status !== 'DONE' && done.status !== 'ERROR') {
      await new Promise((r) => setTimeout(r, 100));
      done = await exports.get(project.project_id, created.id);
    }
    if (done.status !== 'DONE') throw new Error(`export ended ${done.status}`);
    const token = (done.result as { url: string }).url.split('token=')[1];

    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
    const started = process.hrtime.bigint();
    const { stream } = await exports.download(created.id, token);
    let bytes = 0;
    let lines = 0;
    let peakAt10 = 0;
    for await (const chunk of stream) {
      const text = String(chunk);
      bytes += Buffer.byteLength(text);
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
      if (!peakAt10 && lines >= COUNT / 10) peakAt10 = Math.max(peak, process.memoryUsage().rss);
    }
    clearInterval(sampler);
    const lateGrowthMb = (peak - peakAt10) / 1024 / 1024;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const growthMb = (peak - baseline) / 1024 / 1024;
    const rows = lines - 1;
    process.stdout.write(
      [
        `export bench: ${COUNT.toLocaleString()} customers (seeded in ${(seedMs / 1000).toFixed(1)} s)`,
        `  streamed ${rows.toLocaleString()} rows, ${(bytes / 1024 / 1024).toFixed(1)} MB of CSV in ${(ms / 1000).toFixed(1)} s (${Math.round(rows / (ms / 1000)).toLocaleString()} rows/s)`,
        `  RSS before ${(baseline / 1024 / 1024).toFixed(0)} MB, peak growth ${growthMb.toFixed(1)} MB (CSV / growth = ${(bytes / Math.max(1, peak - baseline)).toFixed(1)}x)`,
        `  peak RSS growth from 10% to 100% of the rows: ${lateGrowthMb.toFixed(1)} MB (target < ${TARGET_LATE_GROWTH_MB} MB: flat)`,
        '',
      ].join('\n'),
    );
    if (rows !== COUNT) throw new Error(`expected ${COUNT} rows, streamed ${rows}`);
    if (lateGrowthMb > TARGET_LATE_GROWTH_MB) process.exitCode = 1;
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
