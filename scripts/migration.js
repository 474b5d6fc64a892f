'use strict';
/**
 * Migration commands.
 *   generate <Name>  diff the entities against a scratch database migrated to head; writes
 *                    migrations/<timestamp>-<Name>.ts and lists it in migrations/index.ts
 *   run | revert     against DATABASE_URL
 *   check            fails when the entities and the migrations drift apart (CI)
 */
const { spawnSync } = require('node:child_process');
const { readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { ensurePostgres, createDatabase, dropDatabase, log } = require('./services');

const root = join(__dirname, '..');
const compiledDataSource = join(root, 'dist', 'libs', 'core', 'src', 'database', 'data-source.cli.js');

function hasTsNode() {
  try {
    require.resolve('ts-node/register/transpile-only');
    return true;
  } catch {
    return false;
  }
}

/**
 * The TypeORM CLI on the TypeScript sources (development, CI) or, in the production image
 * where dev dependencies are pruned, on the compiled data source in dist/.
 */
const typeormCli = (args, env, quiet = false) => {
  const loaders = hasTsNode() ? ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'] : [];
  const dataSource = hasTsNode() ? 'libs/core/src/database/data-source.cli.ts' : compiledDataSource;
  return spawnSync(process.execPath, [...loaders, require.resolve('typeorm/cli.js'), ...args, '-d', dataSource], {
    cwd: root,
    stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
    env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.json', ...env },
  }).status;
};

async function withScratchDatabase(work) {
  const admin = await ensurePostgres();
  const name = `vp_migrations_test_${Date.now()}_${process.pid}`;
  const url = await createDatabase(admin, name);
  try {
    if (typeormCli(['migration:run'], { DATABASE_URL: url }, true) !== 0) throw new Error('migration:run failed');
    return work(url);
  } finally {
    await dropDatabase(admin, name);
  }
}

/** Rewrites migrations/index.ts from the folder's files, in timestamp order (merges never hand-edit it). */
function writeIndex() {
  const files = readdirSync(join(root, 'migrations'))
    .filter((f) => /^\d+-\w+\.ts$/.test(f))
    .sort((a, b) => Number(a.split('-')[0]) - Number(b.split('-')[0]));
  const classes = files.map((f) => ({ file: f.replace(/\.ts$/, ''), name: readFileSync(join(root, 'migrations', f), 'utf8').match(/export class (\w+)/)[1] }));
  const text =
    classes.map((c) => `import { ${c.name} } from './${c.file}';`).join('\n') +
    '\n\n/** Every migration, in timestamp order. Written by `npm run migration:generate` (scripts/migration.js); a test checks it lists every file. */\n' +
    `export const MIGRATIONS = [\n${classes.map((c) => `  ${c.name},`).join('\n')}\n];\n`;
  writeFileSync(join(root, 'migrations', 'index.ts'), text);
}

/** Applies every migration to the database at `url` (used by the test runner). */
function runMigrations(url) {
  if (typeormCli(['migration:run'], { DATABASE_URL: url }, true) !== 0) throw new Error('migration:run failed');
}

async function main() {
  const [command, name] = process.argv.slice(2);
  switch (command) {
    case 'generate': {
      if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) throw new Error('usage: npm run migration:generate -- <PascalCaseName>');
      const before = new Set(readdirSync(join(root, 'migrations')));
      await withScratchDatabase((url) => typeormCli(['migration:generate', `migrations/${name}`, '--pretty'], { DATABASE_URL: url }));
      const created = readdirSync(join(root, 'migrations')).filter((f) => !before.has(f));
      writeIndex();
      if (!created.length) log('no changes: entities and migrations agree');
      else log(`created ${created.join(', ')} and listed it in migrations/index.ts`);
      break;
    }
    case 'index':
      writeIndex();
      break;
    case 'run':
    case 'revert':
      process.exitCode = typeormCli([`migration:${command}`], {});
      break;
    case 'check': {
      const status = await withScratchDatabase((url) => typeormCli(['migration:generate', 'migrations/Drift', '--check', '--dryrun'], { DATABASE_URL: url }));
      if (status !== 0) throw new Error('entities and migrations drift apart: run `npm run migration:generate -- <Name>` and commit the result');
      log('no drift between entities and migrations');
      break;
    }
    default:
      throw new Error('usage: node scripts/migration.js generate <Name> | index | run | revert | check');
  }
}

module.exports = { runMigrations };

if (require.main === module) {
  main().catch((error) => {
    log(error.message);
    process.exit(1);
  });
}
