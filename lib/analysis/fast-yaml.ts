/**
 * The fast path of reading manifests (issue 34): `js-yaml`, which builds plain values directly, reads a 50,000-object
 * cluster dump about ten times faster than the `yaml` package and in a third of the memory, since it keeps no document
 * tree with positions. The `yaml` package stays the reference (lib/analysis/load.ts): this path is taken only where it
 * gives the same values, and any doubt sends the text to the reference reader, whose errors are the ones users see.
 *
 * - **Scalars are resolved by the reference's own tags**: each plain scalar is tested against the `yaml` package's
 *   YAML 1.1 tags as kubectl reads them (load.ts `kubectlScalars`, in the same order, the first that matches wins, as
 *   the `yaml` package's `findScalarTagByTest`) and built by that tag's `resolve`; quoted scalars are strings in both.
 * - **What only the reference reads the same way is left to it**: anchors, aliases and merge keys (the reference counts
 *   aliases against alias bombs), explicit tags, directives, a key that reads as null (the reference writes it `''`,
 *   js-yaml `'null'`), a flow collection as a key, a quoted scalar or flow collection whose lines are not indented under it or that a comment
 *   follows without a space. Anchors, tags and merge keys are seen as
 *   js-yaml reads each node (a quoted `*` or `!` in a string changes nothing); directives and null keys by a character
 *   test on the text, which errs towards the reference.
 * - **Any error is the reference's**: when js-yaml refuses a text (a syntax error, a key given twice), the reference
 *   reads it and reports its own message, line and column.
 * - **Positions are the lines the reference gives**: js-yaml's listener reports where each node's content starts, which
 *   is the start of the reference's node range: each document's first line, and in a `kind: List` each item's.
 *
 * `test/analysis/fast-yaml.test.ts` compares both readers on every YAML file of the repository's examples and tests and
 * on generated texts.
 */

/** A scalar tag of the `yaml` package's schema, as load.ts's `kubectlScalars` gives them. */
export interface ReferenceScalarTag {
  readonly tag: string;
  readonly default?: boolean | 'key';
  readonly test?: RegExp;
  resolve?(value: string, onError: (message: string) => void, options: object): unknown;
}

interface JsYamlType {
  readonly tag: string;
}

interface JsYamlState {
  readonly tag: string | null;
  readonly anchor: string | null;
  readonly line: number;
  readonly lineIndent: number;
  readonly position: number;
  readonly kind: string | null;
  readonly result: unknown;
}

interface JsYamlModule {
  Type: new (tag: string, options: { kind: 'scalar'; resolve(data: string | null): boolean; construct(data: string | null): unknown }) => JsYamlType;
  FAILSAFE_SCHEMA: { extend(types: { implicit: JsYamlType[] }): object };
  loadAll(text: string, iterator: undefined, options: { schema: object; listener(event: 'open' | 'close', state: JsYamlState): void }): unknown[];
}

/** What the fast path read: each document's value and first line, and in each document the lines of its List items. */
export interface FastDocuments {
  readonly values: unknown[];
  /** The line (from 1) where each document's content starts. */
  readonly lines: number[];
  /** By document: the lines of the items of its top-level `items` sequence (undefined for a document without one). */
  readonly itemLines: Array<number[] | undefined>;
}

/**
 * What only the reference reads the same way and js-yaml's listener cannot see: a directive (`%YAML` at a line's start),
 * a last line of blanks with a tab and no line end (a tab as indentation to the reference), a sequence entry holding only
 * a comment (`- #c`: js-yaml reads the next, less indented entry into the same sequence), and a key that reads as null
 * (`~:`, `null:`, an empty key). A match inside a string only sends the text to the
 * reference. (Anchors, aliases, explicit tags and merge keys are seen node by node as js-yaml reads them.)
 */
const REFERENCE_ONLY = [/^%/m, /(?:^|\n)[ \t]*\t[ \t]*$/, /(?:^|[ \t])-[ \t]+#/m, /(?:^|[{,?[]|(?:^|\s)-[ \t])[ \t]*:(?:[ \t\r\n]|$)/m, /(?:^|[\s{,?[])(?:~|[Nn]ull|NULL)[ \t]*:(?:[ \t\r\n]|$)/m];

/** The names js-yaml gives the reference's scalar types here (js-yaml keeps one type per name). */
const TYPE_PREFIX = 'tag:mesh-kit,';

let loaded: JsYamlModule | null | undefined;
let schemaFor: { readonly tags: readonly ReferenceScalarTag[]; readonly schema: object } | undefined;

function jsYaml(): JsYamlModule | undefined {
  if (loaded === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require('js-yaml') as JsYamlModule;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}

/** js-yaml's schema: its failsafe schema (strings, sequences, mappings) with the reference's plain-scalar tags, in order. */
function schemaOf(js: JsYamlModule, tags: readonly ReferenceScalarTag[]): object {
  if (schemaFor?.tags === tags) return schemaFor.schema;
  const implicit = tags
    .filter(t => t.default === true && t.test !== undefined && t.resolve !== undefined)
    // one name each: js-yaml keeps one type per name, and YAML 1.1 has several formats of one tag (int: 2, 8, 10, 16)
    .map((t, i) => new js.Type(`${TYPE_PREFIX}${i}:${t.tag}`, {
      kind: 'scalar',
      resolve: data => t.test!.test(data ?? ''),
      construct: data => {
        const value = t.resolve!(data ?? '', message => { throw new Error(message); }, {});
        // a tag may return a Scalar node (the `yaml` package's floats keep their format on one): its value is the value
        return typeof value === 'object' && value !== null && 'value' in value ? (value as { value: unknown }).value : value;
      },
    }));
  const schema = js.FAILSAFE_SCHEMA.extend({ implicit });
  schemaFor = { tags, schema };
  return schema;
}

/**
 * Whether the node just read is a flow collection used as a key (`{a: b}: c`, `[a, b]: c`): the reference writes such a
 * key as its YAML text, js-yaml as `[object Object]` or `a,b`.
 */
function flowCollectionKey(text: string, state: JsYamlState): boolean {
  if (state.kind !== 'mapping' && state.kind !== 'sequence') return false;
  const last = text.charCodeAt(state.position - 1);
  if (last !== 0x7d /* } */ && last !== 0x5d /* ] */) return false;
  let at = state.position;
  while (text[at] === ' ' || text[at] === '\t') at++;
  return text[at] === ':';
}

/** The offset of the first character of a node's content from where js-yaml opened it (blanks skipped). */
function contentStart(text: string, position: number): number {
  let at = position;
  while (text[at] === ' ' || text[at] === '\t' || text[at] === '\n' || text[at] === '\r') at++;
  return at;
}

/** Whether the node opened at `open` is a flow collection or a quoted scalar. */
function isFlow(text: string, open: { readonly position: number }): boolean {
  const c = text[contentStart(text, open.position)];
  return c === '{' || c === '[' || c === '\'' || c === '"';
}

/**
 * Whether the flow collection just read is a key of the flow mapping around it (`{{a: b}, c: d}`, `{[a]}`): it is one
 * unless a `:` comes right before it (blanks skipped), i.e. unless it is a value.
 */
function keyInFlowMapping(text: string, state: JsYamlState, open: { readonly position: number },
  parent: { readonly position: number } | undefined): boolean {
  if (parent === undefined || (state.kind !== 'mapping' && state.kind !== 'sequence')) return false;
  const start = contentStart(text, open.position);
  if ((text[start] !== '{' && text[start] !== '[') || text[contentStart(text, parent.position)] !== '{') return false;
  let before = start - 1;
  while (before >= 0 && (text[before] === ' ' || text[before] === '\t' || text[before] === '\n' || text[before] === '\r')) before--;
  return text[before] !== ':';
}

/**
 * Whether a comment follows the node just read without a space (`{a: b}#c`, `'a'#c`): YAML requires a space before
 * `#`, and the reference refuses it, where js-yaml reads a comment.
 */
function commentWithoutSpace(text: string, state: JsYamlState): boolean {
  if (text.charCodeAt(state.position) !== 0x23 /* # */) return false;
  const last = text[state.position - 1];
  return last === '}' || last === ']' || last === '\'' || last === '"';
}

/**
 * Whether the quoted scalar or flow collection from `open` to `end` has a line indented no further than the line it
 * starts on. YAML requires a flow node's continuation lines to be indented further: the reference refuses such a text
 * ("Missing closing quote", "Flow map in block collection must be sufficiently indented"), where js-yaml (like
 * libyaml) reads on. Left to the reference, so that a text is read the same whichever reader takes it.
 */
function flowUnderIndented(text: string, open: { readonly position: number; readonly indent: number }, end: number): boolean {
  const at = contentStart(text, open.position);
  if (at >= end || (text[at] !== '\'' && text[at] !== '"' && text[at] !== '{' && text[at] !== '[')) return false;
  for (let nl = text.indexOf('\n', at); nl >= 0 && nl < end; nl = text.indexOf('\n', nl + 1)) {
    let col = nl + 1;
    while (text[col] === ' ') col++;
    if (col < end && text[col] !== '\n' && text[col] !== '\r' && col - nl - 1 <= open.indent) return true;
  }
  return false;
}

/**
 * The documents of `text` read by js-yaml with the reference's scalars, or undefined when the text is the reference's
 * to read (see the module comment): js-yaml is missing, the text may hold what only the reference reads the same way,
 * or js-yaml refuses it.
 */
export function fastDocuments(text: string, tags: readonly ReferenceScalarTag[]): FastDocuments | undefined {
  const js = jsYaml();
  if (js === undefined || REFERENCE_ONLY.some(re => re.test(text))) return undefined;
  const lines: number[] = [];
  // per document, its top-level nodes in order (a mapping's keys and values alternate) with the lines of their children
  const tops: Array<Array<{ result: unknown; children: number[] }>> = [];
  let depth = 0;
  // where each open node starts, for the quoted scalars that span lines
  const opened: Array<{ readonly position: number; readonly line: number; readonly indent: number }> = [];
  let underIndented = false;
  let referenceOnly = false;
  let values: unknown[];
  try {
    values = js.loadAll(text, undefined, {
      schema: schemaOf(js, tags),
      listener: (event, state) => {
        if (event === 'open') {
          opened.push({ position: state.position, line: state.line, indent: state.lineIndent });
          if (depth === 0) {
            lines.push(state.line + 1);
            tops.push([]);
          } else if (depth === 1) {
            tops[tops.length - 1].push({ result: undefined, children: [] });
          } else if (depth === 2) {
            const top = tops[tops.length - 1];
            top[top.length - 1].children.push(state.line + 1);
          }
          depth++;
        } else {
          const open = opened.pop()!;
          // the node around this one, for the checks of nodes over lines and of collections only (a one-line scalar, most
          // nodes, needs none); js-yaml reads a flow collection at a block's start inside a node that opens at the same
          // place (it tries it as the key of a block mapping first), which encloses nothing
          const around = state.line > open.line || state.kind === 'mapping' || state.kind === 'sequence' ? opened[opened.length - 1] : undefined;
          const parent = around !== undefined && contentStart(text, around.position) !== contentStart(text, open.position) ? around : undefined;
          // a flow node within another is held to the outer one's indentation, which the outer one's check covers; the
          // document's root node to none (it may close at column 0)
          if (state.line > open.line && !underIndented && !(parent !== undefined && isFlow(text, parent))) {
            underIndented = flowUnderIndented(text, parent === undefined ? { ...open, indent: -1 } : open, state.position);
          }
          // an anchor (every alias names one), an explicit tag (a plain scalar's is '?' until a type resolves it), a merge key
          if (state.anchor !== null || (state.tag !== null && state.tag !== '?' && !state.tag.startsWith(TYPE_PREFIX))
            || (state.tag === '?' && state.result === '<<') || flowCollectionKey(text, state) || commentWithoutSpace(text, state)
            || keyInFlowMapping(text, state, open, parent)) {
            referenceOnly = true;
          }
          depth--;
          if (depth === 1) {
            const top = tops[tops.length - 1];
            top[top.length - 1].result = state.result;
          }
        }
      },
    });
  } catch {
    return undefined;
  }
  if (underIndented || referenceOnly || values.length !== lines.length) return undefined;
  const itemLines: Array<number[] | undefined> = [];
  for (const [i, value] of values.entries()) {
    if (typeof value !== 'object' || value === null || !Array.isArray((value as { items?: unknown }).items)) {
      itemLines.push(undefined);
      continue;
    }
    const items = (value as { items: unknown[] }).items;
    const nodes = tops[i];
    // a block mapping's keys and values alternate; `items` is a key whose next node is the sequence itself
    const at = nodes.findIndex((n, k) => k % 2 === 0 && n.result === 'items' && nodes[k + 1]?.result === items);
    const children = at >= 0 ? nodes[at + 1].children : undefined;
    // items not located one by one (a List written in flow style): the reference locates them
    if (children?.length !== items.length) return undefined;
    itemLines.push(children);
  }
  return { values, lines, itemLines };
}
