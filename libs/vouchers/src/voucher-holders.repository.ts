import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditService } from '@app/audit';
import { VoucherEntity } from './voucher.entity';

/**
 * Publication-side SQL on the vouchers table (used by @app/publications): claiming free codes
 * for a holder, atomically. Kept apart from VouchersRepository so the two evolve independently.
 */
@Injectable()
export class VoucherHoldersRepository {
  /** Raw SQL, unseen by the audit subscriber: each claim records itself through `audit`. */
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  private em(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  /**
   * Hands up to `count` free codes of a campaign to `holderId`: active, live, unexpired, no
   * holder yet. FOR UPDATE SKIP LOCKED lets concurrent publications take different rows without
   * waiting; the UPDATE re-checks `holder_id IS NULL`, so a code can never get two holders.
   * Returns what was claimed, possibly fewer than asked.
   */
  async claimFree(
    projectId: string,
    campaignId: string,
    holderId: string,
    count: number,
    em: EntityManager,
  ): Promise<{ id: string; code: string }[]> {
    const result = (await this.em(em).query(
      `WITH picked AS (
         SELECT id FROM vouchers
         WHERE project_id = $1 AND campaign_id = $2 AND holder_id IS NULL
           AND deleted_at IS NULL AND active
           AND (expiration_date IS NULL OR expiration_date > now())
         LIMIT $4
         FOR UPDATE SKIP LOCKED
       )
       UPDATE vouchers v
       SET holder_id = $3, publish_count = v.publish_count + 1, updated_at = now()
       FROM picked
       WHERE v.project_id = $1 AND v.id = picked.id AND v.holder_id IS NULL
       RETURNING v.id, v.code`,
      [projectId, campaignId, holderId, count],
    )) as unknown;
    const claimed = returned<{ id: string; code: string }>(result);
    await this.recordClaims(projectId, holderId, claimed, em);
    return claimed;
  }

  /** Hands one given voucher to `holderId` if it has no holder yet; false otherwise. */
  async claimOne(
    projectId: string,
    voucherId: string,
    holderId: string,
    em: EntityManager,
  ): Promise<boolean> {
    const result = (await this.em(em).query(
      `UPDATE vouchers
       SET holder_id = $3, publish_count = publish_count + 1, updated_at = now()
       WHERE project_id = $1 AND id = $2 AND holder_id IS NULL AND deleted_at IS NULL
       RETURNING id`,
      [projectId, voucherId, holderId],
    )) as unknown;
    const claimed = returned<{ id: string }>(result);
    await this.recordClaims(projectId, holderId, claimed, em);
    return claimed.length > 0;
  }

  private recordClaims(
    projectId: string,
    holderId: string,
    claimed: { id: string }[],
    em: EntityManager,
  ): Promise<void> {
    return this.audit.recordMany(
      this.em(em),
      claimed.map((v) => ({
        entityType: 'voucher',
        entityId: v.id,
        action: 'update',
        projectId,
        diff: { holder_id: holderId, publish_count_change: 1 },
      })),
    );
  }

  /** Vouchers by id (bin included: a publication still shows the code it handed out). */
  findByIds(projectId: string, ids: string[], em?: EntityManager): Promise<VoucherEntity[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.em(em)
      .getRepository(VoucherEntity)
      .find({ where: { projectId, id: In(ids) } });
  }
}

/** pg hands UPDATE ... RETURNING back through TypeORM as [rows, count]. */
function returned<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  )
    return result[0] as T[];
  return Array.isArray(result) ? (result as T[]) : [];
}
