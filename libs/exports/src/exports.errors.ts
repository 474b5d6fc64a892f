import { AppError, Errors } from '@app/core';

export const ExportErrors = {
  notFound: (id: string) => Errors.notFound('export', id),
  unknownObject: (name: string, allowed: string[]) =>
    Errors.invalidPayload(
      `Property .exported_object: ${name} cannot be exported; allowed: ${allowed.join(', ')}`,
    ),
  notReady: (id: string, status: string) =>
    new AppError({
      status: 409,
      key: 'export_not_ready',
      message: 'Export not ready',
      details: `Export ${id} is ${status}; it can be downloaded once DONE`,
      resourceId: id,
      resourceType: 'export',
    }),
};
