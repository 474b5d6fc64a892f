import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS } from '../../migrations';

describe('migrations/index.ts', () => {
  const dir = join(__dirname, '..', '..', 'migrations');
  const files = readdirSync(dir).filter((f) => /^\d+-\w+\.ts$/.test(f));

  it('lists every migration file, in timestamp order', () => {
    const classNames = files
      .sort((a, b) => Number(a.split('-')[0]) - Number(b.split('-')[0]))
      .map((f) => /export class (\w+)/.exec(readFileSync(join(dir, f), 'utf8'))![1]);
    expect(MIGRATIONS.map((m) => m.name)).toEqual(classNames);
  });

  it('never turns synchronize on in application code', () => {
    const offenders: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (
          p.endsWith('.ts') &&
          !p.endsWith('.spec.ts') &&
          /synchronize:\s*true/.test(readFileSync(p, 'utf8'))
        )
          offenders.push(p);
      }
    };
    ['apps', 'libs'].forEach((d) => walk(join(__dirname, '..', '..', d)));
    expect(offenders).toEqual([]);
  });
});
