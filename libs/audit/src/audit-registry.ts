/** How a table's changes are audited. */
export interface AuditedTable {
  entityType: string;
  /** Columns whose values never reach the audit log. */
  redact?: readonly string[];
}

/**
 * The tables whose changes the audit subscriber records, by table name (so a module adds its
 * table without this lib importing it). Modules call `registerAuditedTable` at load time, or
 * the entry is listed here.
 */
const AUDITED_TABLES = new Map<string, AuditedTable>([
  ['projects', { entityType: 'project' }],
  ['api_keys', { entityType: 'api_key', redact: ['secret_hash'] }],
  ['vouchers', { entityType: 'voucher' }],
  ['campaigns', { entityType: 'campaign' }],
  ['customers', { entityType: 'customer' }],
  ['orders', { entityType: 'order' }],
  ['validation_rules', { entityType: 'validation_rule' }],
  ['validation_rule_assignments', { entityType: 'validation_rules_assignment' }],
  ['exports', { entityType: 'export', redact: ['download_token'] }],
  ['webhook_endpoints', { entityType: 'webhook', redact: ['secret'] }],
  // An upsert: recorded as `create` with the values set, the project id as the entity id.
  ['project_rate_limits', { entityType: 'rate_limit_policy' }],
]);

export function registerAuditedTable(table: string, spec: AuditedTable): void {
  AUDITED_TABLES.set(table, spec);
}

export function auditedTable(table: string): AuditedTable | undefined {
  return AUDITED_TABLES.get(table);
}
