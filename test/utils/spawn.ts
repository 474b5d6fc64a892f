import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
const TS_NODE = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'];

/**
 * Runs a TypeScript entry point of the app (main.ts, cli.ts...) in a real Node process, outside
 * Jest's module system: the same code path as `npm start`, without a build step.
 */
export function tsNodeEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env };
}

export function spawnTs(entry: string, args: string[], env: Record<string, string | undefined>): ChildProcess {
  return spawn(process.execPath, [...TS_NODE, join(ROOT, entry), ...args], { cwd: ROOT, env: tsNodeEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
}

export function runTs(entry: string, args: string[], env: Record<string, string | undefined>) {
  const result = spawnSync(process.execPath, [...TS_NODE, join(ROOT, entry), ...args], { cwd: ROOT, env: tsNodeEnv(env), encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Resolves with everything the process printed once `pattern` appears on stdout. */
export function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; stdout:\n${out}\nstderr:\n${err}`)), timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`process exited with ${code} before printing ${pattern}; stdout:\n${out}\nstderr:\n${err}`));
    });
  });
}

/** Signals the process and resolves with how it ended: an exit code, or the signal that ended it. */
export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | NodeJS.Signals> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode ?? child.signalCode!);
    child.once('exit', (code, endedBy) => resolve(code ?? endedBy!));
    child.kill(signal);
  });
}
