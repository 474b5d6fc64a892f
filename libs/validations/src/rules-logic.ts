/**
 * The `logic` expression of a rule set: rule keys combined with `and`, `or` and parentheses,
 * e.g. `1 and (2 or 3)`. A tokenizer and a recursive-descent parser, never `eval`.
 *
 * Grammar (`and` binds tighter than `or`, both left-associative, keywords case-insensitive):
 *   expr   := term ('or' term)*
 *   term   := factor ('and' factor)*
 *   factor := KEY | '(' expr ')'
 *   KEY    := [1-9][0-9]*
 */
export type LogicNode =
  { kind: 'ref'; key: string } | { kind: 'and' | 'or'; left: LogicNode; right: LogicNode };

export class LogicSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'LogicSyntaxError';
  }
}

/** Bounds that keep hostile input from costing stack or time. */
export const MAX_LOGIC_LENGTH = 2000;
export const MAX_LOGIC_DEPTH = 50;

type Token =
  | { type: 'key'; value: string; pos: number }
  | { type: 'and' | 'or' | 'lparen' | 'rparen' | 'end'; pos: number };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(') {
      tokens.push({ type: 'lparen', pos: i++ });
    } else if (ch === ')') {
      tokens.push({ type: 'rparen', pos: i++ });
    } else if (/[0-9]/.test(ch)) {
      const start = i;
      while (i < source.length && /[0-9]/.test(source[i])) i++;
      const value = source.slice(start, i);
      if (value.startsWith('0')) throw new LogicSyntaxError(`invalid rule key "${value}"`, start);
      tokens.push({ type: 'key', value, pos: start });
    } else if (/[A-Za-z]/.test(ch)) {
      const start = i;
      while (i < source.length && /[A-Za-z]/.test(source[i])) i++;
      const word = source.slice(start, i).toLowerCase();
      if (word !== 'and' && word !== 'or') {
        throw new LogicSyntaxError(`unexpected word "${source.slice(start, i)}"`, start);
      }
      tokens.push({ type: word, pos: start });
    } else {
      throw new LogicSyntaxError(`unexpected character "${ch}"`, i);
    }
  }
  tokens.push({ type: 'end', pos: source.length });
  return tokens;
}

const describe = (t: Token) =>
  t.type === 'key'
    ? `rule key ${t.value}`
    : t.type === 'end'
      ? 'end of logic'
      : `"${t.type === 'lparen' ? '(' : t.type === 'rparen' ? ')' : t.type}"`;

/** Parses a logic expression or throws LogicSyntaxError (and nothing else). */
export function parseLogic(source: string): LogicNode {
  if (typeof source !== 'string') throw new LogicSyntaxError('logic must be a string', 0);
  if (source.length > MAX_LOGIC_LENGTH) {
    throw new LogicSyntaxError(`logic is longer than ${MAX_LOGIC_LENGTH} characters`, 0);
  }
  const tokens = tokenize(source);
  let at = 0;
  const peek = () => tokens[at];

  const expr = (depth: number): LogicNode => {
    let left = term(depth);
    while (peek().type === 'or') {
      at++;
      left = { kind: 'or', left, right: term(depth) };
    }
    return left;
  };
  const term = (depth: number): LogicNode => {
    let left = factor(depth);
    while (peek().type === 'and') {
      at++;
      left = { kind: 'and', left, right: factor(depth) };
    }
    return left;
  };
  const factor = (depth: number): LogicNode => {
    const token = peek();
    if (token.type === 'key') {
      at++;
      return { kind: 'ref', key: token.value };
    }
    if (token.type === 'lparen') {
      if (depth >= MAX_LOGIC_DEPTH) {
        throw new LogicSyntaxError(`parentheses nested deeper than ${MAX_LOGIC_DEPTH}`, token.pos);
      }
      at++;
      const inner = expr(depth + 1);
      const close = peek();
      if (close.type !== 'rparen') {
        throw new LogicSyntaxError(`expected ")" but found ${describe(close)}`, close.pos);
      }
      at++;
      return inner;
    }
    throw new LogicSyntaxError(
      `expected a rule key or "(" but found ${describe(token)}`,
      token.pos,
    );
  };

  const tree = expr(0);
  const rest = peek();
  if (rest.type !== 'end') {
    throw new LogicSyntaxError(
      `unexpected ${describe(rest)} after a complete expression`,
      rest.pos,
    );
  }
  return tree;
}

/**
 * The canonical text of a tree, with only the parentheses needed so that parsing it gives the
 * same tree back (a right operand of the same operator keeps its parentheses).
 */
export function formatLogic(node: LogicNode): string {
  if (node.kind === 'ref') return node.key;
  const side = (child: LogicNode, isRight: boolean) => {
    const text = formatLogic(child);
    if (child.kind === 'ref') return text;
    const needs =
      (node.kind === 'and' && child.kind === 'or') || (isRight && child.kind === node.kind);
    return needs ? `(${text})` : text;
  };
  return `${side(node.left, false)} ${node.kind} ${side(node.right, true)}`;
}

/** Every rule key a tree mentions. */
export function logicKeys(node: LogicNode, into = new Set<string>()): Set<string> {
  if (node.kind === 'ref') into.add(node.key);
  else {
    logicKeys(node.left, into);
    logicKeys(node.right, into);
  }
  return into;
}
