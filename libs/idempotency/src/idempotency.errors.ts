import { AppError } from '@app/core';

export const IdempotencyErrors = {
  reused: (key: string) =>
    new AppError({
      status: 422,
      key: 'idempotency_key_reused',
      message: 'Idempotency key reused',
      details: `Idempotency-Key ${key} was already used with a different request (method, path or body)`,
    }),
  invalidKey: () =>
    new AppError({
      status: 400,
      key: 'invalid_idempotency_key',
      message: 'Invalid idempotency key',
      details: 'Idempotency-Key must be 1 to 255 printable characters',
    }),
  inProgress: (key: string) =>
    new AppError({
      status: 409,
      key: 'idempotency_key_in_progress',
      message: 'Request with this idempotency key is still in progress',
      details: `The first request with Idempotency-Key ${key} has not finished yet; retry later`,
      headers: { 'Retry-After': '1' },
    }),
};

/** A stored error response played back as it was first sent (same status, same body). */
export class ReplayedError extends AppError {
  constructor(
    status: number,
    private readonly body: Record<string, unknown>,
  ) {
    super({
      status,
      key: typeof body.key === 'string' ? body.key : 'error',
      message: typeof body.message === 'string' ? body.message : 'error',
    });
  }

  override toBody(): Record<string, unknown> {
    return this.body;
  }
}
