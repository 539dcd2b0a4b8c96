import { ApiObject, App, Chart, IResolver, Lazy, ResolutionContext, Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { stats, toYaml, toYamlDocuments } from '../../lib/core/yaml';
import { MeshApp, MeshChart } from '../../lib/hosting/cdk8s';
import { SchemaValidation } from '../../lib/schema/schema-validation';
import { propertyRuns } from '../support/tier';

/**
 * The fast YAML path against the `yaml` package through cdk8s's own `Yaml.stringify`, byte for byte: the scalars
 * YAML 1.1 reads as something else, the indicator characters, multi-line strings, unicode and control characters,
 * nested and empty collections, and values it must leave to `yaml`. FC_SEED replays a run.
 */
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

/** Scalars the `yaml` package quotes, or does not, by YAML 1.1's rules: each one a trap for a hand-written writer. */
const TRICKY = [
  '', ' ', '  x', 'x ', '\t', 'a\tb', '\tx', '~', 'null', 'Null', 'NULL', 'nULL', 'y', 'Y', 'n', 'N', 'yes', 'Yes', 'YES', 'yEs', 'no', 'No', 'on', 'On', 'ON', 'off',
  'Off', 'OFF', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False', '0', '00', '007', '08', '09', '-0', '+1', '1_000', '1__0', '_1', '0b101', '0b2', '0o17', '0x1F',
  '0xg', '0x_1', '1e3', '1E-3', '1.', '.5', '1.5e', '.e1', '1:20', '1:20:30', '1:60', '-1:20.5', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', 'nan', 'inf',
  '2024-01-01', '2024-1-1', '2024-01-01T10:00:00Z', '2024-01-01 10:00:00.5 +02:00', '2024-13-45', '<<', '<', '=', '-', '--', '---', '---x', '--- x',
  '...', '....', '?', '? x', '?x', '- x', '-x', '--flag=1', '-Dprop=a b', ':', ':x', 'x:', 'a:b', 'a: b', 'a :b', 'a #b', 'a#b', '#x', '&a', '*a', '!tag',
  '|', '>', '|-', '\'', '"', 'a\'b', 'a"b', 'a\'"b', '\'x\'', '"x"', '%x', '@x', '`x', ',x', 'x,', '[x]', '{x}', 'x]', 'x}', 'é', 'ß', '中文', 'émoji 🙂', '🙂',
  '\u00a0', 'a\u00a0b', '\u0085', '\u2028', '\u2029', '\ufeff', '\u0000', '\u0007', '\u001b', '\u007f', '\u009f', '\r', 'a\r\nb', '\ud800', '\udc00x',
  '\\', 'a\\nb', '\\u0041', 'line\n', 'line\nline', '\nx', '\n\nx', 'x\n\n', 'x\n\n\n', ' x\ny', 'x\n y', 'x \ny', 'x\n\t', '\n', '\n\n', ' \n', 'a\n---\nb',
  'a\n...\nb', 'a\n# c\nb', 'x\n  - y', 'k: v\nk2: v2', '"\n\'', 'a'.repeat(1030), `${'b'.repeat(600)}\n${'c'.repeat(600)}`, 'http://x:80/a?b=c#d', 'svc.ns.svc.cluster.local',
  '*.example.com', 'app.kubernetes.io/name', 'istio-injection', '100m', '128Mi', '1Gi', '0.5', '80', '8080', '10%', 'v1', 'V1', 'e', 'E', '1e', 'x=y',
];

/** Characters with a meaning in YAML, and the ones the fast path leaves to yaml (control characters, surrogates) when `sure` is off. */
const SURE_CHARS = Array.from('aZ09_-.:#\'"{}[],&*!|>%@`? \t\nyYnNoOeExXb+~<=/\\é中🙂\u00a0\ufeff');
const UNSURE_CHARS = ['\u0085', '\u0000', '\u0007', '\r', '\ud83d', '\ude42', '\u2028', '\u2029'];
// eslint-disable-next-line no-control-regex
const SURE_TRICKY = TRICKY.filter(t => !/[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]/.test(t.replace(/🙂/g, '')));

const EDGE_INTEGERS = [0, 2 ** 53 - 1, -(2 ** 53 - 1)];
/** Numbers the fast path leaves to yaml. */
const OTHER_NUMBERS = [-0, 1.5, -2.25, 1e21, 2 ** 53, NaN, Infinity, -Infinity, 0.1];

/**
 * Documents of tricky strings, integers, booleans and nulls in nested and empty collections: `sure` ones hold
 * only what the fast path writes itself (so most of them prove its bytes), the others anything at all.
 */
function documents(sure: boolean) {
  const chars = sure ? SURE_CHARS : [...SURE_CHARS, ...UNSURE_CHARS];
  const words = sure ? SURE_TRICKY : TRICKY;
  const anyString = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...words) },
    { weight: 3, arbitrary: fc.array(fc.constantFrom(...chars), { maxLength: 12 }).map(cs => cs.join('')) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...words), fc.constantFrom(...words)).map(([a, b]) => `${a}${b}`) },
    ...(sure ? [] : [{ weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) }]),
  );
  // the fast path writes keys on one line; multi-line values it writes as blocks, unless made of blanks; `<<` is YAML 1.1's merge key
  const str = sure ? anyString.filter(s => !/^(---|\.\.\.)/.test(s) && !/\n[\t ]+$|^\s+$/.test(s) && s !== '<<') : anyString;
  const key = sure ? str.filter(s => !s.includes('\n') && s.length < 1000) : anyString;
  const scalar = fc.oneof(
    { weight: 6, arbitrary: str },
    { weight: 2, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.constantFrom(...(sure ? EDGE_INTEGERS : [...EDGE_INTEGERS, ...OTHER_NUMBERS])) },
    { weight: 1, arbitrary: fc.constantFrom(true, false, null, undefined) },
  );
  const { value: tree } = fc.letrec<{ value: unknown }>(tie => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('map'), tie('seq')),
    map: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
    seq: fc.array(tie('value'), { maxLength: 5 }),
  }));
  return fc.oneof(
    { weight: 4, arbitrary: fc.dictionary(key, tree, { maxKeys: 6 }) },
    { weight: 1, arbitrary: fc.array(tree, { maxLength: 4 }) },
  );
}

/** Every value in a generated document (the document, its collections, keys and scalars). */
function countValues(v: unknown): number {
  if (Array.isArray(v)) return 1 + v.reduce((n: number, x) => n + countValues(x), 0);
  if (v !== null && typeof v === 'object') return 1 + Object.entries(v).reduce((n, [, x]) => n + 1 + countValues(x), 0);
  return 1;
}

describe('toYaml writes the bytes of cdk8s\'s Yaml.stringify', () => {
  // printed, so that a failure seen once in CI can be replayed with FC_SEED
  // eslint-disable-next-line no-console
  console.log(`fast YAML property tests: seed ${seed} (FC_SEED=${seed} replays)`);

  test('every tricky scalar, as a value, a key, a sequence item and nested', () => {
    const before = { ...stats };
    for (const s of TRICKY) {
      for (const doc of [{ k: s }, { [s]: 'v' }, [s], { a: { b: [{ c: s, [s]: [s] }] } }]) expect(toYaml(doc)).toBe(Yaml.stringify(doc));
    }
    // most go through the fast path: a test that only ever exercised the fallback would prove nothing
    expect(stats.fast - before.fast).toBeGreaterThan(3 * (stats.fallback - before.fallback));
  });

  /** Documents from a generator, each compared with cdk8s's bytes: how many values and which path wrote them. */
  function compare(sure: boolean, numRuns: number) {
    let values = 0;
    let docs = 0;
    const before = { ...stats };
    fc.assert(fc.property(documents(sure), doc => {
      values += countValues(doc);
      docs++;
      expect(toYaml(doc)).toBe(Yaml.stringify(doc));
    }), { seed, numRuns });
    const counts = { values, documents: docs, fast: stats.fast - before.fast, fallback: stats.fallback - before.fallback };
    // eslint-disable-next-line no-console
    console.log(`fast YAML, ${sure ? 'values it writes itself' : 'any values'}: ${values} generated values in ${docs} documents identical to cdk8s's Yaml.stringify `
      + `(${counts.fast} documents by the fast path, ${counts.fallback} by yaml; seed ${seed})`);
    return counts;
  }

  const RUNS = propertyRuns(500, 4_000);
  test(`${RUNS} generated documents (more than ${RUNS * 12} values) that the fast path writes, byte for byte`, () => {
    const counts = compare(true, RUNS);
    expect(counts.values).toBeGreaterThanOrEqual(RUNS * 12);
    expect(counts.fast).toBe(counts.documents);
  });

  test('generated documents of any values: the same bytes, whichever path writes them', () => {
    const counts = compare(false, Math.round(RUNS / 2));
    expect(counts.values).toBeGreaterThanOrEqual(RUNS * 5);
    expect(counts.fast).toBeGreaterThan(0);
    expect(counts.fallback).toBeGreaterThan(0);
  });

  test('several documents are joined as cdk8s joins them, undefined ones included', () => {
    const docs = [{ a: 1 }, undefined, ['x'], {}, { b: 'yes' }];
    expect(toYamlDocuments(docs)).toBe(Yaml.stringify(...docs));
    expect(toYamlDocuments([])).toBe(Yaml.stringify());
  });
});

describe('toYaml leaves to yaml what it is not sure of', () => {
  /** Which path wrote a document, and that the bytes are cdk8s's. */
  function path(doc: unknown): 'fast' | 'fallback' {
    const before = { ...stats };
    expect(toYaml(doc)).toBe(Yaml.stringify(doc));
    return stats.fallback > before.fallback ? 'fallback' : 'fast';
  }

  test('a plain object of plain values takes the fast path', () => {
    expect(path({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { app: 'x' } }, data: { 'a.conf': 'k: v\nk2: v2\n' } })).toBe('fast');
    expect(path({ spec: Object.assign(Object.create(null) as object, { a: 1 }) })).toBe('fast');
  });

  test.each([['a function', () => 1], ['a symbol', Symbol('s')]])('%s: yaml\'s own error', (_, value) => {
    const before = stats.fallback;
    expect(() => toYaml({ v: value })).toThrow(/^Tag not resolved for (Function|Symbol) value$/);
    expect(() => Yaml.stringify({ v: value })).toThrow(/^Tag not resolved for (Function|Symbol) value$/);
    expect(stats.fallback).toBe(before + 1);
  });

  test.each([
    ['a Date', { when: new Date(0) }],
    ['a class instance', { spec: new (class Port { public readonly number = 80; })() }],
    ['a Map', { spec: new Map([['a', 1]]) }],
    ['a float', { weight: 0.5 }],
    ['-0', { n: -0 }],
    ['an integer past 2^53', { n: 2 ** 60 }],
    ['NaN', { n: NaN }],
    ['a bigint', { n: BigInt(1) }],
    ['a control character', { s: 'a\u0007b' }],
    ['a carriage return', { s: 'a\r\nb' }],
    ['a lone surrogate', { s: '\ud800' }],
    ['a document marker', { s: '---x' }],
    ['a line separator (U+2028)', { '\u2028%': 1 }],
    ['YAML 1.1\'s merge key', { '<<': '<<' }],
    ['a multi-line key', { 'a\nb': 1 }],
    ['a key past 1,024 characters', { ['k'.repeat(1100)]: 1 }],
    ['a multi-line string of blanks only', { s: '\n  \n' }],
    ['a last line of blanks', { s: 'x\n  ' }],
  ])('%s', (_, doc) => {
    expect(path(doc)).toBe('fallback');
  });

  test('an object with no own keys is {} even when Object.prototype has enumerable ones (a polluted prototype)', () => {
    const proto = Object.prototype as { [k: string]: unknown };
    proto.polluted = 1;
    try {
      expect(path({ a: {}, b: [{}] })).toBe('fast');
      expect(toYaml({ a: {} })).toBe('a: {}\n');
    } finally {
      delete proto.polluted;
    }
  });

  test('an object met twice (yaml writes an anchor and an alias)', () => {
    const labels = { app: 'x' };
    expect(path({ metadata: { labels }, selector: labels })).toBe('fallback');
    expect(Yaml.stringify({ metadata: { labels }, selector: labels })).toContain('&a1');
  });

  test('a cycle', () => {
    const o: Record<string, unknown> = { a: 1 };
    o.self = o;
    const before = stats.fallback;
    // yaml writes the cycle as an alias to the document itself
    expect(toYaml(o)).toBe(Yaml.stringify(o));
    expect(stats.fallback).toBe(before + 1);
  });

  test('an object with a Lazy, or a custom resolver\'s value, goes to yaml through a MeshApp, with the bytes cdk8s writes', () => {
    /** A resolver that turns every `ratio` into a float (cdk8s itself refuses anything but plain data), as a user's might. */
    class RatioResolver implements IResolver {
      public resolve(context: ResolutionContext): void {
        if (context.key[context.key.length - 1] === 'ratio' && context.value === 'quarter') context.replaceValue(0.25);
      }
    }
    const build = (app: App) => {
      const chart = app instanceof MeshApp ? new MeshChart(app, 'c') : new Chart(app, 'c');
      new ApiObject(chart, 'lazy', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'lazy' }, data: { a: Lazy.any({ produce: () => 'yes' }) } });
      new ApiObject(chart, 'dated', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dated' }, spec: { ratio: 'quarter' } });
      new ApiObject(chart, 'plain', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' }, data: { a: '1_000' } });
      return chart;
    };
    // (schema validation would stop the made-up field)
    const mesh = new MeshApp({ resolvers: [new RatioResolver()], analysis: { reportFile: '', schemaValidation: SchemaValidation.off() }, graphFile: '' });
    build(mesh);
    const cdk8s = new App({ resolvers: [new RatioResolver()] });
    const chart = build(cdk8s);
    const before = { ...stats };
    const out = mesh.synthFiles().get('c.k8s.yaml');
    expect(out).toBe(Yaml.stringify(...chart.toJson()));
    expect(out).toContain('ratio: 0.25');
    // the Lazy resolves to a plain string before writing (fast); the resolver's float is left to yaml
    expect({ fast: stats.fast - before.fast, fallback: stats.fallback - before.fallback }).toStrictEqual({ fast: 2, fallback: 1 });
  });
});
