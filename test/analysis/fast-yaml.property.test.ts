import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import * as YAML from 'yaml';
import { fastObjectsOfYaml, objectsOfYaml, referenceObjectsOfYaml } from '../../lib/analysis/load';
import { HAS_SHARED, SHARED_DIR } from '../support/shared';
import { propertyRuns } from '../support/tier';

// The fast path of reading manifests (lib/analysis/fast-yaml.ts, js-yaml) against the reference reader (the `yaml`
// package with kubectl's YAML 1.1 scalars): wherever the fast path reads a text, it must give the same objects, at the
// same lines, or the same refusal; everywhere else it must step aside.

const SEED = Number(process.env.PROPERTY_SEED ?? Date.now() % 1_000_000_007);
const RUNS = propertyRuns(300, 3_000);

type Outcome = { readonly objects?: unknown; readonly error?: string };

/** Manifests as synth writes them, for the edits of the mutation property whatever the corpus holds. */
const MANIFESTS = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: reviews-v1',
  '  namespace: bookinfo',
  '  labels:',
  '    app: reviews',
  '    version: v1',
  'spec:',
  '  replicas: 1',
  '  selector:',
  '    matchLabels:',
  '      app: reviews',
  '      version: v1',
  '  template:',
  '    metadata:',
  '      labels:',
  '        app: reviews',
  '        version: v1',
  '    spec:',
  '      containers:',
  '        - name: reviews',
  '          image: docker.io/istio/examples-bookinfo-reviews-v1:1.20.3',
  '          ports:',
  '            - containerPort: 9080',
  '          env:',
  '            - name: LOG_DIR',
  '              value: "/tmp/logs"',
  '          securityContext:',
  '            runAsUser: 1000',
  '            allowPrivilegeEscalation: false',
  '---',
  'apiVersion: v1',
  'kind: Service',
  'metadata: {name: reviews, namespace: bookinfo, labels: {app: reviews, service: reviews}}',
  'spec:',
  '  ports: [{port: 9080, name: http}]',
  '  selector: {app: reviews}',
  '---',
  'apiVersion: networking.istio.io/v1',
  'kind: VirtualService',
  'metadata:',
  '  name: reviews',
  'spec:',
  '  hosts: [reviews]',
  '  http:',
  '  - match:',
  '    - headers:',
  '        end-user: {exact: jason}',
  '    route:',
  '    - destination: {host: reviews, subset: v2}',
  '  - route:',
  '    - destination:',
  '        host: reviews',
  '        subset: v1',
  '      weight: 90',
  '    - destination: {host: reviews, subset: v3}',
  '      weight: 10',
  '',
].join('\n');

function outcome(read: () => unknown): Outcome {
  try {
    return { objects: read() };
  } catch (e) {
    return { error: `${(e as Error).constructor.name}: ${(e as Error).message}` };
  }
}

/** Whether the fast path read `text` (undefined: it stepped aside); fails the test when it disagrees with the reference. */
function agrees(text: string, file = 'in.yaml'): boolean {
  const fast = outcome(() => fastObjectsOfYaml(text, file));
  if ('objects' in fast && fast.objects === undefined) return false;
  expect(fast).toStrictEqual(outcome(() => referenceObjectsOfYaml(text, file)));
  return true;
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) yamlFiles(full, out);
    } else if (/\.ya?ml$/.test(entry.name)) {
      out.push(full);
    }
  }
  return out;
}

describe('the fast YAML path reads what the reference reads', () => {
  const root = path.join(__dirname, '..', '..');
  // each folder's files in name order, the folders in this order whatever the checkout's path: sorted as one list of
  // absolute paths, a clone whose path sorts after ../shared (/work/wt-x against /work/shared) put the upstream
  // references first, and the edit property below read mostly Gateway API conformance YAML the fast path leaves alone
  const corpus = [
    ...yamlFiles(path.join(root, 'examples')).sort(),
    ...yamlFiles(path.join(root, 'test')).sort(),
    ...(HAS_SHARED ? yamlFiles(path.join(SHARED_DIR, 'reference')).sort() : []),
  ];

  test('every YAML file of the examples, the tests and the upstream references: the same objects and lines, or no fast read', () => {
    let fast = 0;
    for (const file of corpus) {
      const text = fs.readFileSync(file, 'utf8');
      if (agrees(text, path.relative(root, file))) fast++;
    }
    // the corpus is mostly plain manifests: a fast path that stepped aside from most of them would prove nothing
    expect(corpus.length).toBeGreaterThan(10);
    expect(fast / corpus.length).toBeGreaterThan(0.6);
  });

  test('a kubectl List dump: every item at its own line, as the reference locates it', () => {
    const text = [
      'apiVersion: v1',
      'items:',
      '- apiVersion: v1',
      '  kind: ConfigMap',
      '  metadata:',
      '    name: a',
      '    namespace: default',
      '  data:',
      '    big: |',
      '      line one',
      '      - not an item',
      '-   apiVersion: v1',
      '    kind: Service',
      '    metadata: {name: b}',
      'kind: List',
      'metadata:',
      '  resourceVersion: ""',
      '',
    ].join('\n');
    expect(agrees(text)).toBe(true);
    expect(objectsOfYaml(text, 'dump.yaml').map(o => [o.manifest.kind, o.source.line])).toStrictEqual([['ConfigMap', 3], ['Service', 12]]);
  });

  test('scalars as kubectl reads them (YAML 1.1: yes, 0755, 0x1F; no base 60, no timestamps, `.` a string)', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  b: yes\n  c: 0755\n  d: 0x1F\n  e: 1:30\n  f: 2001-12-14\n  g: .\n  h: 1_000\n  i: .5\n  j: ~\n  k: "0755"\n';
    expect(agrees(text)).toBe(true);
    expect(objectsOfYaml(text, 'a.yaml')[0].manifest.data).toStrictEqual({ b: true, c: 493, d: 31, e: '1:30', f: '2001-12-14', g: '.', h: 1000, i: 0.5, j: null, k: '0755' });
  });

  test.each([
    ['a literal block kept and a folded one', 'apiVersion: v1\nkind: A\nmetadata:\n  name: a\nspec:\n  x: |+\n    keep\n\n  y: >-\n    folded\n    text\n\n    para\n'],
    ['a plain scalar over lines', 'apiVersion: v1\nkind: A\nmetadata:\n  name: a\nspec:\n  x: plain\n    multi\n    line\n'],
    ['a quoted scalar over lines', 'apiVersion: v1\nkind: A\nmetadata:\n  name: a\nspec: "multi\n  line\n\n  quoted"\n'],
    ['escapes', 'apiVersion: v1\nkind: A\nmetadata: {name: a}\nspec: {x: "a\\tb\\u00e9\\x41\\N\\_"}\n'],
    ['comments everywhere', 'apiVersion: v1 # c\nkind: A\n# c\nmetadata:\n  # c\n  name: a\n'],
    ['a byte order mark', '\ufeffapiVersion: v1\nkind: A\nmetadata:\n  name: a\n'],
    ['CRLF line ends', 'apiVersion: v1\r\nkind: A\r\nmetadata:\r\n  name: a\r\n'],
    ['quoted and spaced keys', 'apiVersion: v1\nkind: A\nmetadata:\n  name: a\nspec:\n  key with spaces: 1\n  \'quoted key\': 2\n  "dq": 3\n'],
    ['numbers at the edges', 'apiVersion: v1\nkind: A\nmetadata:\n  name: a\nspec:\n  a: 9007199254740993\n  b: 1e400\n  c: -0\n  d: 0o17\n  e: +.5\n'],
    ['`*`, `&`, `!` and `<<` inside strings and block scalars (no anchor, alias, tag or merge key)',
      'apiVersion: v1\nkind: A\nmetadata:\n  name: a\nspec:\n  command: ["sh", "-c", "echo * && ls !x"]\n  s: a & b\n  t: |\n    x: *y\n    <<: !z\n  u: \'<<\'\n'],
    ['flow collections as values in flow mappings, over lines', 'apiVersion: v1\nkind: A\nmetadata: {name: a, labels: {b: c},\n  annotations:\n    {d: e}}\nspec: {ports: [{port: 80}, {port: 81}]}\n'],
    ['nested and empty sequence items', 'apiVersion: v1\nkind: A\nmetadata:\n  name: a\nspec:\n  - a\n  -\n  - - b\n'],
  ])('reads %s as the reference does', (_what, text) => {
    expect(agrees(text)).toBe(true);
  });

  test('leaves a quoted scalar whose next line is indented no further than its key to the reference, which refuses it (libyaml reads on)', () => {
    const text = 'apiVersion: v1\nkind: A\nmetadata:\n  name: a\n  annotations:\n    d: \'one\n    two\'\n';
    expect(fastObjectsOfYaml(text, 'x.yaml')).toBeUndefined();
    expect(() => objectsOfYaml(text, 'x.yaml')).toThrow(/Missing closing 'quote/);
  });

  test.each([
    ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
    ['a merge key', 'a: {b: 1}\nc:\n  <<: {b: 2}\n'],
    ['an explicit tag', 'a: !!str 1\n'],
    ['a directive', '%YAML 1.1\n---\na: 1\n'],
    ['a key that reads as null', '~: 1\n'],
    ['a flow mapping as a key', 'spec:\n  {x: 1}: y\n  [a, b]: z\n'],
    ['a flow mapping as a key without a value', 'metadata: {name: a, labels, {app: b}}\n'],
    ['a flow sequence as a key without a value', 'metadata: {name: a, [app, b]}\n'],
    ['a null key in a list item', 'a:\n- null: 1\n'],
    ['an empty key in a list item', 'a:\n- : 1\n'],
    ['an empty key in a flow mapping', 'a: {b: 1, : 2}\n'],
    ['a colon go-yaml reads in a flow scalar', 'a: [001:db8::]\n'],
    ['a key given twice', 'a: 1\na: 2\n'],
    ['a sequence entry holding only a comment', 'a:\n  - b:\n    - #c\n  - d: 1\n'],
    ['a last line of a tab, after an empty value', 'a: 1\nb:\n\t'],
    ['a comment not separated by a space', 'a: {b: c}#d\n'],
    ['a flow mapping over lines not indented under its key', 'a:\n  b: {c: d,\n  e: f}\n'],
    ['broken YAML', 'a: [1, 2\n'],
  ])('steps aside for %s: the reference reads it, or refuses it with its own message', (_what, text) => {
    expect(fastObjectsOfYaml(text, 'x.yaml')).toBeUndefined();
    expect(outcome(() => objectsOfYaml(text, 'x.yaml'))).toStrictEqual(outcome(() => referenceObjectsOfYaml(text, 'x.yaml')));
  });

  test('property: generated manifests written plain, quoted, as flow or block, as one file or a List, read the same by both', () => {
    const TOKENS = ['yes', 'No', 'on', 'OFF', 'y', 'n', 'true', 'False', '0755', '0x1F', '0b101', '1_000', '+12', '-0', '1e5', '1.5e-3',
      '.5', '.', '.inf', '-.Inf', '.nan', '1:30', '2001-12-14', '12:30:00', '~', 'null', 'NULL', '', '80', '8080.0', 'abc', 'a b', 'a:b',
      '*.example.com', 'x-y', '@x', '`x`', '"q"', "'q'", '#c', 'a #b', '- x', '? x', '|', '>', '{}', '[]', 'é', '日本', '\t', ' lead', 'trail '];
    const scalar = fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 }), fc.integer(), fc.double({ noNaN: true }),
      fc.boolean(), fc.constant(null));
    const key = fc.oneof(fc.constantFrom('a', 'b-c', 'x.y/z', 'port', '80', 'yes', 'on', '0755', 'k e y'), fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/));
    const value = fc.letrec(tie => ({
      v: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(key, tie('v'), { maxKeys: 3 })),
    })).v;
    const manifest = fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), data: fc.dictionary(key, value, { maxKeys: 4 }) })
      .map(({ name, data }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { app: name } }, data }));
    const options = fc.record({
      list: fc.boolean(),
      flow: fc.boolean(),
      quote: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE') as fc.Arbitrary<'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE'>,
      lineWidth: fc.constantFrom(0, 20, 80),
      indentSeq: fc.boolean(),
    });
    let fast = 0;
    let runs = 0;
    fc.assert(fc.property(fc.array(manifest, { minLength: 1, maxLength: 4 }), options, (objects, o) => {
      const write = (v: unknown) => YAML.stringify(v, {
        version: '1.1',
        defaultStringType: o.quote,
        defaultKeyType: 'PLAIN',
        lineWidth: o.lineWidth,
        indentSeq: o.indentSeq,
        collectionStyle: o.flow ? 'flow' : 'block',
        aliasDuplicateObjects: false,
      });
      const text = o.list ? write({ apiVersion: 'v1', kind: 'List', items: objects }) : objects.map(write).join('---\n');
      runs++;
      if (agrees(text)) fast++;
    }), { seed: SEED, numRuns: RUNS });
    // most generated texts hold nothing only the reference reads: the fast path must have read them
    expect(fast / runs).toBeGreaterThan(0.3);
  });

  test('property: a manifest with characters inserted or removed is read the same, or refused the same, or left to the reference', () => {
    // manifests of the corpus that the fast path reads (synthesized examples when `npm run synth` ran, the tests' own
    // fixtures always): an edit of a text the fast path steps aside from anyway would test nothing
    const readable = corpus.map(f => fs.readFileSync(f, 'utf8')).filter(t => Array.isArray(outcome(() => fastObjectsOfYaml(t, 'x.yaml')).objects));
    const base = [MANIFESTS, ...readable].join('---\n').slice(0, 4000);
    expect(fastObjectsOfYaml(MANIFESTS, 'x.yaml')).toHaveLength(3);
    const edit = fc.record({ at: fc.nat(base.length), remove: fc.nat(3), insert: fc.constantFrom('', ' ', '  ', '\n', '\n  ', ':', '- ', '"', "'", '#', '{', '[', ']', '}', ',', '|', '>', '\t', 'x: y\n') });
    let fast = 0;
    let runs = 0;
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), edits => {
      let text = base;
      for (const e of edits) text = text.slice(0, e.at) + e.insert + text.slice(e.at + e.remove);
      runs++;
      if (agrees(text)) fast++;
    }), { seed: SEED, numRuns: RUNS });
    expect(fast / runs).toBeGreaterThan(0.1);
  });
});
