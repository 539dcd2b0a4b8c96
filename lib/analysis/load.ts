import { strMap } from './context';
import { ReferenceScalarTag, fastDocuments } from './fast-yaml';
import { AnalyzedObject } from './model';
import { MeshValidationError } from '../core/errors';
import { Manifest } from '../render/model';

/** Where an object was read from: the file, the document's index in it (from 0) and its first line (from 1). */
export interface ObjectSource {
  readonly file: string;
  readonly document: number;
  readonly line: number;
}

interface YamlNode {
  readonly range?: [number, number, number];
  readonly items?: unknown[];
  get?(key: string, keepScalar: true): unknown;
}

interface YamlTag {
  readonly tag: string;
  readonly format?: string;
  readonly test?: RegExp;
}

interface YamlDocument {
  errors: Array<{ code?: string; message: string; linePos?: Array<{ line: number; col: number }> }>;
  range?: [number, number, number];
  contents: unknown;
  toJS(): unknown;
}

interface YamlModule {
  Document: new (value: null, options: object) => { readonly schema: { readonly tags: readonly ReferenceScalarTag[] } };
  Lexer: new () => { lex(source: string): Iterable<string> };
  parseAllDocuments(text: string, options?: object): YamlDocument[];
  visit(node: YamlDocument, visitor: { Scalar(key: unknown, node: { value: unknown }): void }): void;
}

/**
 * A document that is valid YAML but not a Kubernetes object (a Helm `Chart.yaml`, a CI workflow, an IstioOperator
 * without metadata): `mesh-kit analyze` skips the file with a note unless `--strict-input`.
 */
export class NotAnObjectError extends MeshValidationError {}

/**
 * The scalars as kubectl reads them. kubectl decodes YAML with sigs.k8s.io/yaml (`yaml.go`: "As per the YAML 1.1
 * specification, which yaml.v2 used underneath implements, literal 'yes' and 'no' strings without quotation marks will be
 * converted to true/false"), i.e. go-yaml v2's `resolve.go`: y/Y/yes/on and n/N/no/off are booleans, `0755` is octal,
 * `0x1F` hex, `0b101` binary, `1_000` an integer. go-yaml v2 has no base-60 numbers (`1:30` stays a string) and leaves a
 * timestamp decoded into an untyped value a string ("for backward compatibility"), so those two YAML 1.1 tags are dropped.
 * A float needs a digit (go-yaml v2's `yamlStyleFloat`): the `yaml` package's YAML 1.1 floats read `.` and `e5` as NaN,
 * which turned Istio's `exportTo: [.]` into `[NaN]`.
 */
function kubectlScalars(tags: YamlTag[]): YamlTag[] {
  const FLOAT = 'tag:yaml.org,2002:float';
  return tags.filter(t => t.format !== 'TIME' && t.tag !== 'tag:yaml.org,2002:timestamp').map(t => {
    if (t.tag !== FLOAT || !(t.test?.test('1.5') || t.test?.test('1e5'))) return t;
    return t.format === 'EXP' ? { ...t, test: /^[-+]?(?:\.[0-9][0-9_]*|[0-9][0-9_]*(?:\.[0-9_]*)?)[eE][-+]?[0-9]+$/ }
      : { ...t, test: /^[-+]?(?:\.[0-9][0-9_]*|[0-9][0-9_]*\.[0-9_]*)$/ };
  });
}

/** The lexer's control tokens, which are not in the source: document start, flow error end, plain scalar start. */
const DOCUMENT = '\x02';
const FLOW_ERROR_END = '\x18';
const PLAIN_SCALAR = '\x1f';

/**
 * A colon ending a plain scalar right before `,`, `]` or `}` inside a flow collection (`[1.2.3.4, 001:db8::]`,
 * `{a:}`): cheap to test before lexing, since no other text needs the fix.
 */
const COLON_BEFORE_FLOW_INDICATOR = /:[,\]}]/;

/**
 * The text with every colon that go-yaml v2 reads as part of a plain scalar, where the `yaml` package reads a value
 * indicator, replaced by a marker the text does not hold (one UTF-16 unit for one, so offsets and lines stay those of
 * the file), and the marker; undefined when there is none.
 *
 * In a flow collection, go-yaml v2 (`scannerc.go`, yaml_parser_scan_plain_scalar: "Check for indicators that may end a
 * plain scalar") ends a plain scalar at a colon only when a blank follows it (or at `,` `?` `[` `]` `{` `}`), so
 * `[1.2.3.4, 001:db8::]` is two strings to kubectl (sigs.k8s.io/yaml). The `yaml` package follows YAML 1.2's
 * `ns-plain-char`, where a colon is part of a flow scalar only when a "safe" character follows: before `,` `]` `}` it is
 * a value indicator, and `001:db8::` became the map `{ '001:db8:': null }`, which the ServiceEntry schema refused. The
 * colons are found with the `yaml` package's own lexer (which knows quotes, comments and block scalars): a plain
 * scalar, then `:`, then `,` `]` or `}`.
 */
function flowColons(yaml: YamlModule, text: string): { readonly text: string; readonly marker: string } | undefined {
  if (!COLON_BEFORE_FLOW_INDICATOR.test(text)) return undefined;
  // a private-use character the text does not hold
  let marker = '\ue000';
  for (let c = 0xe001; text.includes(marker); c++) {
    if (c > 0xf8ff) return undefined;
    marker = String.fromCharCode(c);
  }
  const colons: number[] = [];
  let offset = 0;
  let depth = 0;
  let pending = -1; // the offset of a colon right after a plain scalar, in a flow collection
  let nextIsPlain = false; // the lexer announced a plain scalar: the next token is its text
  let afterPlain = false; // the previous token was a plain scalar's text
  for (const token of new yaml.Lexer().lex(text)) {
    if (token === DOCUMENT || token === FLOW_ERROR_END || token === PLAIN_SCALAR || token === '') {
      // (an empty plain scalar, the null value the lexer announces after `a:` in `{a:, b: c}`, is no text)
      nextIsPlain = token === PLAIN_SCALAR;
      continue;
    }
    // the tokens are the source, in order: if not, leave the text alone rather than change the wrong character
    if (!text.startsWith(token, offset)) return undefined;
    if (pending >= 0 && (token === ',' || token === ']' || token === '}')) colons.push(pending);
    pending = -1;
    if (token === '[' || token === '{') depth++;
    else if ((token === ']' || token === '}') && depth > 0) depth--;
    else if (token === ':' && afterPlain && depth > 0) pending = offset;
    afterPlain = nextIsPlain;
    nextIsPlain = false;
    offset += token.length;
  }
  if (colons.length === 0) return undefined;
  let out = '';
  let from = 0;
  for (const at of colons) {
    out += text.slice(from, at) + marker;
    from = at + 1;
  }
  return { text: out + text.slice(from), marker };
}

function yamlModule(): YamlModule {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('yaml') as YamlModule;
  } catch {
    throw new MeshValidationError('Reading YAML needs the package \'yaml\': npm install yaml@^2.8.1');
  }
}

/**
 * The line (from 1) of an offset in `text`, for offsets met in increasing order (the documents of a file): counted
 * from the last offset asked, not from the start (which made reading a 20,000-document file take 25 s).
 */
function lineCounter(text: string): (offset: number) => number {
  let at = 0;
  let line = 1;
  return offset => {
    if (offset < at) {
      at = 0;
      line = 1;
    }
    const end = Math.min(offset, text.length);
    for (; at < end; at++) if (text.charCodeAt(at) === 10) line++;
    return line;
  };
}

/**
 * Every Kubernetes object of a multi-document YAML text (as `kubectl apply -f` reads it: empty
 * documents skipped, `kind: List` flattened into its items), each with its file, document index
 * and line. Malformed YAML, or a document that is not an object with `apiVersion`, `kind` and
 * `metadata.name`, is a `MeshValidationError` naming the file, the document and the line.
 */
export function objectsOfYaml(text: string, file: string): Array<AnalyzedObject & { readonly source: ObjectSource }> {
  return fastObjectsOfYaml(text, file) ?? referenceObjectsOfYaml(text, file);
}

/**
 * @internal The objects of `text` read by the fast path (lib/analysis/fast-yaml.ts), or undefined when the text is the
 * reference reader's.
 */
export function fastObjectsOfYaml(text: string, file: string): Array<AnalyzedObject & { readonly source: ObjectSource }> | undefined {
  // the `yaml` package's fix of go-yaml's colons rewrites the text: such a text is the reference's to read
  const fast = COLON_BEFORE_FLOW_INDICATOR.test(text) ? undefined : fastDocuments(text, referenceTags(yamlModule()));
  if (fast === undefined) return undefined;
  const out: Array<AnalyzedObject & { readonly source: ObjectSource }> = [];
  fast.values.forEach((value, index) => objectsOfDocument(out, file, index, value, fast.lines[index], fast.itemLines[index]));
  return out;
}

/** @internal The objects of `text` read by the reference reader, the `yaml` package, with its positions and errors. */
export function referenceObjectsOfYaml(text: string, file: string): Array<AnalyzedObject & { readonly source: ObjectSource }> {
  const yaml = yamlModule();
  let docs: YamlDocument[];
  let fixed: { readonly text: string; readonly marker: string } | undefined;
  try {
    fixed = flowColons(yaml, text);
    docs = yaml.parseAllDocuments(fixed?.text ?? text, { version: '1.1', customTags: kubectlScalars, uniqueKeys: true, logLevel: 'error' });
  } catch (e) {
    throw tooDeep(e, file) ?? e;
  }
  if (fixed !== undefined) {
    const m = fixed.marker;
    // a scalar ending in the marker resolves to no number, boolean or null: a string, as go-yaml v2 reads it
    for (const doc of docs) {
      yaml.visit(doc, { Scalar: (_key, node) => { if (typeof node.value === 'string' && node.value.includes(m)) node.value = node.value.split(m).join(':'); } });
    }
  }
  const out: Array<AnalyzedObject & { readonly source: ObjectSource }> = [];
  const lineAt = lineCounter(text);
  docs.forEach((doc, index) => {
    const contents = doc.contents as YamlNode | null;
    const line = lineAt(contents?.range?.[0] ?? doc.range?.[0] ?? 0);
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const at = e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : `line ${line}`;
      // kubectl's strict decoding (sigs.k8s.io/yaml YAMLToJSONStrict, and the API server's strict field validation
      // kubectl asks for by default) refuses a key given twice; the last one does not silently win.
      const why = e.code === 'DUPLICATE_KEY' ? 'has a key given twice in one mapping, which kubectl\'s strict decoding refuses: keep one'
        : `is not valid YAML: ${e.message.split('\n')[0]}`;
      throw new MeshValidationError(`${file}: document ${index + 1} (${at}) ${why}`);
    }
    let value: unknown;
    try {
      value = doc.toJS();
    } catch (e) {
      throw tooDeep(e, `${file}: document ${index + 1} (line ${line})`)
        ?? new MeshValidationError(`${file}: document ${index + 1} (line ${line}) is not valid YAML: ${String((e as Error).message).split('\n')[0]}`);
    }
    // a List's items are located at their own lines (the `items` sequence's nodes)
    const list = isObject(value) && value.kind === 'List' && Array.isArray(value.items);
    const itemNodes = list ? (contents?.get?.('items', true) as YamlNode | undefined)?.items : undefined;
    const itemLines = itemNodes?.map(n => (n as YamlNode | null)?.range?.[0]).map(o => (o === undefined ? line : lineAt(o)));
    objectsOfDocument(out, file, index, value, line, itemLines);
  });
  return out;
}

/** The objects of one document (the items of a `kind: List`, as kubectl flattens it), each located at its line. */
function objectsOfDocument(out: Array<AnalyzedObject & { readonly source: ObjectSource }>, file: string, index: number, value: unknown,
  line: number, itemLines: readonly number[] | undefined): void {
  if (value === null || value === undefined) return;
  const where = `${file}: document ${index + 1} (line ${line})`;
  const list = isObject(value) && value.kind === 'List' && Array.isArray(value.items);
  const items: unknown[] = list ? (value as { items: unknown[] }).items : [value];
  for (const [i, item] of items.entries()) {
    const itemLine = (list ? itemLines?.[i] : undefined) ?? line;
    const at = list ? `${file}: document ${index + 1} item ${i} (line ${itemLine})` : where;
    out.push({ manifest: manifestOf(item, at), file, mesh: 'istio', source: { file, document: index, line: itemLine } });
  }
}

let referenceTagsOf: { readonly yaml: YamlModule; readonly tags: readonly ReferenceScalarTag[] } | undefined;

/** The scalar tags the reference reads plain scalars with (YAML 1.1 as kubectl reads it), for the fast path. */
function referenceTags(yaml: YamlModule): readonly ReferenceScalarTag[] {
  if (referenceTagsOf?.yaml !== yaml) {
    const doc = new yaml.Document(null, { version: '1.1', customTags: kubectlScalars });
    referenceTagsOf = { yaml, tags: doc.schema.tags };
  }
  return referenceTagsOf.tags;
}

/** Nesting deeper than the parser's stack: a clear error, not "Maximum call stack size exceeded". */
function tooDeep(e: unknown, where: string): MeshValidationError | undefined {
  if (!(e instanceof RangeError)) return undefined;
  return new MeshValidationError(`${where}: the YAML nests too deeply to read (hundreds of levels of mappings or lists); `
    + 'a Kubernetes object nests a few dozen levels at most: check the file is a manifest');
}

function isObject(v: unknown): v is { [k: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function manifestOf(v: unknown, where: string): Manifest {
  const bad = (what: string) => new NotAnObjectError(`${where} is not a Kubernetes object: ${what}`);
  if (!isObject(v)) throw bad(`expected a mapping, got ${Array.isArray(v) ? 'a list' : typeof v}`);
  if (typeof v.apiVersion !== 'string' || v.apiVersion === '') throw bad('\'apiVersion\' must be a non-empty string');
  if (typeof v.kind !== 'string' || v.kind === '') throw bad('\'kind\' must be a non-empty string');
  if (!isObject(v.metadata)) throw bad('\'metadata\' must be a mapping');
  const meta = v.metadata;
  if (typeof meta.name !== 'string' || meta.name === '') throw bad(`'metadata.name' must be a non-empty string (${v.kind})`);
  if (meta.namespace !== undefined && typeof meta.namespace !== 'string') throw bad('\'metadata.namespace\' must be a string');
  for (const field of ['labels', 'annotations']) {
    const m = meta[field];
    if (m === undefined || m === null) continue;
    if (!isObject(m)) throw bad(`'metadata.${field}' must be a mapping`);
  }
  // Label and annotation values are strings to the API server; YAML may have read `true` or `8080`.
  const strings = (m: unknown) => (isObject(m) ? strMap(m) : undefined);
  return { ...v, metadata: { ...meta, labels: strings(meta.labels), annotations: strings(meta.annotations) } } as Manifest;
}
