import { Errors } from '@app/core';

export const ManagementErrors = {
  projectNotFound: (id: string) => Errors.notFound('project', id),
  keyNotFound: (id: string) => Errors.notFound('api_key', id),
};
