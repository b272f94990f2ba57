// The conditions grammar (reference §B.2): comparisons `path op value` joined by and/or (and binds
// tighter, as in SQL) with parentheses; operators = != < <= > >= contains like in, each of the last
// three negatable with `not`; values are "strings" or 'strings', [datetimes], numbers, true/false,
// null. Keywords and field names are case-insensitive; string comparisons too [INF: SQL Server's
// default collation]. Comparisons with a null field are false except `= null` (SQL semantics).
// Bad conditions answer 400 with a message naming the problem; type mismatches use the server's
// own wording ("Expected a boolean value, not a numeric. …") [S:CWR README].
import { CwError } from './errors.ts';
import type { Getter, ValueType } from './paths.ts';

export const LITERAL_RULES =
  'String values should be enclosed with double or single quotes; DateTime values should be enclosed in square brackets; numbers should consist of only digits, and optionally a decimal point and a negation sign; boolean values should be indicated with the keywords true or false; null values should be indicated by the keyword null.';

type Token =
  | { k: '(' | ')' | ','; pos: number }
  | { k: 'op'; v: '=' | '!=' | '<' | '<=' | '>' | '>='; pos: number }
  | { k: 'word'; v: string; pos: number }
  | { k: 'str'; v: string; pos: number }
  | { k: 'num'; v: number; pos: number }
  | { k: 'date'; v: number; raw: string; pos: number };

export type Literal = { t: 'string'; v: string } | { t: 'number'; v: number } | { t: 'boolean'; v: boolean } | { t: 'datetime'; v: number } | { t: 'null' };

export type Op = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | 'like' | 'in';

export type Expr =
  | { kind: 'and' | 'or'; items: Expr[] }
  | { kind: 'cmp'; path: string; op: Op; not: boolean; values: Literal[]; pos: number };

const fail = (param: string, message: string) => new CwError(400, `Invalid ${param}: ${message}`);

function tokenize(src: string, param: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const pos = i;
    if (c === '(' || c === ')' || c === ',') {
      out.push({ k: c, pos });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= src.length) throw fail(param, `the string starting at position ${pos + 1} is not closed. ${LITERAL_RULES}`);
        const ch = src[i] as string;
        if (ch === '\\' && i + 1 < src.length) {
          v += src[i + 1];
          i += 2;
          continue;
        }
        if (ch === c) {
          i++;
          break;
        }
        v += ch;
        i++;
      }
      out.push({ k: 'str', v, pos });
      continue;
    }
    if (c === '[') {
      const end = src.indexOf(']', i);
      if (end < 0) throw fail(param, `the datetime starting at position ${pos + 1} has no closing "]". ${LITERAL_RULES}`);
      const raw = src.slice(i + 1, end).trim();
      const ms = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw) ? Date.parse(/[Zz]|[+-]\d{2}:?\d{2}$/.test(raw) || raw.length === 10 ? raw : `${raw}Z`) : NaN;
      if (Number.isNaN(ms)) throw fail(param, `[${raw}] is not a datetime; use [yyyy-MM-ddTHH:mm:ssZ].`);
      out.push({ k: 'date', v: ms, raw, pos });
      i = end + 1;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '!=' || two === '<=' || two === '>=' || two === '<>') {
      out.push({ k: 'op', v: two === '<>' ? '!=' : two, pos });
      i += 2;
      continue;
    }
    if (c === '=' || c === '<' || c === '>') {
      out.push({ k: 'op', v: c, pos });
      i++;
      continue;
    }
    const num = /^-?\d+(\.\d+)?(?![\w/])/.exec(src.slice(i));
    if (num) {
      out.push({ k: 'num', v: Number(num[0]), pos });
      i += num[0].length;
      continue;
    }
    const word = /^[A-Za-z_][\w/.]*/.exec(src.slice(i));
    if (word) {
      out.push({ k: 'word', v: word[0], pos });
      i += word[0].length;
      continue;
    }
    throw fail(param, `unexpected character "${c}" at position ${pos + 1}.`);
  }
  return out;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'like', 'contains', 'in', 'true', 'false', 'null']);
const describe = (t: Token | undefined) =>
  t === undefined ? 'the end of the conditions' : t.k === 'word' ? `"${t.v}"` : t.k === 'str' ? `the string "${t.v}"` : t.k === 'num' ? `the number ${t.v}` : t.k === 'date' ? `[${t.raw}]` : t.k === 'op' ? `"${t.v}"` : `"${t.k}"`;

export function parseConditions(src: string, param = 'conditions'): Expr {
  const tokens = tokenize(src, param);
  if (tokens.length === 0) throw fail(param, 'the conditions are empty.');
  let i = 0;
  const peek = () => tokens[i];
  const isWord = (t: Token | undefined, w: string): boolean => t?.k === 'word' && t.v.toLowerCase() === w;
  const at = (t: Token | undefined) => (t ? ` at position ${t.pos + 1}` : '');

  const literal = (): Literal => {
    const t = tokens[i++];
    if (t?.k === 'str') return { t: 'string', v: t.v };
    if (t?.k === 'num') return { t: 'number', v: t.v };
    if (t?.k === 'date') return { t: 'datetime', v: t.v };
    if (t?.k === 'word') {
      const w = t.v.toLowerCase();
      if (w === 'true' || w === 'false') return { t: 'boolean', v: w === 'true' };
      if (w === 'null') return { t: 'null' };
    }
    throw fail(param, `expected a value but found ${describe(t)}${at(t)}. ${LITERAL_RULES}`);
  };

  const comparison = (): Expr => {
    const f = tokens[i++];
    if (f?.k !== 'word' || KEYWORDS.has(f.v.toLowerCase())) throw fail(param, `expected a field name but found ${describe(f)}${at(f)}.`);
    let not = false;
    let op: Op;
    const t = tokens[i++];
    if (t?.k === 'op') op = t.v;
    else if (isWord(t, 'not')) {
      not = true;
      const n = tokens[i++];
      if (isWord(n, 'like')) op = 'like';
      else if (isWord(n, 'contains')) op = 'contains';
      else if (isWord(n, 'in')) op = 'in';
      else throw fail(param, `expected like, contains or in after "not" but found ${describe(n)}${at(n)}.`);
    } else if (isWord(t, 'like')) op = 'like';
    else if (isWord(t, 'contains')) op = 'contains';
    else if (isWord(t, 'in')) op = 'in';
    else throw fail(param, `expected an operator (=, !=, <, <=, >, >=, contains, like, in, not like, not contains, not in) after "${f.v}" but found ${describe(t)}${at(t)}.`);
    const values: Literal[] = [];
    if (op === 'in') {
      const open = tokens[i++];
      if (open?.k !== '(') throw fail(param, `expected "(" after "in" but found ${describe(open)}${at(open)}.`);
      for (;;) {
        values.push(literal());
        const sep = tokens[i++];
        if (sep?.k === ')') break;
        if (sep?.k !== ',') throw fail(param, `expected "," or ")" in the list after "in" but found ${describe(sep)}${at(sep)}.`);
      }
    } else values.push(literal());
    return { kind: 'cmp', path: f.v, op, not, values, pos: f.pos };
  };

  const primary = (): Expr => {
    if (peek()?.k === '(') {
      const open = tokens[i++];
      const e = or();
      const close = tokens[i++];
      if (close?.k !== ')') throw fail(param, `the "(" at position ${(open?.pos ?? 0) + 1} is not closed; found ${describe(close)}.`);
      return e;
    }
    return comparison();
  };
  const and = (): Expr => {
    const items = [primary()];
    while (isWord(peek(), 'and')) {
      i++;
      items.push(primary());
    }
    return items.length === 1 ? (items[0] as Expr) : { kind: 'and', items };
  };
  const or = (): Expr => {
    const items = [and()];
    while (isWord(peek(), 'or')) {
      i++;
      items.push(and());
    }
    return items.length === 1 ? (items[0] as Expr) : { kind: 'or', items };
  };

  const e = or();
  if (i < tokens.length) {
    const t = tokens[i];
    throw fail(param, `expected "and", "or" or the end of the conditions but found ${describe(t)}${at(t)}.`);
  }
  return e;
}

const TYPE_WORD: Record<ValueType | Literal['t'], string> = { string: 'string', number: 'numeric', boolean: 'boolean', datetime: 'datetime', any: 'any', null: 'null' };

function like(pattern: string): RegExp {
  let re = '';
  for (const ch of pattern) re += ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${re}$`, 'is');
}

function scalar(v: unknown, type: ValueType, lit: Literal): unknown {
  if (type !== 'any') return typeof v === 'string' ? v.toLowerCase() : v;
  // Custom field values: compare as the literal's type.
  switch (lit.t) {
    case 'boolean':
      return typeof v === 'boolean' ? v : typeof v === 'string' ? (v.toLowerCase() === 'true' ? true : v.toLowerCase() === 'false' ? false : undefined) : undefined;
    case 'number':
      return typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : undefined;
    case 'datetime':
      return typeof v === 'string' ? Date.parse(v) : typeof v === 'number' ? v : undefined;
    default:
      return v === null || v === undefined ? v : String(v).toLowerCase();
  }
}

function litValue(l: Literal): unknown {
  if (l.t === 'null') return null;
  return l.t === 'string' ? l.v.toLowerCase() : l.v;
}

export interface CompileOptions {
  param: string;
  resolve(path: string): Getter;
  /** Paths through lists are only allowed in childConditions / customFieldConditions. */
  allowMulti: boolean;
}

export function compile<T>(expr: Expr, opts: CompileOptions): (item: T) => boolean {
  if (expr.kind !== 'cmp') {
    const parts = expr.items.map((e) => compile<T>(e, opts));
    return expr.kind === 'and' ? (x) => parts.every((p) => p(x)) : (x) => parts.some((p) => p(x));
  }
  const getter = opts.resolve(expr.path);
  if (getter.multi && !opts.allowMulti) throw fail(opts.param, `"${expr.path}" is a list; filter on it with childConditions.`);
  const { op, not } = expr;
  for (const l of expr.values) {
    if (l.t === 'null') {
      if (op !== '=' && op !== '!=') throw fail(opts.param, `null can only be compared with = or != ("${expr.path}").`);
      continue;
    }
    if (getter.type !== 'any' && getter.type !== l.t) {
      throw fail(opts.param, `Expected a ${TYPE_WORD[getter.type]} value, not a ${TYPE_WORD[l.t]}, for "${expr.path}". ${LITERAL_RULES}`);
    }
    if ((op === 'like' || op === 'contains') && l.t !== 'string') throw fail(opts.param, `${op} needs a string value ("${expr.path}").`);
    if (getter.type === 'boolean' && op !== '=' && op !== '!=' && op !== 'in') throw fail(opts.param, `a boolean field can only be compared with = or != ("${expr.path}").`);
  }
  const lit = expr.values[0] as Literal;
  let test: (v: unknown) => boolean;
  if (op === 'in') {
    const set = expr.values.map((l) => ({ l, v: litValue(l) }));
    test = (v) => v !== null && v !== undefined && set.some(({ l, v: lv }) => scalar(v, getter.type, l) === lv);
  } else if (lit.t === 'null') {
    test = op === '=' ? (v) => v === null || v === undefined : (v) => v !== null && v !== undefined;
  } else if (op === 'like') {
    const re = like(lit.v as string);
    test = (v) => v !== null && v !== undefined && re.test(String(v));
  } else if (op === 'contains') {
    const needle = String(lit.v).toLowerCase();
    test = (v) => v !== null && v !== undefined && String(v).toLowerCase().includes(needle);
  } else {
    const lv = litValue(lit) as string | number | boolean;
    test = (raw) => {
      if (raw === null || raw === undefined) return false;
      const v = scalar(raw, getter.type, lit) as string | number | boolean | undefined;
      if (v === undefined || (typeof v === 'number' && Number.isNaN(v))) return false;
      switch (op) {
        case '=':
          return v === lv;
        case '!=':
          return v !== lv;
        case '<':
          return v < lv;
        case '<=':
          return v <= lv;
        case '>':
          return v > lv;
        case '>=':
          return v >= lv;
      }
    };
  }
  const positive = not ? (v: unknown) => v !== null && v !== undefined && !test(v) : test;
  if (getter.multi) return (x) => (getter.get(x as never) as unknown[]).some(positive);
  return (x) => positive(getter.get(x as never));
}
