import { Injectable } from '@nestjs/common';
import { bucketStarts, Granularity, MAX_RANGE_MS } from './reports.logic';
import { ReportsErrors } from './reports.errors';
import { Range, ReportsRepository } from './reports.repository';

const DEFAULT_RANGE_MS = 30 * 24 * 3600_000;

/**
 * The range of a report: `end_date` defaults to now, `start_date` to 30 days before it (the
 * campaign summary defaults to all time instead). Bounded to a year so a series stays small.
 */
export function resolveRange(
  start: string | undefined,
  end: string | undefined,
  now: Date,
  allTimeByDefault = false,
): { range: Range; openStart: boolean } {
  const endDate = end ? new Date(end) : now;
  const openStart = !start && allTimeByDefault;
  const startDate = start
    ? new Date(start)
    : openStart
      ? new Date(0)
      : new Date(endDate.getTime() - DEFAULT_RANGE_MS);
  if (startDate.getTime() >= endDate.getTime())
    throw ReportsErrors.invalidRange('start_date must be before end_date');
  if (!openStart && endDate.getTime() - startDate.getTime() > MAX_RANGE_MS)
    throw ReportsErrors.invalidRange('The range may span at most 366 days');
  return { range: { start: startDate, end: endDate }, openStart };
}

@Injectable()
export class ReportsService {
  constructor(private readonly repository: ReportsRepository) {}

  private async campaign(projectId: string, idOrName: string) {
    const campaign = await this.repository.findCampaign(projectId, idOrName);
    if (!campaign) throw ReportsErrors.campaignNotFound(idOrName);
    return campaign;
  }

  async campaignSummary(projectId: string, idOrName: string, start?: string, end?: string) {
    const { range, openStart } = resolveRange(start, end, new Date(), true);
    const campaign = await this.campaign(projectId, idOrName);
    const [totals, failures, generated, published] = await Promise.all([
      this.repository.totals(projectId, campaign.id, range),
      this.repository.failuresByCode(projectId, campaign.id, range),
      this.repository.countCodes(projectId, campaign.id, range),
      this.repository.countPublished(projectId, campaign.id, range),
    ]);
    return {
      object: 'campaign_summary',
      campaign_id: campaign.id,
      campaign_name: campaign.name,
      start_date: openStart ? null : range.start.toISOString(),
      end_date: range.end.toISOString(),
      codes_generated: generated,
      codes_published: published,
      redeemed: totals.succeeded,
      rolled_back: totals.rolledBack,
      failed: totals.failed,
      failures_by_code: failures,
      discount_amount: totals.discountAmount,
      rolled_back_discount_amount: totals.rolledBackDiscountAmount,
      gift_amount: totals.giftAmount,
      rolled_back_gift_amount: totals.rolledBackGiftAmount,
    };
  }

  async redemptionSeries(
    projectId: string,
    query: { granularity?: Granularity; campaign?: string; start_date?: string; end_date?: string },
  ) {
    const { range } = resolveRange(query.start_date, query.end_date, new Date());
    const granularity = query.granularity ?? 'day';
    const campaignId = query.campaign ? (await this.campaign(projectId, query.campaign)).id : null;
    const rows = await this.repository.series(projectId, campaignId, granularity, range);
    const byBucket = new Map(rows.map((r) => [r.bucket, r]));
    const total = { succeeded: 0, failed: 0, rolled_back: 0 };
    const data = bucketStarts(range.start, range.end, granularity).map((bucket) => {
      const r = byBucket.get(bucket);
      const entry = {
        bucket,
        succeeded: r?.succeeded ?? 0,
        failed: r?.failed ?? 0,
        rolled_back: r?.rolledBack ?? 0,
      };
      total.succeeded += entry.succeeded;
      total.failed += entry.failed;
      total.rolled_back += entry.rolled_back;
      return entry;
    });
    return {
      object: 'redemptions_report',
      granularity,
      start_date: range.start.toISOString(),
      end_date: range.end.toISOString(),
      campaign_id: campaignId,
      total,
      data,
    };
  }

  async top(
    projectId: string,
    dimension: 'voucher' | 'customer',
    query: { campaign?: string; start_date?: string; end_date?: string; limit?: number },
  ) {
    const { range } = resolveRange(query.start_date, query.end_date, new Date());
    const campaignId = query.campaign ? (await this.campaign(projectId, query.campaign)).id : null;
    const rows = await this.repository.top(
      projectId,
      dimension,
      campaignId,
      range,
      query.limit ?? 10,
    );
    return {
      object: 'list',
      data_ref: `${dimension}s`,
      start_date: range.start.toISOString(),
      end_date: range.end.toISOString(),
      data: rows.map((r) => ({
        id: r.id,
        label: r.label,
        redemptions: { succeeded: r.succeeded, failed: r.failed, rolled_back: r.rolledBack },
      })),
    };
  }
}
