import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface StoredKey {
  requestHash: string;
  statusCode: number | null;
  response: unknown;
  createdAt: Date;
}

/** All SQL of idempotency keys. Each statement runs on its own (autocommit), never in the caller's transaction. */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Claims the key; false when a row (live or expired) already holds it. */
  async claim(projectId: string, key: string, requestHash: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `INSERT INTO idempotency_keys (project_id, key, request_hash) VALUES ($1, $2, $3)
       ON CONFLICT (project_id, key) DO NOTHING RETURNING 1`,
      [projectId, key, requestHash],
    )) as unknown[];
    return rows.length > 0;
  }

  async find(projectId: string, key: string): Promise<StoredKey | null> {
    const rows = (await this.dataSource.query(
      `SELECT request_hash, status_code, response, created_at FROM idempotency_keys
       WHERE project_id = $1 AND key = $2`,
      [projectId, key],
    )) as {
      request_hash: string;
      status_code: number | null;
      response: unknown;
      created_at: Date;
    }[];
    if (!rows.length) return null;
    const r = rows[0];
    return {
      requestHash: r.request_hash,
      statusCode: r.status_code,
      response: r.response,
      createdAt: new Date(r.created_at),
    };
  }

  async complete(projectId: string, key: string, statusCode: number, response: unknown) {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET status_code = $3, response = $4::jsonb
       WHERE project_id = $1 AND key = $2`,
      [projectId, key, statusCode, JSON.stringify(response ?? null)],
    );
  }

  /** Frees a key whose request failed unexpectedly (so the client may retry it). */
  async release(projectId: string, key: string) {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE project_id = $1 AND key = $2 AND status_code IS NULL`,
      [projectId, key],
    );
  }

  /** Removes an expired row so the key can be claimed again. */
  async deleteIfOlderThan(projectId: string, key: string, before: Date) {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE project_id = $1 AND key = $2 AND created_at < $3`,
      [projectId, key, before],
    );
  }

  /** Bounded sweep of expired rows (called opportunistically). */
  async sweep(before: Date, limit = 1000): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE ctid IN (
         SELECT ctid FROM idempotency_keys WHERE created_at < $1 LIMIT $2)`,
      [before, limit],
    );
  }
}
