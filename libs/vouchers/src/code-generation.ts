import { randomBytes } from 'node:crypto';

/**
 * Default charset: upper-case letters and digits without the look-alikes 0/O and 1/I/L,
 * so a code read aloud or typed from a receipt is unambiguous. 31 characters.
 */
export const DEFAULT_CHARSET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
/** Default number of random characters when neither `length` nor `pattern` is given. */
export const DEFAULT_CODE_LENGTH = 8;
export const MAX_CODE_LENGTH = 100;
/**
 * A request may use at most this fraction of the keyspace (counting codes that already exist
 * with the same shape). Past it, collisions make generation slow and guessing codes easy.
 */
export const MAX_KEYSPACE_FRACTION = 0.1;

export interface CodeConfigInput {
  length?: number | null;
  charset?: string | null;
  prefix?: string | null;
  postfix?: string | null;
  /** The SDK's name for `postfix`. */
  suffix?: string | null;
  pattern?: string | null;
}

/** A normalised code_config: every field resolved, the charset deduplicated. */
export interface CodeConfig {
  length: number;
  charset: string;
  prefix: string;
  postfix: string;
  pattern: string | null;
}

export function normalizeCodeConfig(input: CodeConfigInput | null | undefined): CodeConfig {
  const charset = [...new Set([...(input?.charset || DEFAULT_CHARSET)])].join('');
  const pattern = input?.pattern || null;
  return {
    length: pattern ? countPlaceholders(pattern) : (input?.length ?? DEFAULT_CODE_LENGTH),
    charset,
    prefix: input?.prefix ?? '',
    postfix: input?.postfix ?? input?.suffix ?? '',
    pattern,
  };
}

function countPlaceholders(pattern: string): number {
  let n = 0;
  for (const ch of pattern) if (ch === '#') n++;
  return n;
}

/** Number of random positions in a code. */
export function randomPositions(config: CodeConfig): number {
  return config.pattern ? countPlaceholders(config.pattern) : config.length;
}

/** Total length of a generated code. */
export function codeLength(config: CodeConfig): number {
  const body = config.pattern ? [...config.pattern].length : config.length;
  return [...config.prefix].length + body + [...config.postfix].length;
}

/** Number of distinct codes the config can produce (a float: it may exceed 2^53). */
export function keyspace(config: CodeConfig): number {
  return Math.pow([...config.charset].length, randomPositions(config));
}

export interface KeyspaceCheck {
  ok: boolean;
  keyspace: number;
  requested: number;
  existing: number;
  maxAllowed: number;
  reason?: string;
}

/**
 * Decides up front whether `requested` more codes fit: the request plus the codes that already
 * use the same shape may take at most MAX_KEYSPACE_FRACTION of the keyspace.
 */
export function checkKeyspace(config: CodeConfig, requested: number, existing = 0): KeyspaceCheck {
  const space = keyspace(config);
  const maxAllowed = Math.floor(space * MAX_KEYSPACE_FRACTION);
  const base = { keyspace: space, requested, existing, maxAllowed };
  if (randomPositions(config) === 0) {
    return {
      ...base,
      ok: requested + existing <= 1 && requested <= 1,
      reason: 'code_config has no random characters',
    };
  }
  if (codeLength(config) > MAX_CODE_LENGTH) {
    return {
      ...base,
      ok: false,
      reason: `generated codes would be longer than ${MAX_CODE_LENGTH} characters`,
    };
  }
  if (requested + existing > maxAllowed) {
    return {
      ...base,
      ok: false,
      reason:
        `code_config allows ${formatCount(space)} codes; ${requested} requested` +
        (existing ? ` plus ${existing} existing` : '') +
        ` exceeds the safe ${MAX_KEYSPACE_FRACTION * 100}% (${formatCount(maxAllowed)}); ` +
        'use a longer length, a larger charset or more # in the pattern',
    };
  }
  return { ...base, ok: true };
}

function formatCount(n: number): string {
  return n >= 1e15 ? n.toExponential(3) : String(Math.floor(n));
}

/**
 * A source of unbiased random indexes into a charset, fed by one randomBytes call per
 * refill instead of one per character (generation of a million codes stays CPU-cheap).
 */
export class RandomIndexSource {
  private buffer = Buffer.alloc(0);
  private offset = 0;
  private readonly limit: number;

  constructor(
    private readonly size: number,
    private readonly refillBytes = 64 * 1024,
  ) {
    if (size < 1 || size > 256) throw new RangeError('charset size must be 1..256');
    // Rejection sampling: bytes at or above the largest multiple of size are discarded.
    this.limit = 256 - (256 % size);
  }

  next(): number {
    for (;;) {
      if (this.offset >= this.buffer.length) {
        this.buffer = randomBytes(this.refillBytes);
        this.offset = 0;
      }
      const b = this.buffer[this.offset++];
      if (b < this.limit) return b % this.size;
    }
  }
}

/** Generates codes for one config; keeps its random source between calls. */
export class CodeGenerator {
  private readonly chars: string[];
  private readonly random: RandomIndexSource;
  private readonly patternParts: string[] | null;

  constructor(readonly config: CodeConfig) {
    this.chars = [...config.charset];
    this.random = new RandomIndexSource(this.chars.length);
    this.patternParts = config.pattern ? [...config.pattern] : null;
  }

  one(): string {
    let body = '';
    if (this.patternParts) {
      for (const ch of this.patternParts) body += ch === '#' ? this.chars[this.random.next()] : ch;
    } else {
      for (let i = 0; i < this.config.length; i++) body += this.chars[this.random.next()];
    }
    return this.config.prefix + body + this.config.postfix;
  }

  /** `count` distinct codes (duplicates inside the batch are regenerated). */
  batch(count: number): string[] {
    const seen = new Set<string>();
    while (seen.size < count) seen.add(this.one());
    return [...seen];
  }
}

const ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `count` prefixed ids in the shape of newId() (24 base62 chars), from bulk random bytes. */
export function bulkIds(prefix: string, count: number, length = 24): string[] {
  const random = new RandomIndexSource(ID_ALPHABET.length);
  const ids = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    let id = prefix;
    for (let j = 0; j < length; j++) id += ID_ALPHABET[random.next()];
    ids[i] = id;
  }
  return ids;
}

/** A SQL LIKE pattern matching every code of this shape (used to count existing ones). */
export function likePattern(config: CodeConfig): string {
  const esc = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
  const body = config.pattern
    ? [...config.pattern].map((c) => (c === '#' ? '_' : esc(c))).join('')
    : '_'.repeat(config.length);
  return esc(config.prefix) + body + esc(config.postfix);
}
