import { AppError, Errors } from '@app/core';
import { CheckFailure } from './redeemable-checks';

export const RedemptionErrors = {
  voucherNotFound: (code: string) => Errors.notFound('voucher', code),
  redemptionNotFound: (id: string) => Errors.notFound('redemption', id),
  duplicatedRedeemables: (id: string) =>
    new AppError({
      status: 400,
      key: 'duplicated_redeemables',
      message: 'Duplicated redeemables detected in one redemption',
      details: `Redeemable ${id} is listed more than once`,
    }),
  invalidRedeemables: (details: string) =>
    new AppError({
      status: 400,
      key: 'invalid_redeemables',
      message: 'Invalid redeemables',
      details,
    }),
  /** A redemption that was refused: the contract's 400 with the recorded rf_ id. */
  rejected: (f: CheckFailure, failureId: string) =>
    new AppError({
      status: 400,
      key: f.key,
      message: f.message,
      details: f.details,
      resourceId: failureId,
      resourceType: 'redemption',
      errorMessage: f.errorMessage,
    }),
  /** The body inside a valid:false validation or an INAPPLICABLE redeemable. */
  inapplicable: (f: CheckFailure, resource?: { id: string; type: string }) =>
    new AppError({
      status: f.key === 'not_found' ? 404 : 400,
      key: f.key,
      message: f.message,
      details: f.details,
      errorMessage: f.errorMessage,
      resourceId: resource?.id,
      resourceType: resource?.type,
    }),
  alreadyRolledBack: (failureId: string) =>
    new AppError({
      status: 400,
      key: 'already_rolled_back',
      message: 'Already rolled back',
      details: 'The redemption has already been rolled back',
      resourceId: failureId,
      resourceType: 'redemption_rollback',
    }),
  invalidRedemption: (failureId: string) =>
    new AppError({
      status: 400,
      key: 'invalid_redemption',
      message: 'Invalid redemption',
      details:
        'You can rollback only a single redemption. Use different endpoint for stacked redemption.',
      resourceId: failureId,
      resourceType: 'redemption_rollback',
    }),
  invalidRedemptionParent: (failureId: string) =>
    new AppError({
      status: 400,
      key: 'invalid_redemption_parent',
      message: 'Invalid redemption parent',
      details: 'You can rollback only a redemption that does not have parent redemption.',
      resourceId: failureId,
      resourceType: 'redemption_rollback',
    }),
  failedRedemption: (id: string) =>
    new AppError({
      status: 400,
      key: 'invalid_redemption',
      message: 'Invalid redemption',
      details: `Redemption ${id} failed and cannot be rolled back`,
      resourceId: id,
      resourceType: 'redemption',
    }),
  sessionNotFound: (key: string) => Errors.notFound('session', key),
};

/** Thrown inside a redemption transaction to roll it back and record the failure afterwards. */
export class RedemptionRefused extends Error {
  constructor(
    readonly failure: CheckFailure,
    readonly voucher: { id: string; code: string; campaignId: string | null } | null,
  ) {
    super(failure.message);
    this.name = 'RedemptionRefused';
  }
}
