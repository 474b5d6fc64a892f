/** The queue's store (Redis) cannot take jobs right now; callers that can wait (the relay) retry. */
export class QueueUnavailableError extends Error {
  constructor(reason: string) {
    super(`queue unavailable: ${reason}`);
    this.name = 'QueueUnavailableError';
  }
}

/** Rejects with QueueUnavailableError when `promise` does not settle within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new QueueUnavailableError(`no answer within ${ms} ms`)), ms);
  });
  // The losing promise may still settle later; its rejection must not become unhandled.
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
