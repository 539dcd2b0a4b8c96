/**
 * The CEL rules (`x-kubernetes-validations`) of a CRD schema, evaluated over an object the way the
 * API server does on create: each rule with `self` bound to the value at its node, rules on
 * absent values skipped, transition rules (`oldSelf`) skipped (there is no old object).
 *
 * @module
 */
import { listTypeProblems } from './list-types';

/** The part of an OpenAPI v3 schema the evaluation walks. */
export interface JsonSchema {
  readonly 'type'?: string;
  readonly 'properties'?: { readonly [name: string]: JsonSchema };
  readonly 'items'?: JsonSchema;
  readonly 'additionalProperties'?: JsonSchema | boolean;
  readonly 'x-kubernetes-validations'?: ReadonlyArray<{ readonly rule: string; readonly message?: string; readonly messageExpression?: string }>;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-list-type'?: string;
  readonly 'x-kubernetes-list-map-keys'?: readonly string[];
  readonly 'default'?: unknown;
}

/**
 * The object with the schema's defaults filled in, as the API server stores it before validating
 * (structural defaulting: a property with a `default` that the object leaves out). A part of the object where no default
 * applies is the object's own (not a copy): the result is read, never written.
 */
export function withDefaults(schema: JsonSchema | undefined, value: unknown): unknown {
  if (!schema || !defaultsUnder(schema)) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const d = withDefaults(schema.items, value[i]);
      if (d !== value[i]) (copy ??= [...value])[i] = d;
    }
    return copy ?? value;
  }
  if (value === null || typeof value !== 'object') return value;
  const record = value as { [k: string]: unknown };
  let out: { [k: string]: unknown } | undefined;
  for (const k of Object.keys(record)) {
    const v = record[k];
    const d = withDefaults(schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined), v);
    if (d !== v) (out ??= { ...record })[k] = d;
  }
  for (const [k, p] of defaultedProperties(schema)) {
    if (!(k in (out ?? record))) (out ??= { ...record })[k] = withDefaults(p, JSON.parse(JSON.stringify(p.default)));
  }
  return out ?? value;
}

/** Per schema node: its properties with a default, and whether any node under it (itself included) has one. */
const defaultsOf = new WeakMap<JsonSchema, { readonly own: ReadonlyArray<[string, JsonSchema]>; under: boolean }>();

function defaultedProperties(schema: JsonSchema): ReadonlyArray<[string, JsonSchema]> {
  defaultsUnder(schema);
  return defaultsOf.get(schema)!.own;
}

/** Whether a default applies anywhere under a schema node. */
function defaultsUnder(schema: JsonSchema): boolean {
  let known = defaultsOf.get(schema);
  if (!known) {
    known = { own: Object.entries(schema.properties ?? {}).filter(([, p]) => p.default !== undefined), under: false };
    defaultsOf.set(schema, known);
    known.under = anyUnder(schema, s => Object.values(s.properties ?? {}).some(p => p.default !== undefined), defaultsFound);
  }
  return known.under;
}
const defaultsFound = new WeakMap<JsonSchema, boolean>();

/** Whether a CEL rule or a list type applies anywhere under a schema node: where none does, the walk skips the value. */
function checksUnder(schema: JsonSchema): boolean {
  return anyUnder(schema, s => s['x-kubernetes-validations'] !== undefined || s['x-kubernetes-list-type'] !== undefined, checksFound);
}
const checksFound = new WeakMap<JsonSchema, boolean>();

/** Whether `test` holds of a schema node or any node under it, once per node (a node met again while its answer is worked out: yes). */
function anyUnder(schema: JsonSchema, test: (s: JsonSchema) => boolean, found: WeakMap<JsonSchema, boolean>): boolean {
  const known = found.get(schema);
  if (known !== undefined) return known;
  found.set(schema, true);
  const children = [...Object.values(schema.properties ?? {}), schema.items, typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined];
  const answer = test(schema) || children.some(c => c !== undefined && anyUnder(c, test, found));
  found.set(schema, answer);
  return answer;
}

const RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop',
  'package', 'namespace', 'return', 'var', 'void', 'while']);

/** A property name as Kubernetes exposes it to CEL (`namespace` → `__namespace__`, `x-y` → `x__dash__y`). */
export function celName(name: string): string {
  if (RESERVED.has(name)) return `__${name}__`;
  return name.replace(/__/g, '__underscores__').replace(/\./g, '__dot__').replace(/-/g, '__dash__').replace(/\//g, '__slash__');
}

/** Evaluates CEL rules: compiled at build time where the rule is known, else by `@bufbuild/cel`. */
export interface CelEngine {
  /** The result of `rule` with `self` bound to `value` (plain JSON, typed by `schema`), or the CEL error's message. Never throws. */
  evaluate(rule: string, schema: JsonSchema, value: unknown): { readonly value: unknown } | { readonly error: string };
}

/** What evaluating an object's rules found. */
export interface CelResult {
  /** `<path>: <message>` of every rule the object breaks. */
  readonly problems: string[];
  /** Functions of Kubernetes' CEL library the engine does not have: rules using them were not evaluated. */
  readonly unsupported: string[];
  /** How many rules were evaluated. */
  readonly evaluated: number;
}

/** A JSON value as `@bufbuild/cel` sees it, guided by its schema: objects as maps, integers as `int`. */
export function toCel(schema: JsonSchema | undefined, value: unknown): unknown {
  if (Array.isArray(value)) return value.map(v => toCel(schema?.items, v));
  if (value !== null && typeof value === 'object') {
    const m = new Map<string, unknown>();
    for (const [k, v] of Object.entries(value)) {
      const prop = schema?.properties?.[k];
      const sub = prop ?? (typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      // fields are escaped; the keys of maps are not
      m.set(prop ? celName(k) : k, toCel(sub, v));
    }
    return m;
  }
  if (typeof value === 'number' && Number.isInteger(value) && (schema?.type === 'integer' || schema?.['x-kubernetes-int-or-string'])) return BigInt(value);
  return value;
}

function unbound(message: string): string | undefined {
  return /unbound function:? (\S+)/.exec(message)?.[1] ?? /found no matching overload for '([^']+)'/.exec(message)?.[1];
}

/** The longest message a `messageExpression` may give (k8s.io/apiserver celconfig.MaxEvaluatedMessageExpressionSizeBytes). */
const MAX_MESSAGE_BYTES = 5 * 1024;

type Rule = NonNullable<JsonSchema['x-kubernetes-validations']>[number];

/**
 * What the API server says when a rule fails (apiextensions-apiserver `pkg/apiserver/schema/cel/validation.go`): the
 * value of its `messageExpression`, trimmed, when that evaluates to a non-empty string of one line and at most 5 KiB
 * (evalMessageExpression); else, as there when the expression fails, the rule's `message`, trimmed, or `failed rule:
 * <rule>` (ruleMessageOrDefault).
 */
function failureMessage(engine: CelEngine, rule: Rule, schema: JsonSchema, value: unknown): string {
  if (rule.messageExpression !== undefined) {
    const result = engine.evaluate(rule.messageExpression, schema, value);
    if ('value' in result && typeof result.value === 'string') {
      const text = result.value.trim();
      if (text !== '' && !text.includes('\n') && Buffer.byteLength(text) <= MAX_MESSAGE_BYTES) return text;
    }
  }
  const message = rule.message?.trim();
  return message ? message : `failed rule: ${rule.rule.trim()}`;
}

/**
 * Evaluates every rule of `schema` over `value` (recursively), and, in the same walk, the uniqueness of lists of
 * `x-kubernetes-list-type` set and map (lib/schema/list-types.ts).
 */
export function celProblems(engine: CelEngine, schema: JsonSchema, value: unknown, path = ''): CelResult {
  const problems: string[] = [];
  const unsupported = new Set<string>();
  let evaluated = 0;
  // the path of the value walked, as segments: its text is built only where a rule or a list type needs it
  const segments: Array<string | number> = [];
  const here = (): string => path + segments.map(k => `/${k}`).join('');
  const walk = (s: JsonSchema | undefined, v: unknown): void => {
    if (!s || v === undefined || !checksUnder(s)) return;
    const rules = s['x-kubernetes-validations'];
    const at = rules !== undefined || (Array.isArray(v) && s['x-kubernetes-list-type'] !== undefined) ? here() : '';
    for (const rule of rules ?? []) {
      if (/\boldSelf\b/.test(rule.rule)) continue;
      const result = engine.evaluate(rule.rule, s, v);
      if ('error' in result) {
        const fn = unbound(result.error);
        if (fn) {
          unsupported.add(fn);
          continue;
        }
        // as the API server words an evaluation error (apiextensions-apiserver pkg/apiserver/schema/cel/validation.go: ruleErrorString)
        problems.push(`${at || '/'}: ${result.error} evaluating rule: ${rule.message?.trim() || rule.rule.trim()}`);
        continue;
      }
      evaluated++;
      if (result.value !== true) problems.push(`${at || '/'}: ${failureMessage(engine, rule, s, v)}`);
    }
    if (Array.isArray(v)) {
      // list-type set and map uniqueness (listtype.ValidateListSetsAndMaps), in the same walk
      if (s['x-kubernetes-list-type'] !== undefined) problems.push(...listTypeProblems(s, v, at || '/'));
      for (let i = 0; i < v.length; i++) {
        segments.push(i);
        walk(s.items, v[i]);
        segments.pop();
      }
    } else if (v !== null && typeof v === 'object') {
      const record = v as { [k: string]: unknown };
      for (const k of Object.keys(record)) {
        segments.push(k);
        walk(s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined), record[k]);
        segments.pop();
      }
    }
  };
  walk(schema, value);
  return { problems, unsupported: [...unsupported].sort(), evaluated };
}
