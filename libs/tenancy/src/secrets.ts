import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { randomBase62 } from '@app/core';

export function newAppId(): string {
  return randomUUID();
}

export function newSecretToken(): string {
  return randomBase62(40);
}

export function hashSecret(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented token against a stored hash. */
export function secretMatches(token: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
