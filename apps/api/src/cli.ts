import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Command } from 'commander';
import type { INestApplicationContext } from '@nestjs/common';
import { AuditService } from '@app/audit';
import { AppError, DatabaseLifecycle } from '@app/core';
import { PLAN_NAMES, ProjectPolicy, RateLimitPolicyService } from '@app/rate-limit';
import { ManagementKeysService, TenancyService } from '@app/tenancy';
import { CliModule } from './cli.module';
import { loadConfigOrExit } from './config-or-exit';

/**
 * Operator CLI: `npm run cli -- <command>`. Works against DATABASE_URL or the embedded database
 * (connecting to a running `npm start` on the same DATA_DIR when there is one).
 */
async function withApp<T>(work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const config = loadConfigOrExit().with({ ROLE: 'api', DEMO_PROJECT: 'false' });
  const app = await NestFactory.createApplicationContext(CliModule.register(config), {
    logger: ['error'],
  });
  try {
    await databaseReady(app, 10_000);
    return await work(app);
  } finally {
    await app.close();
  }
}

/** The app starts without its database; an operator command waits for it, but not forever. */
async function databaseReady(app: INestApplicationContext, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      app.get(DatabaseLifecycle).whenReady(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the database is unreachable (waited ${timeoutMs / 1000} s)`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function print(value: unknown, json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify(value)}\n`);
  else
    process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`);
}

const program = new Command('voucher-platform').description(
  'Operator commands for the voucher platform',
);
program.configureOutput({ writeErr: (s) => process.stderr.write(s) });

program
  .command('projects:create')
  .requiredOption('--name <name>', 'project name')
  .option('--origins <origins>', 'comma-separated origins allowed for the client-side key', '*')
  .option('--json', 'print JSON', false)
  .action(async (opts: { name: string; origins: string; json: boolean }) => {
    const created = await withApp((app) =>
      app.get(TenancyService).createProject(
        opts.name,
        opts.origins
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      ),
    );
    print(
      {
        project_id: created.project_id,
        app_id: created.app_id,
        app_token: created.app_token,
        client_app_id: created.client_app_id,
        client_token: created.client_token,
      },
      opts.json,
    );
  });

program
  .command('projects:list')
  .option('--json', 'print JSON', false)
  .action(async (opts: { json: boolean }) => {
    const projects = await withApp(async (app) => {
      const tenancy = app.get(TenancyService);
      const list = await tenancy.listProjects();
      return Promise.all(
        list.map(async (p) => ({
          project_id: p.id,
          name: p.name,
          created_at: p.createdAt.toISOString(),
          deleted: p.deletedAt !== null,
          keys: (await tenancy.listKeys(p.id)).map((k) => ({
            app_id: k.appId,
            kind: k.kind,
            hint: `…${k.secretHint}`,
            revoked: k.revokedAt !== null,
          })),
        })),
      );
    });
    print(projects, opts.json);
  });

program
  .command('keys:create')
  .requiredOption('--project <id>', 'project id')
  .option('--kind <kind>', 'server | client', 'server')
  .option('--origins <origins>', 'client keys: comma-separated allowed origins', '*')
  .option('--json', 'print JSON', false)
  .action(async (opts: { project: string; kind: string; origins: string; json: boolean }) => {
    if (opts.kind !== 'server' && opts.kind !== 'client')
      throw new Error('--kind must be server or client');
    const key = await withApp((app) =>
      app
        .get(TenancyService)
        .createKey(
          opts.project,
          opts.kind as 'server' | 'client',
          'cli',
          opts.kind === 'client' ? opts.origins.split(',') : [],
        ),
    );
    print(key, opts.json);
  });

program
  .command('keys:rotate')
  .requiredOption('--app-id <appId>', 'application id of the key')
  .option('--json', 'print JSON', false)
  .action(async (opts: { appId: string; json: boolean }) => {
    print(await withApp((app) => app.get(TenancyService).rotateKey(opts.appId)), opts.json);
  });

program
  .command('keys:revoke')
  .requiredOption('--app-id <appId>', 'application id of the key')
  .option('--json', 'print JSON', false)
  .action(async (opts: { appId: string; json: boolean }) => {
    await withApp((app) => app.get(TenancyService).revokeKey(opts.appId));
    print({ app_id: opts.appId, revoked: true }, opts.json);
  });

/** `--per-minute 500`, `--per-minute plan` (back to the plan's value); undefined when absent. */
function limitOption(value: string | undefined, name: string): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'plan' || value === 'default') return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name} must be a positive integer or "plan"`);
  return n;
}

function policyJson(projectId: string, policy: ProjectPolicy) {
  return {
    project_id: projectId,
    plan: policy.plan,
    per_minute: policy.perMinute,
    burst: policy.burst,
    inflight_max: policy.inflightMax,
    overridden: policy.overridden,
  };
}

program
  .command('limits:set')
  .description(
    `set a project's rate limits; applies on every replica within RATE_LIMIT_POLICY_CACHE_TTL_MS`,
  )
  .requiredOption('--project <id>', 'project id')
  .option('--plan <plan>', `one of ${PLAN_NAMES.join(', ')}`)
  .option('--per-minute <n>', 'requests per minute (or "plan")')
  .option('--burst <n>', 'burst / bucket size (or "plan")')
  .option('--inflight <n>', 'requests in flight per API process (or "plan")')
  .option('--reset', 'remove the override (back to the default plan)', false)
  .option('--json', 'print JSON', false)
  .action(
    async (opts: {
      project: string;
      plan?: string;
      perMinute?: string;
      burst?: string;
      inflight?: string;
      reset: boolean;
      json: boolean;
    }) => {
      const policy = await withApp((app) => {
        const policies = app.get(RateLimitPolicyService);
        if (opts.reset) return policies.reset(opts.project);
        return policies.set(opts.project, {
          plan: opts.plan,
          perMinute: limitOption(opts.perMinute, 'per-minute'),
          burst: limitOption(opts.burst, 'burst'),
          inflightMax: limitOption(opts.inflight, 'inflight'),
        });
      });
      print(policyJson(opts.project, policy), opts.json);
    },
  );

program
  .command('limits:show')
  .requiredOption('--project <id>', 'project id')
  .option('--json', 'print JSON', false)
  .action(async (opts: { project: string; json: boolean }) => {
    const policy = await withApp((app) => app.get(RateLimitPolicyService).show(opts.project));
    print(policyJson(opts.project, policy), opts.json);
  });

program
  .command('management-keys:create')
  .description('Create a key for the management API (/management/v1); the token is shown once')
  .requiredOption('--name <name>', 'who or what uses the key')
  .option('--json', 'print JSON', false)
  .action(async (opts: { name: string; json: boolean }) => {
    print(await withApp((app) => app.get(ManagementKeysService).create(opts.name)), opts.json);
  });

program
  .command('management-keys:list')
  .option('--json', 'print JSON', false)
  .action(async (opts: { json: boolean }) => {
    print(await withApp((app) => app.get(ManagementKeysService).list()), opts.json);
  });

program
  .command('management-keys:revoke')
  .requiredOption('--id <id>', 'key id (mk_…) or management id')
  .option('--json', 'print JSON', false)
  .action(async (opts: { id: string; json: boolean }) => {
    print(await withApp((app) => app.get(ManagementKeysService).revoke(opts.id)), opts.json);
  });

program
  .command('audit:verify')
  .description(
    "Checks a project's redemption/rollback hash chain and recomputes every voucher's redeemed_quantity from it",
  )
  .requiredOption('--project <id>', 'project id')
  .option('--json', 'print JSON', false)
  .action(async (opts: { project: string; json: boolean }) => {
    const report = await withApp((app) => app.get(AuditService).verify(opts.project));
    print(report, opts.json);
    if (!report.ok) process.exitCode = 2;
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  const message =
    error instanceof AppError
      ? `${error.key}: ${error.details ?? error.message}`
      : (error as Error).message;
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
});
