import { ItemSelector, itemMatches, Metadata, OrderInput, OrderItemInput } from './order-items';
import { LogicNode, LogicSyntaxError, logicKeys, parseLogic } from './rules-logic';

/**
 * The validation-rules engine: compile (validate) a rule set once, evaluate it many times.
 * Pure: no I/O, no clock. Semantics are documented in docs/validation-rules.md.
 */

// ---------------------------------------------------------------- vocabulary

export const OPERATOR_ALIASES = {
  $is: '$is',
  $is_not: '$is_not',
  $in: '$in',
  $not_in: '$not_in',
  $more_than: '$more_than',
  $more_than_equal: '$more_than_equal',
  $more_than_or_equal: '$more_than_equal',
  $greater_than_or_equal: '$more_than_equal',
  $less_than: '$less_than',
  $less_than_equal: '$less_than_equal',
  $less_than_or_equal: '$less_than_equal',
  $contains: '$contains',
  $starts_with: '$starts_with',
  $ends_with: '$ends_with',
  $has_value: '$has_value',
  $is_unknown: '$is_unknown',
} as const;

export type OperatorName = keyof typeof OPERATOR_ALIASES;
export type Operator = (typeof OPERATOR_ALIASES)[OperatorName];

const EQUALITY: readonly Operator[] = ['$is', '$is_not', '$in', '$not_in'];
const ORDERING: readonly Operator[] = [
  '$more_than',
  '$more_than_equal',
  '$less_than',
  '$less_than_equal',
];
const TEXT: readonly Operator[] = ['$contains', '$starts_with', '$ends_with'];
const PRESENCE: readonly Operator[] = ['$has_value', '$is_unknown'];

export type RuleCategory = 'customer' | 'order' | 'redemption';
type Scope = 'top' | 'item';
type ValueKind = 'number' | 'any' | 'string' | 'items';

interface RuleSpec {
  category: RuleCategory;
  scope: Scope;
  kind: ValueKind;
  operators: readonly Operator[];
  /** Metadata rules name their key in `property`. */
  needsProperty?: boolean;
  needsCustomer?: boolean;
}

const NUMERIC = [...EQUALITY, ...ORDERING];
const ANYTHING = [...EQUALITY, ...ORDERING, ...TEXT, ...PRESENCE];

export const RULE_SPECS: Record<string, RuleSpec> = {
  'order.amount': { category: 'order', scope: 'top', kind: 'number', operators: NUMERIC },
  'order.initial_amount': { category: 'order', scope: 'top', kind: 'number', operators: NUMERIC },
  'order.items.count': { category: 'order', scope: 'top', kind: 'number', operators: NUMERIC },
  'order.items.any': { category: 'order', scope: 'top', kind: 'items', operators: EQUALITY },
  'order.items.every': { category: 'order', scope: 'top', kind: 'items', operators: EQUALITY },
  'order.items.none': { category: 'order', scope: 'top', kind: 'items', operators: EQUALITY },
  'order.metadata': {
    category: 'order',
    scope: 'top',
    kind: 'any',
    operators: ANYTHING,
    needsProperty: true,
  },
  'customer.metadata': {
    category: 'customer',
    scope: 'top',
    kind: 'any',
    operators: ANYTHING,
    needsProperty: true,
    needsCustomer: true,
  },
  'customer.source_id': {
    category: 'customer',
    scope: 'top',
    kind: 'string',
    operators: [...EQUALITY, ...TEXT, ...PRESENCE],
    needsCustomer: true,
  },
  'redemption.count.per_customer': {
    category: 'redemption',
    scope: 'top',
    kind: 'number',
    operators: NUMERIC,
    needsCustomer: true,
  },
  'redemption.count.per_customer.per_day': {
    category: 'redemption',
    scope: 'top',
    kind: 'number',
    operators: NUMERIC,
    needsCustomer: true,
  },
  'redemption.metadata': {
    category: 'redemption',
    scope: 'top',
    kind: 'any',
    operators: ANYTHING,
    needsProperty: true,
  },
  // Per-item rules: only inside the nested `rules` of order.items.any / every / none.
  'order.items.quantity': { category: 'order', scope: 'item', kind: 'number', operators: NUMERIC },
  'order.items.price': { category: 'order', scope: 'item', kind: 'number', operators: NUMERIC },
  'order.items.amount': { category: 'order', scope: 'item', kind: 'number', operators: NUMERIC },
  'order.items.metadata': {
    category: 'order',
    scope: 'item',
    kind: 'any',
    operators: ANYTHING,
    needsProperty: true,
  },
};

export const VIOLATION_KEYS = {
  customer: 'customer_rules_violated',
  order: 'order_rules_violated',
  redemption: 'redemption_rules_violated',
} as const;

export const VIOLATION_MESSAGES = {
  customer: 'customer does not match validation rules',
  order: 'order does not match validation rules',
  redemption: 'redemption does not match validation rules',
} as const;

// ---------------------------------------------------------------- compiled form

export interface CompiledCondition {
  operator: Operator;
  values: unknown[];
}

export interface CompiledRule {
  /** Dotted path of keys from the top, e.g. `2` or `2.1` for a nested rule. */
  path: string;
  name: string;
  spec: RuleSpec;
  property?: string;
  conditions: CompiledCondition[];
  nested: CompiledRuleSet | null;
  errorMessage?: string;
}

export interface CompiledRuleSet {
  rules: Map<string, CompiledRule>;
  /** null when the set has no rules (always passes). */
  logic: LogicNode | null;
  errorMessage?: string;
}

export interface RuleSetProblem {
  /** Where, e.g. `rules.2.conditions.$foo` or `rules.logic`. */
  path: string;
  message: string;
}

export type CompileResult =
  { ok: true; ruleSet: CompiledRuleSet } | { ok: false; problem: RuleSetProblem };

class CompileFailure extends Error {
  constructor(readonly problem: RuleSetProblem) {
    super(`${problem.path}: ${problem.message}`);
  }
}

const MAX_RULES_PER_SET = 100;
const MAX_NESTING = 5;
const MAX_VALUES = 1000;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(path: string, message: string): never {
  throw new CompileFailure({ path, message });
}

function compileConditions(
  raw: unknown,
  spec: RuleSpec,
  name: string,
  path: string,
): CompiledCondition[] {
  if (raw === undefined || raw === null) return [];
  if (!isPlainObject(raw))
    fail(`${path}.conditions`, `conditions of rule ${name} must be an object`);
  const out: CompiledCondition[] = [];
  for (const [opName, rawValues] of Object.entries(raw)) {
    const operator = (OPERATOR_ALIASES as Record<string, Operator | undefined>)[opName];
    const where = `${path}.conditions.${opName}`;
    if (!operator || !Object.hasOwn(OPERATOR_ALIASES, opName)) {
      fail(where, `unknown operator ${opName} in rule ${name}`);
    }
    if (!spec.operators.includes(operator)) {
      fail(where, `operator ${opName} is not supported by rule ${name}`);
    }
    const values: unknown[] =
      rawValues === undefined || rawValues === null
        ? []
        : Array.isArray(rawValues)
          ? rawValues
          : [rawValues];
    if (values.length > MAX_VALUES) fail(where, `more than ${MAX_VALUES} values`);
    if (PRESENCE.includes(operator)) {
      out.push({ operator, values: [] });
      continue;
    }
    if (values.length === 0) fail(where, `operator ${opName} of rule ${name} needs a value`);
    if (ORDERING.includes(operator)) {
      if (values.length !== 1)
        fail(where, `operator ${opName} of rule ${name} takes exactly one value`);
      if (spec.kind === 'number' || spec.kind === 'any') {
        if (typeof values[0] !== 'number' || !Number.isFinite(values[0])) {
          fail(where, `operator ${opName} of rule ${name} needs a number`);
        }
      }
    }
    if (TEXT.includes(operator) && values.some((v) => typeof v !== 'string')) {
      fail(where, `operator ${opName} of rule ${name} needs strings`);
    }
    if (
      spec.kind === 'number' &&
      values.some((v) => typeof v !== 'number' || !Number.isFinite(v))
    ) {
      fail(where, `rule ${name} compares numbers; got ${JSON.stringify(values)}`);
    }
    if (spec.kind === 'string' && EQUALITY.includes(operator)) {
      if (values.some((v) => typeof v !== 'string')) fail(where, `rule ${name} compares strings`);
    }
    if (spec.kind === 'items') {
      values.forEach((v, i) => {
        const ok =
          (typeof v === 'string' && v !== '') ||
          (isPlainObject(v) &&
            (v.object === undefined ||
              v.object === null ||
              v.object === 'product' ||
              v.object === 'sku') &&
            ((typeof v.id === 'string' && v.id !== '') ||
              (typeof v.source_id === 'string' && v.source_id !== '')));
        if (!ok) {
          fail(
            `${where}[${i}]`,
            `rule ${name} needs product/SKU ids, source ids or {object, id|source_id}`,
          );
        }
      });
    }
    out.push({ operator, values });
  }
  return out;
}

function compileSet(
  raw: unknown,
  path: string,
  scope: Scope,
  depth: number,
  errorMessage?: string,
): CompiledRuleSet {
  if (raw === undefined || raw === null) return { rules: new Map(), logic: null, errorMessage };
  if (!isPlainObject(raw)) fail(path, 'rules must be an object of numbered rules plus logic');
  if (depth > MAX_NESTING) fail(path, `rules nested deeper than ${MAX_NESTING}`);
  const rules = new Map<string, CompiledRule>();
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'logic') continue;
    if (!/^[1-9][0-9]{0,3}$/.test(key)) {
      fail(`${path}.${key}`, `rule keys are numbers from 1; got "${key}"`);
    }
    if (rules.size >= MAX_RULES_PER_SET) fail(path, `more than ${MAX_RULES_PER_SET} rules`);
    rules.set(key, compileRule(value, `${path}.${key}`, scope, depth));
  }
  // JavaScript clients sometimes send a lone key as a number (`logic: 1`).
  const rawLogic = typeof raw.logic === 'number' ? String(raw.logic) : raw.logic;
  let logic: LogicNode | null = null;
  if (rawLogic !== undefined && rawLogic !== null && rawLogic !== '') {
    if (typeof rawLogic !== 'string') fail(`${path}.logic`, 'logic must be a string');
    try {
      logic = parseLogic(rawLogic);
    } catch (error) {
      if (error instanceof LogicSyntaxError) {
        fail(`${path}.logic`, `${error.message} at position ${error.position}`);
      }
      throw error;
    }
    const referenced = logicKeys(logic);
    for (const key of referenced) {
      if (!rules.has(key))
        fail(`${path}.logic`, `logic refers to rule ${key}, which is not defined`);
    }
    for (const key of rules.keys()) {
      if (!referenced.has(key))
        fail(`${path}.${key}`, `rule ${key} is not used by logic "${rawLogic}"`);
    }
  } else if (rules.size > 0) {
    // No logic: every rule must hold, in key order.
    const keys = [...rules.keys()].sort((a, b) => Number(a) - Number(b));
    logic = keys
      .map((key): LogicNode => ({ kind: 'ref', key }))
      .reduce((left, right) => ({ kind: 'and', left, right }));
  }
  return { rules, logic, errorMessage };
}

function readErrorMessage(raw: unknown, path: string): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isPlainObject(raw)) fail(path, 'error must be an object {message}');
  if (raw.message === undefined || raw.message === null) return undefined;
  if (typeof raw.message !== 'string') fail(`${path}.message`, 'error.message must be a string');
  return raw.message;
}

function compileRule(raw: unknown, path: string, scope: Scope, depth: number): CompiledRule {
  if (!isPlainObject(raw)) fail(path, 'a rule must be an object {name, conditions, rules}');
  const name = raw.name;
  if (typeof name !== 'string' || name === '') fail(`${path}.name`, 'a rule needs a name');
  const spec = Object.hasOwn(RULE_SPECS, name) ? RULE_SPECS[name] : undefined;
  if (!spec) fail(`${path}.name`, `unknown rule name ${name}`);
  if (spec.scope !== scope) {
    fail(
      `${path}.name`,
      scope === 'item'
        ? `rule ${name} cannot be used inside an order.items rule`
        : `rule ${name} is only allowed inside the rules of order.items.any/every/none`,
    );
  }
  let property: string | undefined;
  if (spec.needsProperty) {
    if (typeof raw.property !== 'string' || raw.property === '') {
      fail(`${path}.property`, `rule ${name} needs a property (the metadata key)`);
    }
    property = raw.property;
  }
  const conditions = compileConditions(raw.conditions, spec, name, path);
  const nestedScope: Scope = spec.kind === 'items' ? 'item' : scope;
  const nestedSet = compileSet(raw.rules, `${path}.rules`, nestedScope, depth + 1);
  const nested = nestedSet.logic ? nestedSet : null;
  if (conditions.length === 0 && !nested && spec.kind !== 'items') {
    fail(`${path}.conditions`, `rule ${name} has no conditions`);
  }
  return {
    path: path.replace(/^rules\./, '').replace(/\.rules\./g, '.'),
    name,
    spec,
    property,
    conditions,
    nested,
    errorMessage: readErrorMessage(raw.error, `${path}.error`),
  };
}

/**
 * Validates and compiles a rule set (`rules` JSON) with the set's fallback `error`. Never
 * throws for bad input: the first problem is returned, naming the rule and the field.
 */
export function compileRuleSet(rules: unknown, error?: unknown): CompileResult {
  try {
    const errorMessage = readErrorMessage(error, 'error');
    return { ok: true, ruleSet: compileSet(rules, 'rules', 'top', 0, errorMessage) };
  } catch (e) {
    if (e instanceof CompileFailure) return { ok: false, problem: e.problem };
    throw e;
  }
}

// ---------------------------------------------------------------- evaluation

export interface CustomerContext {
  id?: string | null;
  source_id?: string | null;
  metadata?: Metadata | null;
}

/** Counters read by the caller inside its transaction; previous successful redemptions. */
export interface RedemptionCounters {
  /** Successful, not rolled back, redemptions of this object by this customer, ever. */
  perCustomer?: number;
  /** The same, since midnight UTC today. */
  perCustomerToday?: number;
}

export interface RuleContext {
  order?: OrderInput | null;
  customer?: CustomerContext | null;
  redemptions?: RedemptionCounters | null;
  /** The validation/redemption request's own metadata (read by redemption.metadata). */
  metadata?: Metadata | null;
}

export interface RuleViolation {
  key: (typeof VIOLATION_KEYS)[RuleCategory];
  category: RuleCategory;
  message: string;
  /** The rule's own error.message, else the set's fallback. */
  errorMessage?: string;
  /** Path of the violated rule, e.g. `2` (nested rules contribute `2.1`). */
  rulePath: string;
  ruleName: string;
  /** The violated rule needed a customer and none was given. */
  missingCustomer: boolean;
}

export type RuleEvaluation = { passed: true } | { passed: false; violation: RuleViolation };

interface ItemContext {
  item: OrderItemInput;
}

type Outcome = { passed: true } | { passed: false; rule: CompiledRule; nestedMessage?: string };

function unitPrice(item: OrderItemInput): number | undefined {
  return item.price ?? item.product?.price ?? item.sku?.price ?? undefined;
}
function lineAmount(item: OrderItemInput): number | undefined {
  const price = unitPrice(item);
  if (price !== undefined && price !== null) return price * (item.quantity ?? 1);
  return item.amount ?? undefined;
}

export function orderAmountOf(order: OrderInput | null | undefined): number | undefined {
  if (!order) return undefined;
  if (order.amount !== undefined && order.amount !== null) return order.amount;
  const items = order.items ?? [];
  const amounts = items.map(lineAmount).filter((a): a is number => a !== undefined && a !== null);
  return amounts.length ? amounts.reduce((a, b) => a + b, 0) : undefined;
}

function numericOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** Equality across JSON scalars: numbers by value (also "10" = 10), else strict string forms. */
function sameValue(actual: unknown, expected: unknown): boolean {
  if (actual === expected) return true;
  const a = numericOf(actual);
  const b = numericOf(expected);
  if (a !== undefined && b !== undefined) return a === b;
  if (typeof actual === 'boolean' || typeof expected === 'boolean') {
    return String(actual) === String(expected);
  }
  return false;
}

const isUnknown = (v: unknown) => v === undefined || v === null || v === '';

function checkCondition(actual: unknown, c: CompiledCondition): boolean {
  const candidates = Array.isArray(actual) ? actual : [actual];
  switch (c.operator) {
    case '$has_value':
      return !isUnknown(actual) && !(Array.isArray(actual) && actual.length === 0);
    case '$is_unknown':
      return isUnknown(actual) || (Array.isArray(actual) && actual.length === 0);
    case '$is':
    case '$in':
      return candidates.some((a) => c.values.some((v) => sameValue(a, v)));
    case '$is_not':
    case '$not_in':
      return !candidates.some((a) => c.values.some((v) => sameValue(a, v)));
    case '$more_than':
    case '$more_than_equal':
    case '$less_than':
    case '$less_than_equal': {
      const a = numericOf(actual);
      const b = numericOf(c.values[0]);
      if (a === undefined || b === undefined) return false;
      if (c.operator === '$more_than') return a > b;
      if (c.operator === '$more_than_equal') return a >= b;
      if (c.operator === '$less_than') return a < b;
      return a <= b;
    }
    case '$contains':
      return candidates.some((a) =>
        c.values.some((v) => (typeof a === 'string' ? a.includes(String(v)) : sameValue(a, v))),
      );
    case '$starts_with':
      return candidates.some(
        (a) => typeof a === 'string' && c.values.some((v) => a.startsWith(String(v))),
      );
    case '$ends_with':
      return candidates.some(
        (a) => typeof a === 'string' && c.values.some((v) => a.endsWith(String(v))),
      );
  }
}

function metadataValue(metadata: Metadata | null | undefined, property: string): unknown {
  return metadata && Object.hasOwn(metadata, property) ? metadata[property] : undefined;
}

function actualValue(rule: CompiledRule, ctx: RuleContext, itemCtx?: ItemContext): unknown {
  const order = ctx.order ?? undefined;
  const prior = (n: number | undefined) => (n ?? 0) + 1;
  switch (rule.name) {
    case 'order.amount':
      return orderAmountOf(order);
    case 'order.initial_amount':
      return order?.initial_amount ?? orderAmountOf(order);
    case 'order.items.count':
      return order ? (order.items ?? []).length : undefined;
    case 'order.metadata':
      return metadataValue(order?.metadata, rule.property!);
    case 'customer.metadata':
      return metadataValue(ctx.customer?.metadata, rule.property!);
    case 'customer.source_id':
      return ctx.customer?.source_id ?? undefined;
    // The count this redemption would make: previous successful ones plus this one, so
    // `$less_than_equal: [1]` means "once per customer".
    case 'redemption.count.per_customer':
      return prior(ctx.redemptions?.perCustomer);
    case 'redemption.count.per_customer.per_day':
      return prior(ctx.redemptions?.perCustomerToday);
    case 'redemption.metadata':
      return metadataValue(ctx.metadata, rule.property!);
    case 'order.items.quantity':
      return itemCtx ? (itemCtx.item.quantity ?? 1) : undefined;
    case 'order.items.price':
      return itemCtx ? unitPrice(itemCtx.item) : undefined;
    case 'order.items.amount':
      return itemCtx ? lineAmount(itemCtx.item) : undefined;
    case 'order.items.metadata':
      return itemCtx
        ? metadataValue(itemCtx.item.metadata ?? itemCtx.item.product?.metadata, rule.property!)
        : undefined;
    default:
      return undefined;
  }
}

function itemPasses(rule: CompiledRule, item: OrderItemInput, ctx: RuleContext): boolean {
  // An item "matches" when it is one of the listed products/SKUs (for $is/$in; $is_not and
  // $not_in invert) and it satisfies the nested per-item rules.
  for (const c of rule.conditions) {
    const listed = c.values.some((v) => itemMatches(item, v as ItemSelector | string));
    const want = c.operator === '$is' || c.operator === '$in';
    if (listed !== want) return false;
  }
  if (rule.nested) return evaluateSet(rule.nested, ctx, { item }).passed;
  return true;
}

function evaluateRule(rule: CompiledRule, ctx: RuleContext, itemCtx?: ItemContext): Outcome {
  if (rule.spec.kind === 'items') {
    const items = ctx.order?.items ?? [];
    const name = rule.name;
    const passed =
      name === 'order.items.any'
        ? items.some((item) => itemPasses(rule, item, ctx))
        : name === 'order.items.every'
          ? items.length > 0 && items.every((item) => itemPasses(rule, item, ctx))
          : !items.some((item) => itemPasses(rule, item, ctx));
    return passed ? { passed } : { passed, rule };
  }
  const actual = actualValue(rule, ctx, itemCtx);
  for (const c of rule.conditions) {
    if (!checkCondition(actual, c)) return { passed: false, rule };
  }
  if (rule.nested) {
    const inner = evaluateSet(rule.nested, ctx, itemCtx);
    if (!inner.passed) return { passed: false, rule: inner.rule, nestedMessage: rule.errorMessage };
  }
  return { passed: true };
}

function evaluateSet(set: CompiledRuleSet, ctx: RuleContext, itemCtx?: ItemContext): Outcome {
  if (!set.logic) return { passed: true };
  const walk = (node: LogicNode): Outcome => {
    if (node.kind === 'ref') return evaluateRule(set.rules.get(node.key)!, ctx, itemCtx);
    const left = walk(node.left);
    if (node.kind === 'and') return left.passed ? walk(node.right) : left;
    if (left.passed) return left;
    const right = walk(node.right);
    // Both sides of an `or` failed: report the left one (the first in reading order).
    return right.passed ? right : left;
  };
  return walk(set.logic);
}

/** Evaluates a compiled rule set; on failure names the first violated rule (see the docs). */
export function evaluateRuleSet(set: CompiledRuleSet, ctx: RuleContext): RuleEvaluation {
  const outcome = evaluateSet(set, ctx);
  if (outcome.passed) return { passed: true };
  const { rule } = outcome;
  const category = rule.spec.category;
  return {
    passed: false,
    violation: {
      key: VIOLATION_KEYS[category],
      category,
      message: VIOLATION_MESSAGES[category],
      errorMessage: rule.errorMessage ?? outcome.nestedMessage ?? set.errorMessage,
      rulePath: rule.path,
      ruleName: rule.name,
      missingCustomer: Boolean(rule.spec.needsCustomer) && !ctx.customer,
    },
  };
}

/** Several rule sets (e.g. all assigned to one voucher): all must pass; the first failure wins. */
export function evaluateRuleSets<T extends { ruleSet: CompiledRuleSet }>(
  sets: readonly T[],
  ctx: RuleContext,
): { passed: true } | { passed: false; violation: RuleViolation; failed: T } {
  for (const entry of sets) {
    const result = evaluateRuleSet(entry.ruleSet, ctx);
    if (!result.passed) return { passed: false, violation: result.violation, failed: entry };
  }
  return { passed: true };
}

/** Whether any rule in the set reads the customer (so the caller knows to require one). */
export function ruleSetNeedsCustomer(set: CompiledRuleSet): boolean {
  for (const rule of set.rules.values()) {
    if (rule.spec.needsCustomer) return true;
    if (rule.nested && ruleSetNeedsCustomer(rule.nested)) return true;
  }
  return false;
}

/** Whether the set reads redemption counters (so the caller knows to count, in its transaction). */
export function ruleSetNeedsCounters(set: CompiledRuleSet): boolean {
  for (const rule of set.rules.values()) {
    if (rule.name.startsWith('redemption.count.')) return true;
    if (rule.nested && ruleSetNeedsCounters(rule.nested)) return true;
  }
  return false;
}
