import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CsvError, parse as parseCsv } from 'csv-parse';
import type { Readable } from 'node:stream';
import { EntityManager } from 'typeorm';
import { AsyncActionsService } from '@app/async-actions';
import {
  describeValidationErrors,
  Errors,
  isCheckViolation,
  listEnvelope,
  newId,
  paging,
  parseOrder,
  rootLogger,
  TransactionRunner,
} from '@app/core';
import { CustomersService } from '@app/customers';
import { EventsService, EventType, JobQueue } from '@app/queue';
import { ValidationRulesService } from '@app/validations';
import type { CampaignEntity } from './campaign.entity';
import { CampaignsRepository } from './campaigns.repository';
import { normalizeCodeConfig } from './code-generation';
import { CodeGenerationService } from './code-generation.service';
import { ChangeOrigin, INTERNAL_ORIGIN } from './voucher-events';
import { parseVoucherFilters } from './voucher-filters';
import { csvRecordToVoucher } from './voucher-import';
import {
  buildVoucherTemplateRow,
  checkCode,
  checkDates,
  normalizeDiscount,
  serializeBalance,
  serializeTransaction,
  serializeVoucher,
} from './voucher-rules';
import type { VoucherEntity } from './voucher.entity';
import {
  BalanceDto,
  CreateVoucherDto,
  ImportVoucherDto,
  ListTransactionsQueryDto,
  ListVouchersQueryDto,
  UpdateVoucherDto,
} from './vouchers.dto';
import { VoucherErrors } from './vouchers.errors';
import { VoucherInsertRow, VouchersRepository } from './vouchers.repository';

/** At most this many rows per import request (the contract's documented limit). */
export const MAX_IMPORT_ROWS = 100_000;
/** Rows per INSERT (and transaction) while importing. */
const IMPORT_BATCH = 1_000;
/** Per-row errors kept in the async action's result; the counts stay exact beyond it. */
const MAX_REPORTED_ERRORS = 1_000;

export interface ImportRowError {
  row: number;
  code: string | null;
  reason: string;
}

@Injectable()
export class VouchersService {
  constructor(
    private readonly repository: VouchersRepository,
    private readonly campaigns: CampaignsRepository,
    private readonly codegen: CodeGenerationService,
    private readonly tx: TransactionRunner,
    private readonly asyncActions: AsyncActionsService,
    private readonly queue: JobQueue,
    private readonly rules: ValidationRulesService,
    private readonly events: EventsService,
    private readonly customers: CustomersService,
  ) {}

  /** POST /v1/vouchers/{code} (pathCode) or POST /v1/vouchers (code from the body or generated). */
  async create(
    projectId: string,
    pathCode: string | undefined,
    dto: CreateVoucherDto,
    origin: ChangeOrigin = INTERNAL_ORIGIN,
  ) {
    const code = pathCode !== undefined ? checkCode(pathCode) : dto.code;
    const campaignKey = dto.campaign_id ?? dto.campaign;
    const campaign = campaignKey ? await this.findCampaign(projectId, campaignKey) : null;
    if (campaign?.type === 'STANDALONE') throw VoucherErrors.standaloneCampaign();
    const row = buildVoucherTemplateRow(dto, campaign);
    const insert = (id: string, c: string) =>
      this.tx.run(async (em) => {
        const inserted = await this.repository.insertMany(projectId, [{ ...row, id, code: c }], em);
        if (!inserted.length) return false;
        if (campaign) await this.campaigns.addVouchersCount(projectId, campaign.id, 1, em);
        if (dto.validation_rules?.length)
          await this.rules.setAssignmentsFor(
            projectId,
            { type: 'voucher', id },
            dto.validation_rules,
            em,
          );
        await this.recordChange(projectId, 'voucher.created', id, origin, em);
        return true;
      });
    if (code !== undefined) {
      if (!(await insert(newId('voucher'), code))) throw VoucherErrors.duplicateVoucher(code);
      return this.get(projectId, code);
    }
    const config = normalizeCodeConfig(dto.code_config ?? campaign?.voucher.code_config);
    await this.codegen.assertKeyspace(projectId, config, 1);
    return this.get(projectId, await this.codegen.generateOne(config, insert));
  }

  async get(projectId: string, codeOrId: string) {
    const voucher = await this.findLive(projectId, codeOrId);
    return this.serialize(projectId, voucher);
  }

  async update(
    projectId: string,
    codeOrId: string,
    dto: UpdateVoucherDto,
    origin: ChangeOrigin = INTERNAL_ORIGIN,
  ) {
    const changed = await this.tx.run(async (em) => {
      const v = await this.findLive(projectId, codeOrId, em, true);
      if (dto.type && dto.type !== v.type)
        throw VoucherErrors.invalidVoucher('It is not possible to change Voucher type');
      const changes: Record<string, unknown> = {};
      if (dto.discount) {
        if (v.type !== 'DISCOUNT_VOUCHER')
          throw VoucherErrors.invalidVoucher(
            `Voucher ${v.code} is a ${v.type}; it has no discount`,
          );
        if (v.discount && dto.discount.type !== v.discount.type)
          throw VoucherErrors.invalidVoucher('It is not possible to change Voucher discount type');
        changes.discount = normalizeDiscount(dto.discount);
      }
      if (dto.gift) {
        if (v.type !== 'GIFT_VOUCHER')
          throw VoucherErrors.invalidVoucher(`Voucher ${v.code} is a ${v.type}; it has no gift`);
        if (dto.gift.amount !== v.giftAmount)
          throw VoucherErrors.invalidVoucher(
            'Change a gift balance through POST /v1/vouchers/{code}/balance',
          );
        if (dto.gift.effect) changes.gift_effect = dto.gift.effect;
      }
      if (dto.loyalty_card)
        throw VoucherErrors.invalidVoucher('LOYALTY_CARD vouchers are not supported yet');
      const copy: [keyof UpdateVoucherDto, string][] = [
        ['category', 'category'],
        ['start_date', 'start_date'],
        ['expiration_date', 'expiration_date'],
        ['validity_timeframe', 'validity_timeframe'],
        ['validity_day_of_week', 'validity_day_of_week'],
        ['validity_hours', 'validity_hours'],
        ['active', 'active'],
        ['additional_info', 'additional_info'],
        ['holder_id', 'holder_id'],
        ['is_referral_code', 'is_referral_code'],
      ];
      for (const [field, column] of copy)
        if (dto[field] !== undefined) changes[column] = plain(dto[field]);
      if (dto.metadata !== undefined) changes.metadata = dto.metadata ?? {};
      if (dto.redemption && dto.redemption.quantity !== undefined)
        changes.redemption_quantity = dto.redemption.quantity;
      if (dto.publish?.count !== undefined) changes.publish_count = dto.publish.count;
      checkDates(
        dto.start_date !== undefined ? dto.start_date : v.startDate,
        dto.expiration_date !== undefined ? dto.expiration_date : v.expirationDate,
        dto.validity_timeframe !== undefined ? dto.validity_timeframe : v.validityTimeframe,
      );
      try {
        await this.repository.update(projectId, v.id, changes, em);
      } catch (error) {
        if (isCheckViolation(error, 'ck_vouchers_redeemed_quantity'))
          throw VoucherErrors.quantityBelowRedeemed();
        throw error;
      }
      if (dto.validation_rules !== undefined)
        await this.rules.setAssignmentsFor(
          projectId,
          { type: 'voucher', id: v.id },
          dto.validation_rules,
          em,
        );
      await this.recordChange(projectId, 'voucher.updated', v.id, origin, em);
      return v.id;
    });
    return this.get(projectId, changed);
  }

  /** Soft delete into the bin by default; `force` removes the row and frees the code. */
  async delete(
    projectId: string,
    codeOrId: string,
    force: boolean,
    origin: ChangeOrigin = INTERNAL_ORIGIN,
  ): Promise<void> {
    await this.tx.run(async (em) => {
      const v = force
        ? await this.repository.findAny(projectId, codeOrId, em)
        : await this.repository.findLive(projectId, codeOrId, em);
      if (!v) throw VoucherErrors.voucherNotFound(codeOrId);
      // Serialized before the row (and its assignments) go.
      await this.record(projectId, 'voucher.deleted', v.id, origin, em, {
        voucher: await this.serialize(projectId, v, em),
      });
      if (force) {
        await this.repository.hardDelete(projectId, v.id, em);
        await this.rules.deleteAssignmentsOfObjects(projectId, 'voucher', [v.id], em);
      } else await this.repository.softDelete(projectId, v.id, em);
      if (v.campaignId && !v.deletedAt)
        await this.campaigns.addVouchersCount(projectId, v.campaignId, -1, em);
    });
  }

  async setActive(
    projectId: string,
    codeOrId: string,
    active: boolean,
    origin: ChangeOrigin = INTERNAL_ORIGIN,
  ) {
    return this.tx.run(async (em) => {
      const v = await this.findLive(projectId, codeOrId, em, true);
      await this.repository.update(projectId, v.id, { active }, em);
      const type = active ? 'voucher.enabled' : 'voucher.disabled';
      return this.recordChange(projectId, type, v.id, origin, em);
    });
  }

  /**
   * Records a voucher event whose data is the voucher as the API serializes it now, inside the
   * caller's transaction; returns that serialization. Also used by campaigns (vouchers added
   * one at a time).
   */
  async recordChange(
    projectId: string,
    type: EventType,
    voucherId: string,
    origin: ChangeOrigin,
    em: EntityManager,
  ) {
    const voucher = await this.serialize(
      projectId,
      await this.findLive(projectId, voucherId, em),
      em,
    );
    await this.record(projectId, type, voucherId, origin, em, { voucher });
    return voucher;
  }

  private async record(
    projectId: string,
    type: EventType,
    voucherId: string,
    origin: ChangeOrigin,
    em: EntityManager,
    data: Record<string, unknown>,
  ) {
    await this.events.record(em, {
      projectId,
      type,
      entityId: voucherId,
      data,
      source: origin.source,
      groupId: origin.requestId,
    });
  }

  async list(projectId: string, query: ListVouchersQueryDto) {
    const order = parseOrder(query.order, ['created_at', 'updated_at', 'code'] as const, {
      field: 'created_at',
      direction: 'DESC',
    });
    const page = paging(query);
    const filters = parseVoucherFilters(query.filters);
    let campaignId = query.campaign_id;
    if (query.campaign !== undefined) {
      const campaign = await this.campaigns.findLive(projectId, query.campaign);
      if (!campaign || (campaignId !== undefined && campaign.id !== campaignId))
        return listEnvelope('vouchers', [], 0);
      campaignId = campaign.id;
    }
    let holderIds: string[] | undefined;
    if (query.customer !== undefined) {
      // A `cust_` id or a source_id; the raw value also matches holders whose customer is gone.
      const customerId = await this.customers.idOf(projectId, query.customer);
      holderIds = [...new Set([query.customer, ...(customerId ? [customerId] : [])])];
    }
    const { vouchers, total } = await this.repository.list(
      projectId,
      {
        campaignId,
        category: query.category,
        holderIds,
        code: query.code,
        ids: query.ids,
        createdAt: dateRange(query.created_at),
        updatedAt: dateRange(query.updated_at),
        filters,
      },
      order,
      page,
    );
    const names = await this.campaigns.namesByIds(projectId, [
      ...new Set(vouchers.map((v) => v.campaignId).filter((id): id is string => !!id)),
    ]);
    const assignments = await this.rules.assignmentsOf(
      projectId,
      vouchers.map((v) => ({ type: 'voucher' as const, id: v.id })),
    );
    return listEnvelope(
      'vouchers',
      vouchers.map((v) =>
        serializeVoucher(
          v,
          v.campaignId ? (names.get(v.campaignId) ?? null) : null,
          assignments.get(v.id),
        ),
      ),
      total,
    );
  }

  /** Adds (amount > 0) or removes (amount < 0) gift balance; every change is a transaction row. */
  async changeBalance(
    projectId: string,
    codeOrId: string,
    dto: BalanceDto,
    origin: ChangeOrigin = INTERNAL_ORIGIN,
  ) {
    if (dto.amount === 0) throw Errors.invalidPayload('Property .amount must not be 0');
    return this.tx.run(async (em) => {
      const v = await this.findLive(projectId, codeOrId, em);
      if (v.type !== 'GIFT_VOUCHER') throw VoucherErrors.notAGiftVoucher(v.code);
      const change = await this.repository.changeGiftBalance(projectId, v.id, dto.amount, em);
      if (!change) throw VoucherErrors.insufficientBalance(v.code, v.giftBalance ?? 0, dto.amount);
      const transaction = await this.repository.insertTransaction(
        {
          id: newId('transaction'),
          projectId,
          voucherId: v.id,
          campaignId: v.campaignId,
          sourceId: dto.source_id ?? null,
          source: 'API',
          reason: dto.reason ?? null,
          type: dto.amount > 0 ? 'CREDITS_ADDITION' : 'CREDITS_REMOVAL',
          amount: dto.amount,
          balance: change.balance,
          total: change.total,
          relatedTransactionId: null,
        },
        em,
      );
      const balance = serializeBalance(dto.amount, change.total, change.balance, v.id);
      const voucher = await this.serialize(projectId, await this.findLive(projectId, v.id, em), em);
      const data = { voucher, balance, transaction: serializeTransaction(transaction) };
      if (dto.amount > 0)
        await this.record(projectId, 'voucher.gift.balance_added', v.id, origin, em, data);
      await this.record(projectId, 'voucher.gift.transaction.created', v.id, origin, em, data);
      return balance;
    });
  }

  async listTransactions(projectId: string, codeOrId: string, query: ListTransactionsQueryDto) {
    const v = await this.findLive(projectId, codeOrId);
    const limit = query.limit ?? 10;
    const rows = await this.repository.listTransactions(
      projectId,
      v.id,
      limit,
      query.order === 'id' ? 'ASC' : 'DESC',
      query.starting_after_id,
    );
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit);
    return listEnvelope('data', page.map(serializeTransaction), undefined, {
      has_more: hasMore,
      more_starting_after: hasMore ? page[page.length - 1].id : null,
    });
  }

  /** Accepts a JSON import: 202 with the async action that reports the outcome. */
  async acceptImport(
    projectId: string,
    rows: unknown,
    type: string,
    requestId: string | null,
    campaignId: string | null = null,
  ) {
    if (!Array.isArray(rows)) throw Errors.invalidPayload('Body must be a JSON array of vouchers');
    if (rows.length === 0) throw Errors.invalidPayload('Body must hold at least one voucher');
    if (rows.length > MAX_IMPORT_ROWS)
      throw Errors.invalidPayload(`At most ${MAX_IMPORT_ROWS} vouchers can be imported at once`);
    const action = await this.asyncActions.create(projectId, type, requestId);
    await this.queue.enqueue(
      'vouchers.import',
      { projectId, asyncActionId: action.id, campaignId, rows },
      { jobId: `vouchers.import.${action.id}`, attempts: 3 },
    );
    return { async_action_id: action.id };
  }

  /** Streams a CSV upload through the parser into import rows (bounded), then accepts them. */
  async acceptCsvImport(
    projectId: string,
    file: Readable,
    requestId: string | null,
    campaignId: string | null = null,
    type = 'VOUCHERS.IMPORT_CSV',
  ) {
    const rows: Record<string, unknown>[] = [];
    const parser = file.pipe(
      parseCsv({
        columns: true,
        bom: true,
        skip_empty_lines: true,
        trim: true,
        relax_column_count: true,
        max_record_size: 65_536,
      }),
    );
    try {
      for await (const record of parser as AsyncIterable<Record<string, string>>) {
        if (rows.length >= MAX_IMPORT_ROWS)
          throw Errors.invalidPayload(
            `At most ${MAX_IMPORT_ROWS} vouchers can be imported at once`,
          );
        rows.push(csvRecordToVoucher(record));
      }
    } catch (error) {
      file.resume();
      if (error instanceof CsvError)
        throw Errors.invalidPayload(`Property .file: ${error.message}`);
      throw error;
    }
    return this.acceptImport(projectId, rows, type, requestId, campaignId);
  }

  /**
   * The import job: validates every row on its own, inserts the valid ones in batches (one
   * statement per batch, so a row is written whole or not at all) and reports the rest.
   */
  async runImport(
    projectId: string,
    asyncActionId: string,
    campaignId: string | null,
    rows: unknown[],
  ) {
    await this.asyncActions.start(projectId, asyncActionId);
    let campaign: CampaignEntity | null = null;
    if (campaignId) {
      campaign = await this.campaigns.findById(projectId, campaignId);
      if (!campaign || campaign.deletedAt) {
        await this.asyncActions.fail(projectId, asyncActionId, {
          message: `Campaign ${campaignId} was deleted`,
        });
        return;
      }
    }
    const errors: ImportRowError[] = [];
    let failed = 0;
    let done = 0;
    const report = (e: ImportRowError) => {
      failed++;
      if (errors.length < MAX_REPORTED_ERRORS) errors.push(e);
    };
    for (let start = 0; start < rows.length; start += IMPORT_BATCH) {
      const built: { index: number; row: VoucherInsertRow; ruleIds: string[] }[] = [];
      rows.slice(start, start + IMPORT_BATCH).forEach((raw, offset) => {
        const index = start + offset;
        const result = this.buildImportRow(raw, campaign);
        if (typeof result === 'string') report({ row: index, code: codeOf(raw), reason: result });
        else built.push({ index, ...result });
      });
      const known = await this.rules.existingRuleIds(
        projectId,
        built.flatMap((b) => b.ruleIds),
      );
      const batch = built.filter((b) => {
        const unknown = b.ruleIds.filter((id) => !known.has(id));
        if (unknown.length)
          report({
            row: b.index,
            code: b.row.code,
            reason: `Validation rule(s) ${unknown.join(', ')} not found`,
          });
        return unknown.length === 0;
      });
      const inserted = await this.tx.run(async (em) => {
        const codes = await this.repository.insertMany(
          projectId,
          batch.map((b) => b.row),
          em,
        );
        if (campaign)
          await this.campaigns.addVouchersCount(projectId, campaign.id, codes.length, em);
        const fresh = new Set(codes);
        for (const b of batch)
          if (b.ruleIds.length && fresh.has(b.row.code))
            await this.rules.setAssignmentsFor(
              projectId,
              { type: 'voucher', id: b.row.id },
              b.ruleIds,
              em,
            );
        return codes;
      });
      const fresh = new Set(inserted);
      for (const { index, row } of batch) {
        if (fresh.delete(row.code)) done++;
        else
          report({
            row: index,
            code: row.code,
            reason: `Duplicated voucher exists with id ${row.code}`,
          });
      }
      await this.asyncActions.progress(
        projectId,
        asyncActionId,
        ((start + IMPORT_BATCH) / rows.length) * 100,
      );
    }
    const result = {
      done_count: done,
      failed_count: failed,
      failed: errors,
      message: `${done} voucher(s) imported, ${failed} failed`,
    };
    rootLogger().info({ projectId, asyncActionId, done, failed }, 'voucher import finished');
    await this.asyncActions.succeed(projectId, asyncActionId, result);
  }

  private buildImportRow(
    raw: unknown,
    campaign: CampaignEntity | null,
  ): { row: VoucherInsertRow; ruleIds: string[] } | string {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      return 'Row must be an object';
    const dto = plainToInstance(ImportVoucherDto, raw);
    const problems = validateSync(dto, {
      whitelist: true,
      validationError: { target: false, value: false },
    });
    if (problems.length) return describeValidationErrors(problems).join('; ');
    try {
      return {
        row: { ...buildVoucherTemplateRow(dto, campaign), id: newId('voucher'), code: dto.code },
        ruleIds: [...new Set(dto.validation_rules ?? [])],
      };
    } catch (error) {
      if (error instanceof Error && 'key' in error)
        return `${(error as { details?: string }).details ?? error.message}`;
      throw error;
    }
  }

  private async findCampaign(projectId: string, key: string, em?: EntityManager) {
    const campaign = await this.campaigns.findLive(projectId, key, em);
    if (!campaign) throw VoucherErrors.campaignNotFound(key);
    return campaign;
  }

  private async findLive(projectId: string, codeOrId: string, em?: EntityManager, lock = false) {
    const v = await this.repository.findLive(projectId, codeOrId, em, lock);
    if (!v) throw VoucherErrors.voucherNotFound(codeOrId);
    return v;
  }

  private async serialize(projectId: string, v: VoucherEntity, em?: EntityManager) {
    const names = v.campaignId
      ? await this.campaigns.namesByIds(projectId, [v.campaignId], em)
      : new Map<string, string>();
    const assignments = await this.rules.assignmentsOf(
      projectId,
      [{ type: 'voucher', id: v.id }],
      em,
    );
    return serializeVoucher(
      v,
      v.campaignId ? (names.get(v.campaignId) ?? null) : null,
      assignments.get(v.id),
    );
  }
}

function codeOf(raw: unknown): string | null {
  const code = (raw as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

function dateRange(range?: { before?: string; after?: string }) {
  if (!range) return undefined;
  return {
    before: range.before ? new Date(range.before) : undefined,
    after: range.after ? new Date(range.after) : undefined,
  };
}

/** DTO instances to plain JSON values (nested class instances serialise the same). */
function plain(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? JSON.parse(JSON.stringify(value)) : value;
}
