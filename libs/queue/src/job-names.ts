/**
 * Every background job, by name, with its payload type. Add a job here first; a job name
 * without a registered handler fails start-up of any process that runs the worker role.
 */
export interface JobPayloads {
  /** Test-only job exercising the queue itself. */
  'queue.selftest': { value: string };
  /** Imports voucher rows (JSON or parsed CSV), optionally into a campaign. */
  'vouchers.import': {
    projectId: string;
    asyncActionId: string;
    campaignId: string | null;
    rows: unknown[];
  };
  /** Generates `count` codes into a campaign (creation or "add vouchers"). */
  'campaign.vouchers.generate': {
    projectId: string;
    campaignId: string;
    asyncActionId: string;
    count: number;
    /** Per-voucher overrides of the campaign template (add vouchers). */
    overrides: Record<string, unknown> | null;
  };
  /** Deletes a campaign's vouchers (bin or permanent), then the campaign if forced. */
  'campaign.delete': {
    projectId: string;
    campaignId: string;
    asyncActionId: string;
    force: boolean;
  };
  /** POST /v1/orders/import: the raw rows, validated one by one by the job. */
  'orders.import': { projectId: string; asyncActionId: string; orders: Record<string, unknown>[] };
}

export type JobName = keyof JobPayloads;

export interface JobOptions {
  /** Deterministic id: enqueuing the same id twice runs the job once. */
  jobId?: string;
  delayMs?: number;
  attempts?: number;
}

export interface JobContext {
  jobId: string;
  attempt: number;
}
