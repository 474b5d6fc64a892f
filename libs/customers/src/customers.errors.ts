import { AppError, Errors } from '@app/core';

export const CustomerErrors = {
  notFound: (idOrSourceId: string) => Errors.notFound('customer', idOrSourceId),
  sourceIdImmutable: (id: string, stored: string) =>
    new AppError({
      status: 400,
      key: 'invalid_payload',
      message: 'Invalid payload',
      details: `Property .source_id cannot be changed once set (customer ${id} has source_id ${stored})`,
      resourceId: id,
      resourceType: 'customer',
    }),
  duplicateSourceId: (sourceId: string) =>
    Errors.duplicateFound('customer', `Duplicated customer exists with source_id ${sourceId}`),
};
