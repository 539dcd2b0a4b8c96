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
 * (structural defaulting: a property with a `default` that the object leaves out).
 */
export function withDefaults(schema: JsonSchema | undefined, value: unknown): unknown {
  if (!schema) return value;
  if (Array.isArray(value)) return value.map(v => withDefaults(schema.items, v));
  if (value === null || typeof value !== 'object') return value;
  const out: { [k: string]: unknown } = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = withDefaults(schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined), v);
  }
  for (const [k, p] of Object.entries(schema.properties ?? {})) {
    if (!(k in out) && p.default !== undefined) out[k] = withDefaults(p, JSON.parse(JSON.stringify(p.default)));
  }
  return out;
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
  const walk = (s: JsonSchema | undefined, v: unknown, at: string): void => {
    if (!s || v === undefined) return;
    for (const rule of s['x-kubernetes-validations'] ?? []) {
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
      v.forEach((x, i) => walk(s.items, x, `${at}/${i}`));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        walk(s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined), x, `${at}/${k}`);
      }
    }
  };
  walk(schema, value, path);
  return { problems, unsupported: [...unsupported].sort(), evaluated };
}
