/**
 * The runtime of the CEL rules compiled to JavaScript at build time (scripts/generate-validators.js
 * translates the parsed rules of the pinned CRDs into calls of these functions), so that validating an
 * object needs neither a CEL parser nor an engine. Values are the object's plain JSON; CEL's errors are
 * values ({@link CelErr}) that propagate through strict functions and are absorbed by `&&`, `||` and
 * the `all`/`exists` macros exactly as in CEL. Semantics follow cel-spec (`langdef.md`) and Kubernetes'
 * CEL libraries (`isURL`, `url`, `isIP`, `format`) for the functions the pinned CRDs use.
 *
 * @module
 */
import { isIP as nodeIsIP } from 'net';
import { DNS1123_LABEL } from '../core/names';

/** A CEL error, carried as a value. */
export class CelErr {
  public constructor(public readonly message: string) {}
}

/** A compiled rule: `self` in, a CEL value (a boolean when the rule is well-formed) or an error out. */
export type CompiledRule = (r: typeof CEL, self: unknown) => unknown;

type Obj = { [key: string]: unknown };
const isErr = (v: unknown): v is CelErr => v instanceof CelErr;
const isMap = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof CelErr) && !(v instanceof Duration) && !(v instanceof Url);
const err = (message: string): CelErr => new CelErr(message);

/** A `google.protobuf.Duration`, in nanoseconds. */
class Duration {
  public constructor(public readonly nanos: number) {}
}

/** A Kubernetes `url()` value. */
class Url {
  public constructor(public readonly url: URL) {}
}

const UNESCAPES: Array<[RegExp, string]> = [[/__dash__/g, '-'], [/__dot__/g, '.'], [/__slash__/g, '/'], [/__underscores__/g, '__']];
/** A property name as the object has it (`__namespace__` → `namespace`, `x__dash__y` → `x-y`). */
function unescape(name: string): string {
  const reserved = /^__(.+)__$/.exec(name);
  if (reserved && !/__/.test(reserved[1])) return reserved[1];
  return UNESCAPES.reduce((n, [re, s]) => n.replace(re, s), name);
}

function field(o: Obj, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(o, name)) return o[name];
  const plain = unescape(name);
  return plain !== name && Object.prototype.hasOwnProperty.call(o, plain) ? o[plain] : undefined;
}

function equal(a: unknown, b: unknown): boolean {
  if (a instanceof Duration && b instanceof Duration) return a.nanos === b.nanos;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every(k => Object.prototype.hasOwnProperty.call(b, k) && equal(a[k], b[k]));
  }
  return a === b;
}

function compare(a: unknown, b: unknown): number | CelErr {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Duration && b instanceof Duration) return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return err(`no such overload: ${typeName(a)} < ${typeName(b)}`);
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'list';
  if (v instanceof Duration) return 'google.protobuf.Duration';
  if (isMap(v)) return 'map';
  if (v === null) return 'null_type';
  return typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'double') : typeof v;
}

const UNITS: { [unit: string]: number } = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
/** Go's `time.ParseDuration` (as CEL's `duration()`). */
function parseDuration(s: string): Duration | CelErr {
  const m = /^([-+])?((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(s);
  if (s === '0') return new Duration(0);
  if (!m) return err(`invalid duration '${s}'`);
  let total = 0;
  for (const part of s.replace(/^[-+]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) total += Number(part[1]) * UNITS[part[2]];
  return new Duration(m[1] === '-' ? -total : total);
}

/** Kubernetes' `isURL`: Go's `url.ParseRequestURI` accepts it (an absolute URI or an absolute path). */
function parseUrl(s: string): URL | undefined {
  if (s.startsWith('/')) return new URL(`http://x${s}`);
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(s)) return undefined;
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}

type Re2 = { test(s: string): boolean };
const regexes = new Map<string, Re2 | CelErr>();
/** An RE2 pattern compiled once by `@bufbuild/re2` (RE2's syntax and semantics, as cel-go's `matches`). */
function regex(re: string): Re2 | CelErr {
  let found = regexes.get(re);
  if (!found) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { RE2JS } = require('@bufbuild/re2') as { RE2JS: { compile(p: string): Re2 } };
    try {
      found = RE2JS.compile(re);
    } catch (e) {
      found = err(`invalid regular expression: ${(e as Error).message}`);
    }
    regexes.set(re, found);
  }
  return found;
}


const FUNCTIONS: { [name: string]: (target: unknown, args: unknown[]) => unknown } = {
  '_==_': (_, [a, b]) => equal(a, b),
  '_!=_': (_, [a, b]) => !equal(a, b),
  '_<_': (_, [a, b]) => { const c = compare(a, b); return isErr(c) ? c : c < 0; },
  '_<=_': (_, [a, b]) => { const c = compare(a, b); return isErr(c) ? c : c <= 0; },
  '_>_': (_, [a, b]) => { const c = compare(a, b); return isErr(c) ? c : c > 0; },
  '_>=_': (_, [a, b]) => { const c = compare(a, b); return isErr(c) ? c : c >= 0; },
  '!_': (_, [a]) => typeof a === 'boolean' ? !a : err(`no such overload: !${typeName(a)}`),
  '-_': (_, [a]) => typeof a === 'number' ? -a : err(`no such overload: -${typeName(a)}`),
  '_+_': (_, [a, b]) => {
    if (typeof a === 'number' && typeof b === 'number') return a + b;
    if (typeof a === 'string' && typeof b === 'string') return a + b;
    if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
    if (a instanceof Duration && b instanceof Duration) return new Duration(a.nanos + b.nanos);
    return err(`no such overload: ${typeName(a)} + ${typeName(b)}`);
  },
  '_-_': (_, [a, b]) => typeof a === 'number' && typeof b === 'number' ? a - b : err(`no such overload: ${typeName(a)} - ${typeName(b)}`),
  '_*_': (_, [a, b]) => typeof a === 'number' && typeof b === 'number' ? a * b : err(`no such overload: ${typeName(a)} * ${typeName(b)}`),
  '_/_': (_, [a, b]) => typeof a === 'number' && typeof b === 'number' ? (b === 0 ? err('division by zero') : Math.trunc(a / b)) : err('no such overload: /'),
  '_%_': (_, [a, b]) => typeof a === 'number' && typeof b === 'number' ? (b === 0 ? err('modulus by zero') : a % b) : err('no such overload: %'),
  '_[_]': (_, [a, i]) => {
    if (Array.isArray(a)) return typeof i === 'number' && Number.isInteger(i) && i >= 0 && i < a.length ? a[i] : err(`index out of range: ${String(i)}`);
    if (isMap(a)) return typeof i === 'string' && Object.prototype.hasOwnProperty.call(a, i) ? a[i] : err(`no such key: ${String(i)}`);
    return err(`no such overload: ${typeName(a)}[_]`);
  },
  '@in': (_, [x, c]) => {
    if (Array.isArray(c)) return c.some(e => equal(e, x));
    if (isMap(c)) return typeof x === 'string' && Object.prototype.hasOwnProperty.call(c, x);
    return err(`no such overload: _ in ${typeName(c)}`);
  },
  'size': (t, args) => {
    const v = t === undefined ? args[0] : t;
    if (typeof v === 'string') return [...v].length;
    if (Array.isArray(v)) return v.length;
    if (isMap(v)) return Object.keys(v).length;
    return err(`no such overload: size(${typeName(v)})`);
  },
  'contains': (t, [s]) => typeof t === 'string' && typeof s === 'string' ? t.includes(s) : err('no such overload: contains'),
  'startsWith': (t, [s]) => typeof t === 'string' && typeof s === 'string' ? t.startsWith(s) : err('no such overload: startsWith'),
  'endsWith': (t, [s]) => typeof t === 'string' && typeof s === 'string' ? t.endsWith(s) : err('no such overload: endsWith'),
  'matches': (t, [re]) => {
    if (typeof t !== 'string' || typeof re !== 'string') return err('no such overload: matches');
    const compiled = regex(re);
    return isErr(compiled) ? compiled : compiled.test(t);
  },
  'substring': (t, [a, b]) => {
    if (typeof t !== 'string' || typeof a !== 'number' || (b !== undefined && typeof b !== 'number')) return err('no such overload: substring');
    const cps = [...t];
    const end = b === undefined ? cps.length : b;
    if (a < 0 || a > cps.length || end < a || end > cps.length) return err(`index out of range: ${a}, ${end}`);
    return cps.slice(a, end).join('');
  },
  'split': (t, [sep]) => typeof t === 'string' && typeof sep === 'string' ? t.split(sep) : err('no such overload: split'),
  'int': (_, [v]) => {
    if (typeof v === 'number') return Math.trunc(v);
    if (typeof v === 'string' && /^[-+]?\d+$/.test(v)) return Number(v);
    return err(`cannot convert ${typeName(v)} ${JSON.stringify(v)} to int`);
  },
  'duration': (_, [v]) => typeof v === 'string' ? parseDuration(v) : v instanceof Duration ? v : err('no such overload: duration'),
  'isURL': (_, [v]) => typeof v === 'string' ? parseUrl(v) !== undefined : err('no such overload: isURL'),
  'url': (_, [v]) => {
    if (typeof v !== 'string') return err('no such overload: url');
    const u = parseUrl(v);
    return u ? new Url(u) : err(`url: invalid URL '${v}'`);
  },
  'getScheme': t => t instanceof Url ? (t.url.protocol === 'http:' && t.url.host === 'x' ? '' : t.url.protocol.replace(/:$/, '')) : err('no such overload: getScheme'),
  'isIP': (_, [v]) => typeof v === 'string' ? nodeIsIP(v) !== 0 : err('no such overload: isIP'),
  'dns1123Label': t => t === FORMAT ? 'dns1123Label' : err('no such overload: dns1123Label'),
  'validate': (t, [v]) => {
    if (t !== 'dns1123Label' || typeof v !== 'string') return err('no such overload: validate');
    return v.length <= 63 && DNS1123_LABEL.test(v) ? null : ['a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\''];
  },
};

/** The `format` identifier of Kubernetes' format library. */
const FORMAT = Symbol('format');

/** The functions compiled rules call. */
export const CEL = {
  /** A variable other than `self` and a macro's: `format`, else an error. */
  ident(name: string): unknown {
    if (name === 'format') return FORMAT;
    return err(`undeclared reference to '${name}'`);
  },
  /** `o.f`, or `has(o.f)` with `test`. */
  select(o: unknown, name: string, test: boolean): unknown {
    if (isErr(o)) return o;
    if (!isMap(o)) return err(`no such overload: ${typeName(o)}.${name}`);
    const v = field(o, name);
    if (test) return v !== undefined && v !== null;
    return v === undefined ? err(`no such key: ${name}`) : v;
  },
  /** A strict function: an error argument is the result. */
  call(name: string, target: unknown, args: unknown[]): unknown {
    if (isErr(target)) return target;
    const bad = args.find(isErr);
    if (bad) return bad;
    const f = FUNCTIONS[name];
    if (!f) return err(`unbound function: ${name}`);
    return f(target, args);
  },
  and(a: () => unknown, b: () => unknown): unknown {
    const x = a();
    if (x === false) return false;
    const y = b();
    if (y === false) return false;
    if (isErr(x)) return x;
    if (isErr(y)) return y;
    return x === true && y === true ? true : err('no such overload: _&&_');
  },
  or(a: () => unknown, b: () => unknown): unknown {
    const x = a();
    if (x === true) return true;
    const y = b();
    if (y === true) return true;
    if (isErr(x)) return x;
    if (isErr(y)) return y;
    return x === false && y === false ? false : err('no such overload: _||_');
  },
  cond(c: unknown, a: () => unknown, b: () => unknown): unknown {
    if (isErr(c)) return c;
    if (typeof c !== 'boolean') return err('no such overload: _?_:_');
    return c ? a() : b();
  },
  fail(message: string): CelErr {
    return err(message);
  },
  notStrictlyFalse(v: unknown): boolean {
    return v !== false;
  },
  list(items: unknown[]): unknown {
    return items.find(isErr) ?? items;
  },
  map(entries: Array<[unknown, unknown]>): unknown {
    const out: Obj = {};
    for (const [k, v] of entries) {
      if (isErr(k)) return k;
      if (isErr(v)) return v;
      out[String(k)] = v;
    }
    return out;
  },
  /** What a comprehension iterates: a list's elements, a map's keys. */
  range(v: unknown): unknown[] | CelErr {
    if (isErr(v)) return v;
    if (Array.isArray(v)) return v;
    if (isMap(v)) return Object.keys(v);
    return err(`no such overload: comprehension over ${typeName(v)}`);
  },
  isErr,
};

/** Whether a result is a CEL error, and its message. */
export function celError(v: unknown): string | undefined {
  return isErr(v) ? v.message : undefined;
}
