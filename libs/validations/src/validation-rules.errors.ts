import { AppError, Errors } from '@app/core';
import type { RuleSetProblem } from './rules-engine';

export const ValidationRuleErrors = {
  notFound: (id: string) => Errors.notFound('validation_rules', id),
  assignmentNotFound: (id: string) => Errors.notFound('validation_rules_assignment', id),
  relatedObjectNotFound: (type: 'voucher' | 'campaign', id: string) => Errors.notFound(type, id),
  invalidRules: (problem: RuleSetProblem) =>
    Errors.invalidPayload(`Property .${problem.path}: ${problem.message}`),
  duplicateAssignment: (ruleId: string, type: string, objectId: string, existingId?: string) =>
    Errors.duplicateFound(
      'validation_rules_assignment',
      `Validation rule ${ruleId} is already assigned to ${type} ${objectId}; use force=true to replace it`,
      existingId,
    ),
  unknownRules: (ids: string[]) =>
    Errors.invalidPayload(
      `Property .validation_rules: validation rule${ids.length > 1 ? 's' : ''} ${ids.join(', ')} not found`,
    ),
  ambiguousAssignment: () =>
    Errors.invalidPayload(
      'Send exactly one of {related_object_type, related_object_id}, {voucher}, {campaign} or {promotion_tier}',
    ),
  resolverUnavailable: (field: 'voucher' | 'campaign') =>
    new AppError({
      status: 400,
      key: 'invalid_payload',
      message: 'Invalid payload',
      details: `Assigning by ${field} ${field === 'voucher' ? 'code' : 'name'} is not available on this server yet; send {related_object_type: "${field}", related_object_id: "<${field === 'voucher' ? 'v_' : 'camp_'}id>"}`,
    }),
};
