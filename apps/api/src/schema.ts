import { AsyncActionEntity } from '@app/async-actions';
import type { SchemaDefinition } from '@app/core';
import { ApiKeyEntity, ProjectEntity } from '@app/tenancy';
import { MIGRATIONS } from '../../../migrations';

/** Every entity of every module, and every migration, in one registry used by all entry points. */
export const ENTITIES = [ProjectEntity, ApiKeyEntity, AsyncActionEntity];

export const SCHEMA: SchemaDefinition = { entities: ENTITIES, migrations: MIGRATIONS };
