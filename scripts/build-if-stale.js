'use strict';
/** Builds dist/ with the Nest CLI when it is missing or older than any source file. */
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const marker = join(root, 'dist', 'apps', 'api', 'src', 'main.js');

function newestSource(dir, newest = 0) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = newestSource(path, newest);
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const sources = ['apps', 'libs', 'migrations', 'bench', 'test/utils', 'test/factories']
  .map((d) => join(root, d))
  .filter(existsSync);
const configFiles = ['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => statSync(join(root, f)).mtimeMs);
const newest = Math.max(...sources.map((d) => newestSource(d)), ...configFiles);

if (!existsSync(marker) || statSync(marker).mtimeMs < newest) {
  process.stderr.write('Building (nest build)…\n');
  execFileSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build'], { cwd: root, stdio: 'inherit' });
}
