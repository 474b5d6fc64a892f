import { AppError, Errors } from '@app/core';

/** Errors of the vouchers, campaigns and code-generation module. */
export const VoucherErrors = {
  voucherNotFound: (code: string) => Errors.notFound('voucher', code),
  campaignNotFound: (id: string) => Errors.notFound('campaign', id),
  duplicateVoucher: (code: string) =>
    Errors.duplicateFound('voucher', `Duplicated voucher exists with id ${code}`, code),
  duplicateCampaign: (name: string) =>
    Errors.duplicateFound('campaign', `Duplicated campaign exists with name ${name}`, name),
  invalidVoucher: (details: string) =>
    new AppError({ status: 400, key: 'invalid_voucher', message: 'Invalid voucher', details }),
  invalidCampaign: (details: string) =>
    new AppError({ status: 400, key: 'invalid_campaign', message: 'Invalid campaign', details }),
  invalidPayload: (details: string) => Errors.invalidPayload(details),
  notSupported: (details: string) =>
    new AppError({ status: 400, key: 'not_supported', message: 'Not supported yet', details }),
  keyspaceTooSmall: (details: string, numbers: Record<string, number>) =>
    new AppError({
      status: 400,
      key: 'invalid_payload',
      message: 'Invalid payload',
      details: `Property .code_config: ${details}`,
      extra: { keyspace: numbers },
    }),
  notAGiftVoucher: (code: string) =>
    new AppError({
      status: 400,
      key: 'invalid_voucher',
      message: 'Invalid voucher',
      details: `Voucher ${code} is not a GIFT_VOUCHER; only gift balances can be changed`,
      resourceId: code,
      resourceType: 'voucher',
    }),
  insufficientBalance: (code: string, balance: number, amount: number) =>
    new AppError({
      status: 400,
      key: 'gift_amount_exceeded',
      message: 'gift amount exceeded',
      details: `Removing ${-amount} would take the balance of ${code} (${balance}) below zero`,
      resourceId: code,
      resourceType: 'voucher',
    }),
  quantityBelowRedeemed: () =>
    Errors.invalidPayload(
      'Property .redemption.quantity cannot be lower than the redeemed quantity',
    ),
  standaloneCampaign: () =>
    new AppError({
      status: 400,
      key: 'invalid_campaign',
      message: 'Invalid campaign',
      details: 'You can not generate vouchers for STANDALONE type campaign.',
    }),
};
