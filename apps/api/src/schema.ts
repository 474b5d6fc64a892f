import { AsyncActionEntity } from '@app/async-actions';
import type { SchemaDefinition } from '@app/core';
import { CustomerEntity } from '@app/customers';
import { OrderEntity } from '@app/orders';
import { ApiKeyEntity, ProjectEntity } from '@app/tenancy';
import { ValidationRuleAssignmentEntity, ValidationRuleEntity } from '@app/validations';
import { CampaignEntity, VoucherEntity, VoucherTransactionEntity } from '@app/vouchers';
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
];

export const SCHEMA: SchemaDefinition = { entities: ENTITIES, migrations: MIGRATIONS };
