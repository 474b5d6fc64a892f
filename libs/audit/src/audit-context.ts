import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuditActorType } from './audit-log.entity';

/** Who is changing what, for the duration of one API request. */
export interface AuditContext {
  actorType: AuditActorType;
  actorId: string | null;
  /** The caller's project (project keys); null on the management API. */
  projectId: string | null;
  /** `METHOD /route/:template`. */
  route: string | null;
  requestId: string | null;
  /** Concrete route parameters: the fallback entity id when TypeORM cannot tell the row. */
  params: Record<string, string>;
  /**
   * Set when the response is done. Work that outlives the request (an in-process job started
   * by it inherits the async context) is not attributed to the request's key.
   */
  closed: boolean;
}

const storage = new AsyncLocalStorage<AuditContext>();

export function currentAuditContext(): AuditContext | undefined {
  const context = storage.getStore();
  return context && !context.closed ? context : undefined;
}

export function runWithAuditContext<T>(context: AuditContext, work: () => T): T {
  return storage.run(context, work);
}
