import { createRequire } from 'module';
import { Yaml } from 'cdk8s';

/**
 * A fast YAML writer for the plain data our renderers produce, writing the same bytes as cdk8s's
 * `Yaml.stringify(doc)`: the `yaml` package (the copy cdk8s itself loads) with
 * `{ keepUndefined: true, lineWidth: 0, version: '1.1' }` — block collections indented by two spaces,
 * sequences indented under their key, empty collections as `{}` / `[]`, `undefined` as `null`, and
 * a string plain unless the `yaml` package would quote it: an indicator character, `': '`, `' #'`, or
 * a plain form YAML 1.1 reads as another type (`yes`, `1_000`, `0x1`, `1:20`, `2024-01-01`, `<<`…),
 * decided by the `yaml` package's own YAML 1.1 tag tests, then single quotes if the string holds a
 * double quote and no single one, double quotes (JSON's escapes) otherwise.
 *
 * It is sure of: plain objects and arrays (each object met once: a repeated object is an alias to
 * `yaml`), strings without control characters (tab and line feed aside), U+2028, U+2029 or lone surrogates — multi-line
 * values as literal blocks, one-line strings not starting with a document marker (`---`, `...`) —
 * safe integers other than -0, booleans, null and undefined. Anything else in a document — a `Lazy`,
 * a `Date`, a class instance, a float, a multi-line key, a key past 1,024 characters — and the whole
 * document is written by `yaml` itself, so the bytes never differ.
 */
export function toYaml(doc: unknown): string {
  const out: string[] = [];
  if (!fastPath.enabled || doc === null || typeof doc !== 'object' || !fastCollection(doc, '', new Set(), out)) {
    stats.fallback++;
    return Yaml.stringify(doc);
  }
  stats.fast++;
  out.push('\n');
  return out.join('');
}

/** Documents as one multi-document YAML text, joined as cdk8s's `Yaml.stringify(...docs)` joins them. */
export function toYamlDocuments(docs: readonly unknown[]): string {
  let out = '';
  for (let i = 0; i < docs.length; i++) out += (i === 0 ? '' : '---\n') + (docs[i] === undefined ? '\n' : toYaml(docs[i]));
  return out;
}

/** How many documents each path wrote since the process started: what a test reads to prove a fallback. @internal */
export const stats = { fast: 0, fallback: 0 };

/** Whether the fast path is taken: the bench turns it off to time the `yaml` package alone, in the same run. @internal */
export const fastPath = { enabled: true };

/** The `yaml` package cdk8s loads (cdk8s may carry its own copy), and the YAML 1.1 tag tests it quotes plain strings by. */
const yaml = createRequire(require.resolve('cdk8s'))('yaml') as typeof import('yaml');
const SCHEMA = new yaml.Document(null, { version: '1.1' }).schema;
const TAG_TESTS: RegExp[] = [...SCHEMA.tags, ...(SCHEMA.compat ?? [])]
  .filter(t => t.default && t.tag !== 'tag:yaml.org,2002:str' && t.test instanceof RegExp)
  .map(t => t.test!);
/** The same tests as one regular expression (one call a string instead of one a tag), unless a test has flags or backreferences. */
const ANY_TAG: RegExp | undefined = TAG_TESTS.every(t => t.flags === '' && !/\\[1-9k]/.test(t.source))
  ? new RegExp(TAG_TESTS.map(t => `(?:${t.source})`).join('|')) : undefined;
const readAsAnotherType = (s: string): boolean => (ANY_TAG ? ANY_TAG.test(s) : TAG_TESTS.some(t => t.test(s)));
/** Tags other than str that claim a string value for themselves (YAML 1.1's merge key `<<`, written by its own stringify). */
const STRING_CLAIMS = SCHEMA.tags.filter(t => t.tag !== 'tag:yaml.org,2002:str' && typeof t.identify === 'function').map(t => t.identify!);

/** A surrogate not in a pair: `yaml` double-quotes it, escaped. */
const LONE_SURROGATE = '[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
/**
 * A one-line string the fast path leaves to `yaml`: control characters (tab aside), line breaks — JavaScript's
 * too (U+2028, U+2029: `yaml` looks for document markers with a multi-line regex) —, lone surrogates, a document
 * marker at the start.
 */
// eslint-disable-next-line no-control-regex
const UNSURE = new RegExp(`[\\x00-\\x08\\x0a-\\x1f\\x7f-\\x9f\\u2028\\u2029]|${LONE_SURROGATE}|^(?:---|\\.\\.\\.)`);
/** `yaml`'s test (stringifyString.js, plainString) for a one-line string that cannot be plain. */
const NOT_PLAIN = /^[\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|:[ \t]|[\t ]#|[\t :]$/;
/** With simple keys off, `yaml` writes a key longer than this as an explicit `? key`. */
const MAX_IMPLICIT_KEY = 1024;

/** Strings already decided (most repeat: keys, kinds, labels); '' marks one left to `yaml`. Bounded. */
const scalars = new Map<string, string>();
const MAX_CACHED = 100_000;

function stringScalar(s: string): string | undefined {
  const cached = scalars.get(s);
  if (cached !== undefined) return cached === '' ? undefined : cached;
  let out = '';
  if (!UNSURE.test(s) && !STRING_CLAIMS.some(claims => claims(s))) {
    if (!NOT_PLAIN.test(s) && !readAsAnotherType(s)) out = s;
    // yaml's quotedString: single quotes around a double quote (and no single one), else JSON's double-quoted form
    else out = s.includes('"') && !s.includes('\'') ? `'${s}'` : JSON.stringify(s);
  }
  if (scalars.size >= MAX_CACHED) scalars.clear();
  scalars.set(s, out);
  return out === '' ? undefined : out;
}

/** A control character but tab and line feed, or a lone surrogate, that `yaml` double-quotes; or U+2028, U+2029 left to it. */
// eslint-disable-next-line no-control-regex
const FORCES_DOUBLE_QUOTES = new RegExp(`[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u2028\\u2029]|${LONE_SURROGATE}`);
/** `yaml`'s blockEndNewlines (stringifyString.js). */
const BLOCK_END_NEWLINES = /(^|(?<!\n))\n+(?!\n|$)/g;

/**
 * A multi-line string value as `yaml` writes it with no line width (stringifyString.js, blockString): a literal block
 * `|` with its chomping indicator (`-` strip, clip, `+` keep) and, when it starts with a space, an indentation
 * indicator; its lines at `indent` (never empty here: the document is a collection). Undefined where `yaml` would
 * quote it instead (only whitespace, a last line of blanks) or a control character forces double quotes.
 */
function blockLiteral(text: string, indent: string): string | undefined {
  if (FORCES_DOUBLE_QUOTES.test(text) || /\n[\t ]+$/.test(text) || /^\s*$/.test(text)) return undefined;
  let value = text;
  let endStart = value.length;
  while (endStart > 0 && (value[endStart - 1] === '\n' || value[endStart - 1] === '\t' || value[endStart - 1] === ' ')) endStart--;
  let end = value.substring(endStart);
  const endNewline = end.indexOf('\n');
  const chomp = endNewline === -1 ? '-' : value === end || endNewline !== end.length - 1 ? '+' : '';
  if (end) {
    value = value.slice(0, -end.length);
    if (end.endsWith('\n')) end = end.slice(0, -1);
    end = end.replace(BLOCK_END_NEWLINES, `$&${indent}`);
  }
  let startsWithSpace = false;
  let startEnd = 0;
  let startNewline = -1;
  for (; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === ' ') startsWithSpace = true;
    else if (ch === '\n') startNewline = startEnd;
    else break;
  }
  let start = value.substring(0, startNewline < startEnd ? startNewline + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  return `|${startsWithSpace ? '2' : ''}${chomp}\n${indent}${start}${value.replace(/\n+/g, `$&${indent}`)}${end}`;
}

/** A scalar value (not a key) whose block lines, if it spans several, go at `indent`. */
function scalar(v: unknown, indent: string): string | undefined {
  switch (typeof v) {
    case 'string': return stringScalar(v) ?? (v.includes('\n') ? blockLiteral(v, indent) : undefined);
    case 'number': return Number.isSafeInteger(v) && !Object.is(v, -0) ? String(v) : undefined;
    case 'boolean': return v ? 'true' : 'false';
    case 'undefined': return 'null';
    case 'object': return v === null ? 'null' : undefined;
    default: return undefined;
  }
}

/** A non-empty plain object or array: its kind; an empty one: its flow form; anything else: undefined. */
function collectionKind(v: object): 'map' | 'seq' | '{}' | '[]' | undefined {
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) return undefined;
    return v.length === 0 ? '[]' : 'seq';
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return undefined;
  // own enumerable keys only, as Object.keys (and yaml) see them: not what someone added to Object.prototype
  for (const key in v) if (Object.prototype.hasOwnProperty.call(v, key)) return 'map';
  return '{}';
}

/**
 * Writes a block collection at `indent` (its first line unindented) into `out`, piece by piece (one string joined
 * per document: concatenating as it went left most of the time to the garbage collector); false if anything in it is
 * not sure.
 */
function fastCollection(v: object, indent: string, seen: Set<object>, out: string[]): boolean {
  const kind = collectionKind(v);
  if (kind === undefined || seen.has(v)) return false;
  if (kind === '{}' || kind === '[]') {
    out.push(kind);
    return true;
  }
  seen.add(v);
  const inner = `${indent}  `;
  const newline = `\n${indent}`;
  if (kind === 'seq') {
    const items = v as unknown[];
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      out.push(i === 0 ? '- ' : `${newline}- `);
      if (item !== null && typeof item === 'object') {
        if (!fastCollection(item, inner, seen, out)) return false;
      } else {
        const text = scalar(item, inner);
        if (text === undefined) return false;
        out.push(text);
      }
    }
    return true;
  }
  let first = true;
  for (const key of Object.keys(v)) {
    const k = stringScalar(key);
    if (k === undefined || k.length > MAX_IMPLICIT_KEY) return false;
    if (!first) out.push(newline);
    first = false;
    out.push(k);
    const value = (v as Record<string, unknown>)[key];
    if (value !== null && typeof value === 'object') {
      // a non-empty collection starts on the next line, a sequence's items indented under the key
      const at = out.push(':') - 1;
      if (!fastCollection(value, inner, seen, out)) return false;
      const written = out[at + 1];
      out[at] = written === '{}' || written === '[]' ? ': ' : `:\n${inner}`;
    } else {
      const text = scalar(value, inner);
      if (text === undefined) return false;
      out.push(': ', text);
    }
  }
  return true;
}
