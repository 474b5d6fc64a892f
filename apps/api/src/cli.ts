import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Command } from 'commander';
import type { INestApplicationContext } from '@nestjs/common';
import { AppError, DatabaseLifecycle } from '@app/core';
import { TenancyService } from '@app/tenancy';
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

program.parseAsync(process.argv).catch((error: unknown) => {
  const message =
    error instanceof AppError
      ? `${error.key}: ${error.details ?? error.message}`
      : (error as Error).message;
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
});
