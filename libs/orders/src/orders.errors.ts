import { AppError, Errors } from '@app/core';
import { MAX_IMPORT_ORDERS } from './orders.dto';

export const OrderErrors = {
  notFound: (idOrSourceId: string) => Errors.notFound('order', idOrSourceId),
  sourceIdImmutable: (id: string, stored: string) =>
    new AppError({
      status: 400,
      key: 'invalid_payload',
      message: 'Invalid payload',
      details: `Property .source_id cannot be changed once set (order ${id} has source_id ${stored})`,
      resourceId: id,
      resourceType: 'order',
    }),
  duplicateSourceId: (sourceId: string) =>
    Errors.duplicateFound('order', `Duplicated order exists with source_id ${sourceId}`),
  importNotAnArray: () =>
    Errors.invalidPayload(
      `The body must be a JSON array of 1 to ${MAX_IMPORT_ORDERS} order objects`,
    ),
  importRowNotAnObject: (index: number) =>
    Errors.invalidPayload(`Property [${index}] must be an order object`),
};
