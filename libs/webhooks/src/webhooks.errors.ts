import { AppError, Errors } from '@app/core';

export const WebhookErrors = {
  notFound: (id: string): AppError => Errors.notFound('webhook', id),
  deliveryNotFound: (id: string): AppError => Errors.notFound('webhook_delivery', id),
  invalidTargetUrl: (problem: string): AppError =>
    Errors.invalidPayload(`Property .target_url ${problem}`),
  unknownEventTypes: (types: string[]): AppError =>
    Errors.invalidPayload(
      `Property .events contains unknown event types: ${types.join(', ')} (use '*' for all)`,
    ),
};
