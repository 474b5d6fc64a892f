import type { SchemaDefinition } from '@app/core';
import { EventEntity, ProcessedEventEntity } from '@app/queue';
import { ApiKeyEntity, ProjectEntity } from '@app/tenancy';
import { WebhookDeliveryEntity, WebhookEndpointEntity } from '@app/webhooks';
import { MIGRATIONS } from '../../../migrations';

/** Every entity of every module, and every migration, in one registry used by all entry points. */
export const ENTITIES = [
  ProjectEntity,
  ApiKeyEntity,
  EventEntity,
  ProcessedEventEntity,
  WebhookEndpointEntity,
  WebhookDeliveryEntity,
];

export const SCHEMA: SchemaDefinition = { entities: ENTITIES, migrations: MIGRATIONS };
