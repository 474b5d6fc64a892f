import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The first response to a request sent with an `Idempotency-Key` header, kept 24 hours.
 * The primary key (project_id, key) is what makes concurrent duplicates safe: exactly one
 * INSERT wins, the others wait for its response or replay it.
 */
@Entity({ name: 'idempotency_keys' })
export class IdempotencyKeyEntity {
  @PrimaryColumn({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  key: string;

  /** sha256 of method, path (with query) and canonical JSON body. */
  @Column({ name: 'request_hash', type: 'varchar', length: 64 })
  requestHash: string;

  /** null while the first request is still running. */
  @Column({ name: 'status_code', type: 'int', nullable: true })
  statusCode: number | null;

  @Column({ type: 'jsonb', nullable: true })
  response: unknown;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
