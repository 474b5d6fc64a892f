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

function registerInIndex(file) {
  const className = readFileSync(join(root, 'migrations', file), 'utf8').match(/export class (\w+)/)[1];
  const indexPath = join(root, 'migrations', 'index.ts');
  let index = readFileSync(indexPath, 'utf8');
  const importLine = `import { ${className} } from './${file.replace(/\.ts$/, '')}';\n`;
  const lastImport = index.lastIndexOf('\nimport ');
  const insertAt = lastImport >= 0 ? index.indexOf('\n', lastImport + 1) + 1 : index.startsWith('import ') ? index.indexOf('\n') + 1 : 0;
  index = (index.slice(0, insertAt) + importLine + (insertAt === 0 ? '\n' : '') + index.slice(insertAt)).replace(/export const MIGRATIONS = \[([^\]]*)\];/, (_, list) => `export const MIGRATIONS = [${list.trim() ? `${list.trim()}, ` : ''}${className}];`);
  writeFileSync(indexPath, index);
  log(`listed ${className} in migrations/index.ts`);
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
      created.forEach(registerInIndex);
      if (!created.length) log('no changes: entities and migrations agree');
      break;
    }
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
      throw new Error('usage: node scripts/migration.js generate <Name> | run | revert | check');
  }
}

module.exports = { runMigrations };

if (require.main === module) {
  main().catch((error) => {
    log(error.message);
    process.exit(1);
  });
}
