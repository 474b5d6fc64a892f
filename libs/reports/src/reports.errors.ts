import { Errors } from '@app/core';

export const ReportsErrors = {
  campaignNotFound: (idOrName: string) => Errors.notFound('campaign', idOrName),
  invalidRange: (details: string) => Errors.invalidQueryParams(details),
};
