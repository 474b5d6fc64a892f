import { AppError, Errors } from '@app/core';

/** Errors of the publications module (contract §3.3). */
export const PublicationErrors = {
  missingVouchers: () =>
    new AppError({
      status: 400,
      key: 'missing_vouchers',
      message: 'Either Campaign or Voucher is required',
      details: 'Either Campaign or Voucher is required',
    }),
  voucherAlreadyPublished: (code: string, id: string) =>
    new AppError({
      status: 400,
      key: 'voucher_already_published',
      message: 'Voucher already published',
      details: `Voucher '${id}' has already been published`,
      resourceId: code,
      resourceType: 'voucher',
    }),
  noVoucherSuitable: (details: string) =>
    new AppError({
      status: 400,
      key: 'no_voucher_suitable_for_publication',
      message: "Couldn't find any voucher suitable for publication",
      details,
      resourceType: 'campaign',
    }),
  tooManyVouchersRequested: (max: number) =>
    new AppError({
      status: 400,
      key: 'too_many_vouchers_requested',
      message: 'Too many vouchers requested',
      details: `Only up to ${max} can be published`,
    }),
  duplicateSourceId: (sourceId: string) =>
    new AppError({
      status: 400,
      key: 'duplicate_source_id',
      message: 'Duplicate source_id',
      details: `Publication with source_id: '${sourceId}' already exists`,
      resourceId: sourceId,
      resourceType: 'publication',
    }),
  campaignNotFound: (key: string) => Errors.notFound('campaign', key),
  voucherNotFound: (code: string) => Errors.notFound('voucher', code),
};

/**
 * Failures a publication attempt is recorded for (result FAILURE in the list): the campaign or
 * voucher exists but had nothing to give. Unknown campaigns and codes are not recorded, so
 * naming another project's campaign leaves no trace in either project.
 */
export function isRecordedFailure(error: unknown): error is AppError {
  return (
    error instanceof AppError &&
    (error.key === 'no_voucher_suitable_for_publication' ||
      error.key === 'voucher_already_published')
  );
}
