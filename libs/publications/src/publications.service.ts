import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  AppError,
  isUniqueViolation,
  listEnvelope,
  ListQueryDto,
  newId,
  paging,
  parseOrder,
  rootLogger,
  SortOrder,
  TransactionRunner,
} from '@app/core';
import { CustomersService } from '@app/customers';
import { EventsService, eventSourceOf } from '@app/queue';
import type { EventSource } from '@app/queue';
import type { AuthContext } from '@app/tenancy';
import {
  buildVoucherTemplateRow,
  CampaignEntity,
  CampaignsRepository,
  CodeGenerationService,
  normalizeCodeConfig,
  serializeVoucher,
  VoucherErrors,
  VoucherHoldersRepository,
  VouchersRepository,
} from '@app/vouchers';
import { parsePublicationFilters, voucherTypeOf } from './publication-filters';
import { PublicationRecord, PublishedCode, serializePublication } from './publication.mapping';
import {
  MAX_PUBLICATION_COUNT,
  normalizePublishRequest,
  PublishInput,
  repeatsPublication,
} from './publication-request';
import {
  ClientPublishBodyDto,
  ClientPublishQueryDto,
  ListPublicationsQueryDto,
  PUBLICATION_ORDER_FIELDS,
  PublishQueryDto,
  PublishRequestDto,
} from './publications.dto';
import { isRecordedFailure, PublicationErrors } from './publications.errors';
import {
  JOIN_ONCE_INDEX,
  PublicationSortField,
  PublicationsRepository,
  SOURCE_ID_INDEX,
} from './publications.repository';

const NEWEST_FIRST: SortOrder<PublicationSortField> = { field: 'created_at', direction: 'DESC' };

/** What an attempt had resolved before it failed: recorded on the FAILURE row. */
interface AttemptContext {
  campaignId?: string;
  customerId?: string;
  voucherCode?: string;
  voucherType?: string;
  isReferralCode?: boolean;
}

/**
 * Publications: hand codes to customers. One transaction upserts the customer, inserts the
 * publication row (its partial unique indexes settle source_id and join_once races), claims
 * free codes with FOR UPDATE SKIP LOCKED (or generates them for AUTO_UPDATE campaigns) and
 * records which codes went out. A failed attempt is rolled back and then recorded on its own.
 */
@Injectable()
export class PublicationsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repository: PublicationsRepository,
    private readonly customers: CustomersService,
    private readonly campaigns: CampaignsRepository,
    private readonly vouchers: VouchersRepository,
    private readonly holders: VoucherHoldersRepository,
    private readonly codegen: CodeGenerationService,
    private readonly events: EventsService,
  ) {}

  /** POST /v1/publications (join_once in the body or the query). */
  create(auth: AuthContext, body: PublishRequestDto, query: PublishQueryDto) {
    const input = normalizePublishRequest(body, {
      queryJoinOnce: query.join_once,
      defaultChannel: 'API',
      maxCount: MAX_PUBLICATION_COUNT,
    });
    return this.publish(auth, input);
  }

  /** GET /v1/publications/create: the same request in deepObject query parameters, one code. */
  createFromQuery(auth: AuthContext, query: PublishRequestDto) {
    const input = normalizePublishRequest(query, { defaultChannel: 'API', maxCount: 1 });
    return this.publish(auth, input);
  }

  /**
   * POST /client/v1/publish?campaign=NAME with a client-side key. A publishable key is public,
   * so the customer is identified by source_id only: profile fields in the body are ignored
   * rather than letting any page visitor overwrite a customer's name or email.
   */
  publishFromClient(auth: AuthContext, query: ClientPublishQueryDto, body: ClientPublishBodyDto) {
    const sourceId = body.customer?.source_id;
    const input = normalizePublishRequest(
      { ...body, customer: sourceId ? { source_id: sourceId } : {}, campaign: query.campaign },
      { queryJoinOnce: query.join_once, defaultChannel: auth.channel, maxCount: 1 },
    );
    return this.publish(auth, input);
  }

  async list(projectId: string, query: ListPublicationsQueryDto) {
    const sort = parseOrder(query.order, PUBLICATION_ORDER_FIELDS, NEWEST_FIRST);
    const { rows, total } = await this.repository.list(
      projectId,
      {
        campaign: query.campaign,
        customer: query.customer,
        voucher: query.voucher,
        result: query.result,
        voucherType: query.voucher_type ? voucherTypeOf(query.voucher_type) : undefined,
        isReferralCode: query.is_referral_code,
        sourceId: query.source_id,
        filters: parsePublicationFilters(query.filters),
      },
      sort,
      paging(query),
    );
    return listEnvelope('publications', await this.serializeMany(projectId, rows), total);
  }

  /**
   * GET /v1/vouchers/{code}/publications (the voucher's `publish.url`): the successful
   * publications that handed out this code, newest first, in the older API's
   * `data_ref: 'entries'` envelope the contract names for this sub-list.
   */
  async listForVoucher(projectId: string, codeOrId: string, query: ListQueryDto) {
    const voucher = await this.vouchers.findLive(projectId, codeOrId);
    if (!voucher) throw VoucherErrors.voucherNotFound(codeOrId);
    const sort = parseOrder(query.order, PUBLICATION_ORDER_FIELDS, NEWEST_FIRST);
    const { rows, total } = await this.repository.list(
      projectId,
      {
        voucher: voucher.code,
        result: 'SUCCESS',
        filters: parsePublicationFilters(undefined),
      },
      sort,
      paging(query),
    );
    return listEnvelope('entries', await this.serializeMany(projectId, rows), total);
  }

  private async publish(auth: AuthContext, input: PublishInput) {
    const projectId = auth.projectId;
    if (input.sourceId !== undefined) {
      const existing = await this.repository.findBySourceId(projectId, input.sourceId);
      if (existing) return this.replay(projectId, existing, input);
    }
    const context: AttemptContext = {};
    try {
      const id = await this.tx.run((em) =>
        this.publishInTransaction(projectId, input, context, em, eventSourceOf(auth)),
      );
      return await this.get(projectId, id);
    } catch (error) {
      // A concurrent request committed the same source_id or join_once first: answer with it.
      if (input.sourceId !== undefined && isUniqueViolation(error, SOURCE_ID_INDEX)) {
        const existing = await this.repository.findBySourceId(projectId, input.sourceId);
        if (existing) return this.replay(projectId, existing, input);
      }
      if (
        context.campaignId !== undefined &&
        context.customerId !== undefined &&
        isUniqueViolation(error, JOIN_ONCE_INDEX)
      ) {
        const existing = await this.repository.findSuccessFor(
          projectId,
          context.campaignId,
          context.customerId,
        );
        if (existing) return (await this.serializeMany(projectId, [existing]))[0];
      }
      if (isRecordedFailure(error)) await this.recordFailure(projectId, input, context, error);
      throw error;
    }
  }

  /** Returns the publication id (a new one, or the customer's earlier one under join_once). */
  private async publishInTransaction(
    projectId: string,
    input: PublishInput,
    context: AttemptContext,
    em: EntityManager,
    source: EventSource,
  ): Promise<string> {
    // The customer row stays locked until commit, so one customer's publications run one at
    // a time: a join_once repeat then sees the first one's committed row.
    const customer = await this.customers.upsert(projectId, input.customer, em);
    context.customerId = customer.id;
    const base = {
      customerId: customer.id,
      trackingId: customer.sourceId,
      sourceId: input.sourceId ?? null,
      channel: input.channel,
      metadata: input.metadata,
      result: 'SUCCESS' as const,
      failureCode: null,
      failureMessage: null,
    };

    if (input.voucher !== undefined) {
      context.voucherCode = input.voucher;
      const voucher = await this.vouchers.findLive(projectId, input.voucher, em);
      if (!voucher) throw PublicationErrors.voucherNotFound(input.voucher);
      context.voucherCode = voucher.code;
      context.campaignId = voucher.campaignId ?? undefined;
      context.voucherType = voucher.type;
      context.isReferralCode = voucher.isReferralCode;
      const id = newId('publication');
      await this.repository.insert(
        projectId,
        {
          ...base,
          id,
          campaignId: voucher.campaignId,
          joinOnce: false,
          voucherCode: voucher.code,
          voucherType: voucher.type,
          isReferralCode: voucher.isReferralCode,
        },
        em,
      );
      if (!(await this.holders.claimOne(projectId, voucher.id, customer.id, em)))
        throw PublicationErrors.voucherAlreadyPublished(voucher.code, voucher.id);
      const published = [{ voucherId: voucher.id, code: voucher.code }];
      await this.repository.addCodes(projectId, id, published, em);
      await this.recordPublished(
        projectId,
        id,
        customer,
        voucher.campaignId,
        published,
        input,
        source,
        em,
      );
      return id;
    }

    const { key, count } = input.campaign!;
    const campaign = await this.campaigns.findLive(projectId, key, em);
    if (!campaign) throw PublicationErrors.campaignNotFound(key);
    context.campaignId = campaign.id;
    context.voucherType = campaign.voucher.type;
    context.isReferralCode = campaign.voucher.is_referral_code ?? false;
    assertPublishable(campaign);
    const joinOnce = input.joinOnce || campaign.joinOnce;
    if (joinOnce) {
      const earlier = await this.repository.findSuccessFor(projectId, campaign.id, customer.id, em);
      if (earlier) return earlier.id;
    }
    // Inserted before any code is claimed: a racing duplicate (source_id, join_once) waits
    // here on the unique index holding no voucher or campaign locks, then fails cleanly.
    const id = newId('publication');
    await this.repository.insert(
      projectId,
      {
        ...base,
        id,
        campaignId: campaign.id,
        joinOnce,
        voucherCode: null,
        voucherType: campaign.voucher.type,
        isReferralCode: campaign.voucher.is_referral_code ?? false,
      },
      em,
    );
    const codes: PublishedCode[] = (
      await this.holders.claimFree(projectId, campaign.id, customer.id, count, em)
    ).map((v) => ({ voucherId: v.id, code: v.code }));
    if (codes.length < count) {
      if (campaign.type !== 'AUTO_UPDATE')
        throw PublicationErrors.noVoucherSuitable(
          `Campaign ${campaign.name} has ${codes.length === 0 ? 'no' : 'too few'} free codes (${campaign.type})`,
        );
      codes.push(
        ...(await this.generateFor(projectId, campaign, customer.id, count - codes.length, em)),
      );
    }
    await this.repository.addCodes(projectId, id, codes, em);
    await this.recordPublished(projectId, id, customer, campaign.id, codes, input, source, em);
    return id;
  }

  /** Outbox events in the publication's own transaction: one for it, one per code handed out. */
  private async recordPublished(
    projectId: string,
    publicationId: string,
    customer: { id: string; sourceId: string | null },
    campaignId: string | null,
    codes: PublishedCode[],
    input: PublishInput,
    source: EventSource,
    em: EntityManager,
  ): Promise<void> {
    const customerRef = { id: customer.id, source_id: customer.sourceId, object: 'customer' };
    const held = await this.holders.findByIds(
      projectId,
      codes.map((c) => c.voucherId),
      em,
    );
    const vouchers = held.map((v) => ({
      id: v.id,
      code: v.code,
      campaign_id: v.campaignId,
      gift: v.giftBalance === null ? null : { balance: v.giftBalance },
    }));
    await this.events.record(em, {
      projectId,
      type: 'publication.succeeded',
      entityId: publicationId,
      source,
      data: {
        publication: {
          id: publicationId,
          customer_id: customer.id,
          campaign_id: campaignId,
          channel: input.channel,
          source_id: input.sourceId ?? null,
          metadata: input.metadata ?? {},
          voucher: vouchers[0],
          vouchers,
          object: 'publication',
        },
        customer: customerRef,
      },
    });
    for (const code of codes) {
      await this.events.record(em, {
        projectId,
        type: 'voucher.published',
        entityId: code.voucherId,
        source,
        data: {
          voucher: {
            id: code.voucherId,
            code: code.code,
            campaign_id: campaignId,
            object: 'voucher',
          },
          customer: customerRef,
          publication: { id: publicationId },
        },
      });
    }
  }

  /** AUTO_UPDATE: new codes from the campaign's template, born held by the customer. */
  private async generateFor(
    projectId: string,
    campaign: CampaignEntity,
    holderId: string,
    n: number,
    em: EntityManager,
  ): Promise<PublishedCode[]> {
    const config = normalizeCodeConfig(campaign.voucher.code_config);
    await this.codegen.assertKeyspace(projectId, config, n, em);
    const row = { ...buildVoucherTemplateRow({}, campaign), holder_id: holderId, publish_count: 1 };
    const generated: PublishedCode[] = [];
    for (let i = 0; i < n; i++) {
      let voucherId = '';
      const code = await this.codegen.generateOne(config, async (id, candidate) => {
        voucherId = id;
        const inserted = await this.vouchers.insertMany(
          projectId,
          [{ ...row, id, code: candidate }],
          em,
        );
        return inserted.length > 0;
      });
      generated.push({ voucherId, code });
    }
    await this.campaigns.addVouchersCount(projectId, campaign.id, n, em);
    return generated;
  }

  /** A repeated source_id: the stored publication when the request matches, else 400. */
  private async replay(projectId: string, existing: PublicationRecord, input: PublishInput) {
    const codes = (await this.repository.codesOf(projectId, [existing.id])).get(existing.id) ?? [];
    const stored = {
      customerId: existing.customerId,
      customerSourceId: existing.customer?.source_id ?? existing.trackingId,
      campaignId: existing.campaignId,
      campaignName: existing.campaignName,
      codes: codes.map((c) => c.code),
    };
    if (!repeatsPublication(stored, input))
      throw PublicationErrors.duplicateSourceId(input.sourceId ?? '');
    return (await this.serializeMany(projectId, [existing]))[0];
  }

  /** The failed attempt was rolled back; its FAILURE row is written in a transaction of its own. */
  private async recordFailure(
    projectId: string,
    input: PublishInput,
    context: AttemptContext,
    error: AppError,
  ): Promise<void> {
    try {
      await this.tx.run(async (em) => {
        // The attempt's customer upsert was rolled back with it.
        const customer = await this.customers.upsert(projectId, input.customer, em);
        await this.repository.insert(
          projectId,
          {
            id: newId('publication'),
            campaignId: context.campaignId ?? null,
            customerId: customer.id,
            trackingId: customer.sourceId,
            sourceId: input.sourceId ?? null,
            channel: input.channel,
            metadata: input.metadata,
            result: 'FAILURE',
            failureCode: error.key,
            failureMessage: error.details ?? error.message,
            joinOnce: false,
            voucherCode: context.voucherCode ?? null,
            voucherType: context.voucherType ?? null,
            isReferralCode: context.isReferralCode ?? null,
          },
          em,
        );
      });
    } catch (recordError) {
      rootLogger().error(
        { projectId, err: (recordError as Error).message, failure: error.key },
        'could not record a failed publication',
      );
    }
  }

  private async get(projectId: string, id: string) {
    const record = await this.repository.findById(projectId, id);
    if (!record) throw new Error(`publication ${id} vanished after commit`);
    return (await this.serializeMany(projectId, [record]))[0];
  }

  /** Publication objects with their vouchers, in three queries whatever the page size. */
  private async serializeMany(projectId: string, records: PublicationRecord[]) {
    const codes = await this.repository.codesOf(
      projectId,
      records.map((r) => r.id),
    );
    const singleIds = records
      .map((r) => codes.get(r.id) ?? [])
      .filter((list) => list.length === 1)
      .map((list) => list[0].voucherId);
    const vouchers = new Map(
      (await this.holders.findByIds(projectId, singleIds)).map((v) => [v.id, v]),
    );
    const names = await this.campaigns.namesByIds(projectId, [
      ...new Set(
        [...vouchers.values()].map((v) => v.campaignId).filter((id): id is string => !!id),
      ),
    ]);
    return records.map((r) =>
      serializePublication(r, codes.get(r.id) ?? [], (voucherId, code) => {
        const v = vouchers.get(voucherId);
        if (!v) return { id: voucherId, code, object: 'voucher' };
        return serializeVoucher(v, v.campaignId ? (names.get(v.campaignId) ?? null) : null);
      }),
    );
  }
}

/** A disabled or ended campaign has nothing suitable to hand out. */
function assertPublishable(campaign: CampaignEntity): void {
  if (!campaign.active)
    throw PublicationErrors.noVoucherSuitable(`Campaign ${campaign.name} is disabled`);
  if (campaign.expirationDate && campaign.expirationDate.getTime() <= Date.now())
    throw PublicationErrors.noVoucherSuitable(`Campaign ${campaign.name} has expired`);
}
