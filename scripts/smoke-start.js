'use strict';
/**
 * Smoke test of `npm start` as shipped: runs the built dist/ on the embedded default (PGlite in
 * a temp DATA_DIR, no Redis), waits for the banner, checks readiness and an authenticated request
 * with the printed demo keys, then stops it with SIGTERM. Used by .ci/run after the build.
 */
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const dataDir = mkdtempSync(join(tmpdir(), 'vp-smoke-'));
const child = spawn(process.execPath, [join(__dirname, '..', 'dist', 'apps', 'api', 'src', 'main.js')], {
  env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', REDIS_URL: '', LOG_LEVEL: 'warn', NODE_ENV: 'production' },
  stdio: ['ignore', 'pipe', 'inherit'],
});

function fail(message) {
  process.stderr.write(`smoke: ${message}\n`);
  child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(1);
}

const timer = setTimeout(() => fail('no banner within 60 s'), 60_000);
let out = '';
child.stdout.on('data', async (chunk) => {
  out += chunk.toString();
  if (!/X-Client-Token: \S+\n/.test(out)) return;
  clearTimeout(timer);
  child.stdout.removeAllListeners('data');
  const url = /listening on (http:\/\/\S+)/.exec(out)[1];
  const appId = /X-App-Id: (\S+)/.exec(out)[1];
  const appToken = /X-App-Token: (\S+)/.exec(out)[1];
  try {
    const ready = await fetch(`${url}/health/ready`);
    if (ready.status !== 200) return fail(`/health/ready answered ${ready.status}`);
    const docs = await fetch(`${url}/docs-json`);
    if (docs.status !== 200) return fail(`/docs-json answered ${docs.status}`);
    const authed = await fetch(`${url}/v1/async-actions`, { headers: { 'x-app-id': appId, 'x-app-token': appToken } });
    if (authed.status !== 200) return fail(`authenticated request answered ${authed.status}`);
    const denied = await fetch(`${url}/v1/async-actions`, { headers: { 'x-app-id': appId, 'x-app-token': 'wrong' } });
    if (denied.status !== 401) return fail(`wrong token answered ${denied.status}`);
  } catch (error) {
    return fail(error.message);
  }
  child.once('exit', () => {
    rmSync(dataDir, { recursive: true, force: true });
    process.stdout.write(`smoke: npm start served ${url} on the embedded database and stopped cleanly\n`);
  });
  child.kill('SIGTERM');
});
child.once('exit', (code, signal) => {
  if (timer.hasRef() && !/X-Client-Token/.test(out)) fail(`exited early (${code ?? signal}):\n${out}`);
});
