import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { JsonSchema, toCel } from '../../lib/schema/cel';
import { CEL, CompiledRule, celError } from '../../lib/schema/cel-runtime';
import { GENERATED_VALIDATORS } from '../../lib/schema/core-shapes';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cel = require('@bufbuild/cel');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ext = require('@bufbuild/cel/ext');
const env = cel.celEnv({ funcs: [...(ext.strings ?? [])] });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const compiled = require(path.join(GENERATED_VALIDATORS, 'cel-rules.js')) as { [rule: string]: CompiledRule };
const index = JSON.parse(fs.readFileSync(path.join(GENERATED_VALIDATORS, 'index.json'), 'utf8')) as { crds: { [k: string]: string } };

/** Every (rule, schema node) of the generated validators. */
function rulesWithSchemas(): Array<{ rule: string; schema: JsonSchema; kind: string }> {
  const out = new Map<string, { rule: string; schema: JsonSchema; kind: string }>();
  for (const [kind, file] of Object.entries(index.crds)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const walk = (require(path.join(GENERATED_VALIDATORS, file)) as { walk: JsonSchema }).walk;
    const visit = (s: JsonSchema | undefined): void => {
      if (!s) return;
      for (const r of s['x-kubernetes-validations'] ?? []) if (!out.has(r.rule) && !/\boldSelf\b/.test(r.rule)) out.set(r.rule, { rule: r.rule, schema: s, kind });
      Object.values(s.properties ?? {}).forEach(visit);
      visit(s.items);
      if (typeof s.additionalProperties === 'object') visit(s.additionalProperties);
    };
    visit(walk);
  }
  return [...out.values()];
}

/** Values shaped like the schema, with strings drawn from the rule's own literals (so that its branches are taken). */
function valueOf(schema: JsonSchema | undefined, literals: string[], depth = 0): fc.Arbitrary<unknown> {
  const str = fc.oneof(fc.constantFrom(...literals, '', '1s', '0s', '2h', '500ms', 'a.b', '*.example.com', '10.0.0.1', 'http://x', '/p', '80'), fc.string({ maxLength: 6 }));
  if (!schema) return fc.oneof(str, fc.integer({ min: -2, max: 70000 }), fc.boolean());
  // deep down, values of the right type but empty: the rules' type-mismatch errors are the schema's business
  if (depth > 6 && schema.type === 'array') return fc.constant([]);
  if (depth > 6 && (schema.type === 'object' || schema.properties)) return fc.constant({});
  if (schema['x-kubernetes-int-or-string']) return fc.oneof(str, fc.integer({ min: -2, max: 70000 }));
  switch (schema.type) {
    case 'string': return str;
    case 'integer': return fc.oneof(fc.integer({ min: -2, max: 70000 }), fc.constantFrom(0, 1, 65535, 65536));
    case 'number': return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean': return fc.boolean();
    case 'array': return fc.array(valueOf(schema.items, literals, depth + 1), { maxLength: 3 });
    default: {
      const props = schema.properties ?? {};
      const known = fc.record(Object.fromEntries(Object.entries(props).map(([k, p]) => [k, valueOf(p, literals, depth + 1)])), { requiredKeys: [] });
      if (typeof schema.additionalProperties === 'object') {
        return fc.dictionary(fc.oneof(fc.constantFrom(...literals, '80', '443', 'app', 'a/b'), fc.string({ maxLength: 4 })), valueOf(schema.additionalProperties, literals, depth + 1), { maxKeys: 3 });
      }
      return known;
    }
  }
}

/** What @bufbuild/cel says: true, false, another value, or 'error'. */
function reference(rule: string, schema: JsonSchema, value: unknown): unknown {
  try {
    const r = cel.plan(env, cel.parse(rule))({ self: toCel(schema, value) });
    if (cel.isCelError(r)) return /unbound function|found no matching overload/.test(String(r.message)) ? 'unsupported' : 'error';
    return typeof r === 'boolean' ? r : 'value';
  } catch {
    return 'error';
  }
}

function ours(rule: string, value: unknown): unknown {
  const r = compiled[rule](CEL, value);
  if (celError(r) !== undefined) return 'error';
  return typeof r === 'boolean' ? r : 'value';
}

/** Functions of Kubernetes' CEL library that @bufbuild/cel lacks: there the reference cannot answer. */
const KUBERNETES_ONLY = /\b(isURL|url|isIP|duration)\(|\bformat\./;

describe('CEL rules compiled to JavaScript at build time', () => {
  const rules = rulesWithSchemas();

  test('every rule of the pinned CRDs is compiled', () => {
    expect(rules.length).toBeGreaterThan(100);
    expect(rules.filter(r => !compiled[r.rule]).map(r => r.rule)).toStrictEqual([]);
  });

  test('agree with @bufbuild/cel on every rule over values shaped by its schema (property test)', () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 100000);
    let runs = 0;
    let compared = 0;
    const comparable = rules.filter(r => !KUBERNETES_ONLY.test(r.rule));
    for (const { rule, schema, kind } of comparable) {
      const literals = [...rule.matchAll(/'([^']*)'|"([^"]*)"/g)].map(m => m[1] ?? m[2]).filter(s => s.length < 40);
      fc.assert(fc.property(valueOf(schema, literals.length ? literals : ['x']), value => {
        runs++;
        const expected = reference(rule, schema, value);
        if (expected === 'unsupported') return;
        // @bufbuild/cel converts '' to 0 and ' 1' to 1; cel-go, which the API server runs, refuses both (as the compiled rules do)
        if (/\bint\(/.test(rule) && /"(|[^"]*\s[^"]*)":/.test(JSON.stringify(value))) return;
        compared++;
        const shown = JSON.stringify(value);
        expect({ kind, rule, value: shown, result: ours(rule, value) }).toStrictEqual({ kind, rule, value: shown, result: expected });
      }), { numRuns: 60, seed });
    }
    console.log(`CEL differential test: ${runs} runs over the ${comparable.length} of ${rules.length} rules @bufbuild/cel can evaluate (seed ${seed}), ${compared} compared`);
    expect(compared).toBeGreaterThan(3000);
  });

  test('the Kubernetes library functions the CRDs use: duration, isURL/url().getScheme(), isIP, format.dns1123Label()', () => {
    const run = (rule: string, self: unknown) => {
      const f = compiled[rule];
      expect(f).toBeDefined();
      return f(CEL, self);
    };
    expect(run('duration(self) >= duration(\'1ms\')', '0s')).toBe(false);
    expect(run('duration(self) >= duration(\'1ms\')', '1.5s')).toBe(true);
    expect(celError(run('duration(self) >= duration(\'1ms\')', 'soon'))).toMatch(/invalid duration/);
    expect(run('self.all(h, !isIP(h))', ['a.example.com'])).toBe(true);
    expect(run('self.all(h, !isIP(h))', ['10.0.0.1'])).toBe(false);
    expect(run('size(self) == 0 || format.dns1123Label().validate(self) == null', 'my-port')).toBe(true);
    expect(run('size(self) == 0 || format.dns1123Label().validate(self) == null', 'My_Port')).toBe(false);
    const urlRule = Object.keys(compiled).find(r => r.startsWith('isURL(self)'))!;
    expect(run(urlRule, 'https://example.com/x.wasm')).toBe(true);
    expect(run(urlRule, 'oci://registry/image:tag')).toBe(true);
    expect(run(urlRule, 'ftp://example.com/x')).toBe(false);
    expect(run(urlRule, 'registry/image:tag')).toBe(true);
  });

  test('errors are values: `&&` and `||` absorb them as CEL does, in either order', () => {
    const r = CEL;
    const e = r.fail('boom');
    expect(r.and(() => e, () => false)).toBe(false);
    expect(r.and(() => false, () => e)).toBe(false);
    expect(r.and(() => true, () => e)).toBe(e);
    expect(r.or(() => e, () => true)).toBe(true);
    expect(r.or(() => false, () => e)).toBe(e);
    expect(r.call('_+_', undefined, [1, e])).toBe(e);
    expect(celError(r.select({}, 'x', false))).toBe('no such key: x');
    expect(r.select({ 'x-y': 1 }, 'x__dash__y', false)).toBe(1);
    expect(r.select({ namespace: 'n' }, '__namespace__', false)).toBe('n');
  });
});
