import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Errors, isoOrNull, TransactionRunner } from '@app/core';
import { TenancyRepository } from '@app/tenancy';
import { currentAuditContext } from './audit-context';
import { compactDiff, GENESIS_HASH, ledgerHash } from './audit-diff';
import { AuditLogEntity } from './audit-log.entity';
import {
  AuditListFilter,
  AuditRepository,
  AuditRow,
  CounterMismatch,
  LedgerRow,
} from './audit.repository';

/** What a service reports when it changes data the subscriber cannot see (raw SQL). */
export interface AuditRecord {
  entityType: string;
  entityId: string | null;
  action: string;
  /** The project the entity belongs to (defaults to the caller's). */
  projectId?: string | null;
  /** Already compact: `{column: after}` or `{column: [before, after]}`. */
  diff?: Record<string, unknown>;
}

/**
 * One redemption or rollback in the project's hash chain. `quantity_delta` and `amount_delta`
 * are signed integers (a redemption +1 / +cents, its rollback -1 / -cents); audit:verify
 * recomputes every voucher's redeemed_quantity as the sum of its quantity deltas.
 */
export interface LedgerEntry {
  type: 'redemption' | 'rollback';
  redemption_id: string;
  voucher_id: string | null;
  quantity_delta: number;
  amount_delta: number;
  /** Anything else worth sealing (rollback_id, customer_id, order_id, result...). */
  [extra: string]: unknown;
}

export interface LedgerProblem {
  seq: string;
  problem: string;
}

export interface VerifyReport {
  project_id: string;
  entries: number;
  chain_ok: boolean;
  problems: LedgerProblem[];
  counters_checked: boolean;
  counter_mismatches: CounterMismatch[];
  ok: boolean;
}

const VERIFY_BATCH = 1000;
const SEAL_BATCH = 500;
const MAX_REPORTED = 100;

export function auditEntryView(row: AuditLogEntity) {
  return {
    id: row.id,
    object: 'audit_log_entry' as const,
    project_id: row.projectId,
    actor: { type: row.actorType, id: row.actorId },
    route: row.route,
    request_id: row.requestId,
    entity_type: row.entityType,
    entity_id: row.entityId,
    action: row.action,
    diff: row.diff,
    created_at: isoOrNull(row.createdAt),
  };
}

/** The row for an explicit record: the actor, route and request come from the request context. */
function auditRow(record: AuditRecord): AuditRow {
  const context = currentAuditContext();
  return {
    projectId: record.projectId !== undefined ? record.projectId : (context?.projectId ?? null),
    actorType: context?.actorType ?? 'system',
    actorId: context?.actorId ?? null,
    route: context?.route ?? null,
    requestId: context?.requestId ?? null,
    entityType: record.entityType,
    entityId: record.entityId,
    action: record.action,
    diff: record.diff
      ? compactDiff(record.action === 'create' ? 'create' : 'update', record.diff, undefined)
      : {},
  };
}

@Injectable()
export class AuditService {
  constructor(
    private readonly repository: AuditRepository,
    private readonly tenancy: TenancyRepository,
    private readonly tx: TransactionRunner,
  ) {}

  /**
   * Records a change explicitly, in `em`'s transaction. For changes made with raw SQL (e.g.
   * conditional counter UPDATEs), which TypeORM's subscribers never see. Outside a request
   * (jobs, CLI) the actor is `system`.
   */
  async record(em: EntityManager, record: AuditRecord): Promise<void> {
    await this.repository.insert(auditRow(record), em);
  }

  /** `record` for many changes of one bulk write, in one INSERT (imports, campaign batches). */
  async recordMany(em: EntityManager, records: AuditRecord[]): Promise<void> {
    await this.repository.insertMany(records.map(auditRow), em);
  }

  /**
   * Adds a redemption or rollback to the project's ledger, inside the caller's transaction
   * (required): it commits or rolls back with the change it seals. The entry waits in
   * `audit_ledger_pending` until `sealLedger` chains it (the worker's LedgerSealer, within about a
   * second, and audit:verify before it checks). Queuing takes no lock, so a project's redemptions
   * never wait on each other here; the chain is still one line, built by one sealer at a time.
   */
  async appendToLedger(em: EntityManager, projectId: string, entry: LedgerEntry): Promise<void> {
    if (!em.queryRunner?.isTransactionActive)
      throw new Error('appendToLedger must run inside a transaction');
    if (entry.type !== 'redemption' && entry.type !== 'rollback')
      throw new Error(
        `ledger entry type must be redemption or rollback, not ${String(entry.type)}`,
      );
    if (!Number.isSafeInteger(entry.quantity_delta) || !Number.isSafeInteger(entry.amount_delta))
      throw new Error('ledger quantity_delta and amount_delta must be integers');
    // The stored entry is what gets hashed: JSON round-trips it unchanged (canonical form).
    const stored = JSON.parse(JSON.stringify(entry)) as Record<string, unknown>;
    await this.repository.appendPending(
      projectId,
      { type: entry.type, voucherId: entry.voucher_id, entry: stored },
      em,
    );
  }

  /**
   * Chains the project's committed pending entries, oldest first, in batches: under the chain
   * head's lock, each entry gets the next seq and `hash = sha256(prev_hash || entry)`. An entry
   * whose transaction commits after a batch was taken is sealed by the next call, so seq is the
   * order of sealing, not of redemption (each entry keeps its own `date`). Returns how many
   * entries were sealed.
   */
  async sealLedger(projectId: string, batchSize = SEAL_BATCH): Promise<number> {
    let sealed = 0;
    for (;;) {
      const taken = await this.tx.run(async (em) => {
        const head = await this.repository.lockLedgerHead(projectId, em);
        const pending = await this.repository.takePending(projectId, batchSize, em);
        let seq = BigInt(head.seq);
        let prevHash = head.hash;
        const rows: LedgerRow[] = pending.map((p) => {
          seq += 1n;
          const hash = ledgerHash(prevHash, p.entry);
          const row = {
            seq: seq.toString(),
            type: p.type,
            voucherId: p.voucherId,
            entry: p.entry,
            prevHash,
            hash,
          };
          prevHash = hash;
          return row;
        });
        await this.repository.appendLedger(projectId, rows, em);
        return rows.length;
      });
      sealed += taken;
      if (taken < batchSize) return sealed;
    }
  }

  /** Seals every project with pending entries (a bounded number of projects per call). */
  async sealPending(maxProjects = 100): Promise<number> {
    let sealed = 0;
    for (const projectId of await this.repository.projectsWithPending(maxProjects))
      sealed += await this.sealLedger(projectId);
    return sealed;
  }

  async list(projectId: string, filter: AuditListFilter, page: { limit: number; offset: number }) {
    const { rows, total } = await this.repository.list(projectId, filter, page);
    return { entries: rows.map(auditEntryView), total };
  }

  /** For the management API: any project, deleted ones included (their history stays). */
  async listOfProject(
    projectId: string,
    filter: AuditListFilter,
    page: { limit: number; offset: number },
  ) {
    if (!(await this.tenancy.findProject(projectId))) throw Errors.notFound('project', projectId);
    return this.list(projectId, filter, page);
  }

  /**
   * Seals what is pending, then walks the project's chain (in batches: flat memory), checking
   * sequence, links and hashes, then the head; and, when a vouchers table exists, every
   * voucher's redeemed_quantity against the sum of its ledger quantity deltas (sealed and
   * pending, read in one snapshot with the counters).
   */
  async verify(projectId: string): Promise<VerifyReport> {
    if (!projectId) throw Errors.invalidQueryParams('--project is required');
    // What has committed is checked sealed; entries committing meanwhile are counted as pending.
    await this.sealLedger(projectId);
    const problems: LedgerProblem[] = [];
    const report = (seq: string, problem: string) => {
      if (problems.length < MAX_REPORTED) problems.push({ seq, problem });
    };
    let previousHash = GENESIS_HASH;
    let previousSeq = 0n;
    let entries = 0;
    for (;;) {
      const batch = await this.repository.ledgerBatch(
        projectId,
        previousSeq.toString(),
        VERIFY_BATCH,
      );
      for (const row of batch) {
        entries++;
        const seq = BigInt(row.seq);
        if (seq !== previousSeq + 1n) report(row.seq, `sequence gap after ${previousSeq}`);
        if (row.prevHash !== previousHash)
          report(row.seq, 'prev_hash does not link to the previous entry');
        if (ledgerHash(row.prevHash, row.entry) !== row.hash)
          report(row.seq, 'hash does not match the entry (entry or hash altered)');
        previousHash = row.hash;
        previousSeq = seq;
      }
      if (batch.length < VERIFY_BATCH) break;
    }
    const head = await this.repository.findLedgerHead(projectId);
    if (head && (head.seq !== previousSeq.toString() || head.hash !== previousHash))
      report(
        head.seq,
        `chain head (seq ${head.seq}) does not match the last entry (seq ${previousSeq})`,
      );
    if (!head && entries > 0) report(previousSeq.toString(), 'entries without a chain head');

    const countersChecked = await this.repository.hasVoucherCounters();
    const mismatches = countersChecked
      ? await this.repository.counterMismatches(projectId, MAX_REPORTED)
      : [];
    return {
      project_id: projectId,
      entries,
      chain_ok: problems.length === 0,
      problems,
      counters_checked: countersChecked,
      counter_mismatches: mismatches,
      ok: problems.length === 0 && mismatches.length === 0,
    };
  }
}
