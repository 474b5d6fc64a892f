import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import request from 'supertest';
import { runTs, spawnTs, stopProcess, waitForOutput } from '../utils/spawn';

/**
 * `npm start` on the embedded default, as a real process: PGlite under a temp DATA_DIR, no
 * Redis. The first start creates and prints a demo project; the operator CLI works against the
 * running embedded database; a restart finds the same data again.
 */
describe('embedded mode: npm start on PGlite (e2e)', () => {
  jest.setTimeout(120_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'vp-embedded-test-'));
  const env = { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', REDIS_URL: '', LOG_LEVEL: 'warn', DEMO_PROJECT: 'true', NODE_ENV: 'development' };
  let server: ChildProcess | undefined;

  afterAll(async () => {
    if (server) await stopProcess(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    server = spawnTs('apps/api/src/main.ts', [], env);
    const out = await waitForOutput(server, /X-Client-Token: \S+\n/);
    const field = (name: string) => new RegExp(`${name}: (\\S+)`).exec(out)![1];
    return { out, url: /listening on (http:\/\/\S+)/.exec(out)![1], appId: field('X-App-Id'), appToken: field('X-App-Token') };
  };

  it('boots, prints the demo keys, serves them, runs the CLI, and keeps its data across a restart', async () => {
    const first = await start();
    expect(first.out).toContain(`API docs: ${first.url}/docs`);
    const headers = { 'x-app-id': first.appId, 'x-app-token': first.appToken };
    const list = await request(first.url).get('/v1/async-actions').set(headers).expect(200);
    expect(list.body).toMatchObject({ object: 'list', data_ref: 'async_actions', async_actions: [] });
    await request(first.url).get('/v1/async-actions').set({ ...headers, 'x-app-token': 'wrong' }).expect(401);
    await request(first.url).get('/health/ready').expect(200);

    // The CLI reaches the running server's embedded database.
    const created = runTs('apps/api/src/cli.ts', ['projects:create', '--name', 'from the CLI', '--json'], env);
    expect(created.stderr).toBe('');
    const project = JSON.parse(created.stdout) as Record<string, string>;
    expect(Object.keys(project).sort()).toEqual(['app_id', 'app_token', 'client_app_id', 'client_token', 'project_id']);
    await request(first.url).get('/v1/async-actions').set({ 'x-app-id': project.app_id, 'x-app-token': project.app_token }).expect(200);

    // Nest's shutdown hooks close everything, then re-raise the signal: a clean SIGTERM exit.
    expect([0, 'SIGTERM']).toContain(await stopProcess(server!));
    server = undefined;

    const second = await start();
    expect([second.appId, second.appToken]).toEqual([first.appId, first.appToken]);
    await request(second.url).get('/v1/async-actions').set(headers).expect(200);
    await request(second.url).get('/v1/async-actions').set({ 'x-app-id': project.app_id, 'x-app-token': project.app_token }).expect(200);
    await stopProcess(server!);
    server = undefined;

    // With the server stopped, the CLI opens the embedded database itself.
    const listed = runTs('apps/api/src/cli.ts', ['projects:list', '--json'], env);
    const names = (JSON.parse(listed.stdout) as Array<{ name: string }>).map((p) => p.name);
    expect(names).toEqual(['Demo project', 'from the CLI']);
  });
});
