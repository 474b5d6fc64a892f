import { AsyncActionEntity } from '@app/async-actions';
import {
  AuditLedgerEntity,
  AuditLedgerHeadEntity,
  AuditLedgerPendingEntity,
  AuditLogEntity,
} from '@app/audit';
import type { SchemaDefinition } from '@app/core';
import { CustomerEntity } from '@app/customers';
import { IdempotencyKeyEntity } from '@app/idempotency';
import { OrderEntity } from '@app/orders';
import { ProjectRateLimitEntity } from '@app/rate-limit';
import { PublicationEntity, PublicationVoucherEntity } from '@app/publications';
import { CustomerActivityEntity } from '@app/side-effects';
import { RedemptionEntity, VoucherSessionEntity } from '@app/redemptions';
import { ExportEntity } from '@app/exports';
import { ApiKeyEntity, ManagementKeyEntity, ProjectEntity } from '@app/tenancy';
import { ValidationRuleAssignmentEntity, ValidationRuleEntity } from '@app/validations';
import { CampaignEntity, VoucherEntity, VoucherTransactionEntity } from '@app/vouchers';
import { EventEntity, ProcessedEventEntity } from '@app/queue';
import { WebhookDeliveryEntity, WebhookEndpointEntity } from '@app/webhooks';
import { RedemptionRollupDailyEntity, RedemptionRollupHourlyEntity } from '@app/reports';
import { MIGRATIONS } from '../../../migrations';

/** Every entity of every module, and every migration, in one registry used by all entry points. */
export const ENTITIES = [
  ProjectEntity,
  ApiKeyEntity,
  AsyncActionEntity,
  ValidationRuleEntity,
  ValidationRuleAssignmentEntity,
  VoucherEntity,
  CampaignEntity,
  VoucherTransactionEntity,
  CustomerEntity,
  OrderEntity,
  EventEntity,
  ProcessedEventEntity,
  WebhookEndpointEntity,
  WebhookDeliveryEntity,
  ProjectRateLimitEntity,
  PublicationEntity,
  PublicationVoucherEntity,
  CustomerActivityEntity,
  RedemptionEntity,
  VoucherSessionEntity,
  IdempotencyKeyEntity,
  ManagementKeyEntity,
  AuditLogEntity,
  AuditLedgerEntity,
  AuditLedgerHeadEntity,
  AuditLedgerPendingEntity,
  ExportEntity,
  RedemptionRollupHourlyEntity,
  RedemptionRollupDailyEntity,
];

export const SCHEMA: SchemaDefinition = { entities: ENTITIES, migrations: MIGRATIONS };
