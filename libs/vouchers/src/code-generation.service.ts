import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AsyncActionsService } from '@app/async-actions';
import { AppError, newId, rootLogger, TransactionRunner } from '@app/core';
import { ID_PREFIXES } from '@app/core';
import type { CampaignEntity } from './campaign.entity';
import { CampaignsRepository } from './campaigns.repository';
import { bulkIds, checkKeyspace, CodeConfig, CodeGenerator, likePattern } from './code-generation';
import { VoucherErrors } from './vouchers.errors';
import { VoucherTemplateRow, VouchersRepository } from './vouchers.repository';

/** Rows per INSERT statement and per transaction: big enough to amortise round trips, small enough for flat memory. */
export const GENERATION_BATCH = 5_000;
/** Consecutive batches that insert nothing before generation gives up (the keyspace is exhausted). */
const MAX_EMPTY_ROUNDS = 5;
/** Attempts for one code when a single voucher is generated synchronously. */
const SINGLE_CODE_ATTEMPTS = 20;

export class KeyspaceExhaustedError extends Error {}

export interface GenerationResult {
  generated: number;
  collisions: number;
}

/**
 * Code generation: checks the keyspace up front, then inserts codes in batched multi-row
 * INSERTs (one transaction per batch) that skip collisions through the unique index and
 * regenerate the missing ones. Memory stays flat whatever the count.
 */
@Injectable()
export class CodeGenerationService {
  constructor(
    private readonly vouchers: VouchersRepository,
    private readonly campaigns: CampaignsRepository,
    private readonly tx: TransactionRunner,
    private readonly asyncActions: AsyncActionsService,
  ) {}

  /** 400 with the numbers when `requested` more codes would use too much of the keyspace. */
  async assertKeyspace(
    projectId: string,
    config: CodeConfig,
    requested: number,
    em?: EntityManager,
  ) {
    const precheck = checkKeyspace(config, requested, 0);
    if (!precheck.ok) throw keyspaceError(precheck);
    // Only count existing codes when they could matter (a small keyspace).
    if (precheck.maxAllowed < 50_000_000) {
      const existing = await this.vouchers.countCodesLike(projectId, likePattern(config), em);
      const check = checkKeyspace(config, requested, existing);
      if (!check.ok) throw keyspaceError(check);
    }
  }

  /**
   * Inserts one voucher with a generated code, retrying on collision. `insert` performs the
   * INSERT ... ON CONFLICT DO NOTHING and returns whether the row went in.
   */
  async generateOne(
    config: CodeConfig,
    insert: (id: string, code: string) => Promise<boolean>,
  ): Promise<string> {
    const generator = new CodeGenerator(config);
    for (let attempt = 0; attempt < SINGLE_CODE_ATTEMPTS; attempt++) {
      const code = generator.one();
      if (await insert(newId('voucher'), code)) return code;
    }
    throw VoucherErrors.invalidPayload(
      'Property .code_config: no free code found; use a longer length or a larger charset',
    );
  }

  /**
   * Generates `count` codes of one template into a campaign, resuming after `alreadyDone`.
   * Each batch commits its vouchers, the campaign's vouchers_count and the async action's
   * progress together, so a retried job continues where the last one stopped.
   */
  async generateIntoCampaign(
    campaign: CampaignEntity,
    config: CodeConfig,
    template: VoucherTemplateRow,
    count: number,
    asyncActionId: string | null,
    alreadyDone = 0,
    batchSize = GENERATION_BATCH,
  ): Promise<GenerationResult> {
    const { projectId, id: campaignId } = campaign;
    const generator = new CodeGenerator(config);
    let done = alreadyDone;
    let collisions = 0;
    let emptyRounds = 0;
    while (done < count) {
      const n = Math.min(batchSize, count - done);
      const codes = generator.batch(n);
      const ids = bulkIds(ID_PREFIXES.voucher, n);
      const inserted = await this.tx.run(async (em) => {
        const live = await this.campaigns.findById(projectId, campaignId, em);
        if (!live || live.deletedAt) return -1;
        const added = await this.vouchers.insertGenerated(projectId, template, ids, codes, em);
        await this.campaigns.addVouchersCount(projectId, campaignId, added, em);
        if (asyncActionId) {
          await this.asyncActions.progress(
            projectId,
            asyncActionId,
            ((done + added) / count) * 100,
            { done_count: done + added, requested: count },
            em,
          );
        }
        return added;
      });
      if (inserted < 0)
        throw new AppError({
          status: 404,
          key: 'not_found',
          message: 'Campaign deleted during generation',
        });
      done += inserted;
      collisions += n - inserted;
      emptyRounds = inserted === 0 ? emptyRounds + 1 : 0;
      if (emptyRounds >= MAX_EMPTY_ROUNDS) {
        throw new KeyspaceExhaustedError(
          `code_config keyspace exhausted after ${done} of ${count} codes`,
        );
      }
    }
    if (collisions > 0)
      rootLogger().info({ campaignId, collisions }, 'code collisions regenerated');
    return { generated: done - alreadyDone, collisions };
  }
}

function keyspaceError(check: ReturnType<typeof checkKeyspace>): AppError {
  return VoucherErrors.keyspaceTooSmall(check.reason ?? 'keyspace too small', {
    keyspace: check.keyspace,
    requested: check.requested,
    existing: check.existing,
    max_allowed: check.maxAllowed,
  });
}
