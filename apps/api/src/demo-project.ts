import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { AppConfig } from '@app/core';
import { CreatedProject, TenancyService } from '@app/tenancy';

/**
 * On the first start of an empty database, creates a demo project. Secrets are stored hashed,
 * so the keys are also kept in DATA_DIR/demo-keys.json to be printed again on later starts.
 */
export async function ensureDemoProject(
  app: INestApplicationContext,
  config: AppConfig,
): Promise<CreatedProject | null> {
  if (!config.env.DEMO_PROJECT) return null;
  const dataDir = resolve(config.env.DATA_DIR);
  const file = join(dataDir, 'demo-keys.json');
  const tenancy = app.get(TenancyService);
  if ((await tenancy.countProjects()) > 0) {
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CreatedProject) : null;
  }
  const project = await tenancy.createProject('Demo project');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(project, null, 2), { mode: 0o600 });
  return project;
}
