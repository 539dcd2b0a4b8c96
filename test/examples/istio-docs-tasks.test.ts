import * as fs from 'fs';
import * as path from 'path';
import { synthExample } from '../support/examples';
import { K8sObject, SHARED_DIR, describeWithShared, parseObjects } from '../support/shared';

/**
 * The measure of issue 33: how many of the objects of Istio's documentation tasks (the YAML of istio.io's `snips.sh`,
 * `../shared/reference/istio/docs-tasks/<task>/<snip>.yaml`) the examples write through typed constructs.
 *
 * The comparison is `../shared/tools/conformance.py`'s, strict mode, reimplemented: a reference object is reproduced
 * when an output object has the same kind, API group and name (and namespace, when the reference names one), and
 * - for Istio's and the Gateway API's objects, the same `spec` and metadata that is a superset of the reference's;
 * - for core Kubernetes objects, a superset of the reference (mesh-kit's secure defaults are extra fields).
 * YAML's `100` and `100.0` are one number. One difference from conformance.py, deliberate: a map's keys are compared as
 * the API server stores them, as JSON strings, so `portLevelMtls: {80: …}` and `{'80': …}` are one object (kubectl
 * sends both as `"80"`), where Python's YAML loader tells the integer from the string.
 */
const DOCS = path.join(SHARED_DIR, 'reference', 'istio', 'docs-tasks');

/** Which examples reproduce which task (a task's objects are looked for in the output of its examples only). */
const TASKS: { readonly [task: string]: readonly string[] } = {
  'ambient-getting-started': ['bookinfo', 'istio-docs'],
  'ambient-waypoint': ['istio-docs'],
  'authn-policy': ['istio-docs'],
  'authz-deny': ['istio-docs'],
  'authz-http': ['istio-docs'],
  'authz-ingress': ['istio-docs'],
  'authz-jwt': ['istio-docs'],
  'authz-tcp': ['istio-docs'],
  'circuit-breaking': ['istio-docs'],
  'egress-control': ['istio-docs'],
  'egress-gateway': ['istio-docs'],
  'egress-tls-origination': ['istio-docs'],
  'ingress-control': ['istio-docs'],
  'mirroring': ['istio-docs'],
  'mtls-migration': ['istio-docs'],
  'request-routing': ['bookinfo'],
  'request-timeouts': ['istio-docs'],
  'secure-ingress': ['istio-docs'],
};

/**
 * The ratchet: the figure per task may rise, never fall. Raise a number when an example reproduces more; a task
 * whose figure falls is a regression of the typed API or of its example.
 */
const AT_LEAST: { readonly [task: string]: number } = {
  'ambient-getting-started': 3,
  'ambient-waypoint': 2,
  'authn-policy': 13,
  'authz-deny': 3,
  'authz-http': 5,
  'authz-ingress': 6,
  'authz-jwt': 3,
  'authz-tcp': 4,
  'circuit-breaking': 1,
  'egress-control': 3,
  'egress-gateway': 13,
  'egress-tls-origination': 4,
  'ingress-control': 8,
  'mirroring': 9,
  'mtls-migration': 2,
  'request-routing': 2,
  'request-timeouts': 2,
  'secure-ingress': 10,
};

const MESH_GROUPS = ['networking.istio.io', 'security.istio.io', 'telemetry.istio.io', 'gateway.networking.k8s.io'];
const group = (apiVersion: string): string => apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
type Yaml = unknown;
const isMap = (x: Yaml): x is { [k: string]: Yaml } => typeof x === 'object' && x !== null && !Array.isArray(x);

/** conformance.py's `norm`: YAML's 100 and 100.0 alike (JavaScript has one number: nothing to do but recurse). */
function equal(a: Yaml, b: Yaml): boolean {
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isMap(a)) return isMap(b) && Object.keys(a).length === Object.keys(b).length && Object.keys(a).every(k => k in b && equal(a[k], b[k]));
  return a === b;
}

/** conformance.py's `subset`: every key of `ref` in `out` with a subset value; lists of the same length, item by item. */
function subset(ref: Yaml, out: Yaml): boolean {
  if (Array.isArray(ref)) return Array.isArray(out) && ref.length === out.length && ref.every((x, i) => subset(x, out[i]));
  if (isMap(ref)) return isMap(out) && Object.keys(ref).every(k => k in out && subset(ref[k], out[k]));
  return ref === out;
}

/** Whether `out` reproduces `ref`, as conformance.py (strict) decides. */
export function reproduces(ref: K8sObject, out: K8sObject): boolean {
  if (ref.kind !== out.kind || group(ref.apiVersion) !== group(out.apiVersion) || ref.metadata.name !== out.metadata.name) return false;
  if (ref.metadata.namespace !== undefined && ref.metadata.namespace !== out.metadata.namespace) return false;
  if (MESH_GROUPS.includes(group(ref.apiVersion))) return equal(ref.spec, out.spec) && subset(ref.metadata, out.metadata);
  return subset(ref, out);
}

const readRefs = (task: string): [string, K8sObject][] => fs.readdirSync(path.join(DOCS, task)).filter(f => f.endsWith('.yaml')).sort()
  .flatMap(f => parseObjects(fs.readFileSync(path.join(DOCS, task, f), 'utf8')).map(o => [f, o] as [string, K8sObject]));

describe('the comparison is conformance.py\'s', () => {
  const ref = (spec: Yaml, metadata: object = { name: 'a' }): K8sObject => ({ apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'a', ...metadata }, spec });
  test('an Istio object: the same spec, no more and no less', () => {
    expect(reproduces(ref({ x: [1, { y: 2 }] }), ref({ x: [1, { y: 2 }] }))).toBe(true);
    expect(reproduces(ref({ x: [1] }), ref({ x: [1], z: 1 }))).toBe(false);
    expect(reproduces(ref({ x: [1], z: 1 }), ref({ x: [1] }))).toBe(false);
  });
  test('metadata a superset; the namespace only when the reference names one; the API group, not its version', () => {
    expect(reproduces(ref({}), { ...ref({}, { namespace: 'foo', labels: { a: 'b' } }), apiVersion: 'networking.istio.io/v1alpha3' })).toBe(true);
    expect(reproduces(ref({}, { namespace: 'foo' }), ref({}, { namespace: 'bar' }))).toBe(false);
    expect(reproduces(ref({}), { ...ref({}), apiVersion: 'gateway.networking.k8s.io/v1' })).toBe(false);
    expect(reproduces(ref({}), ref({}, { name: 'b' }))).toBe(false);
  });
  test('map keys as JSON has them: 80 and \'80\' are one key', () => {
    expect(reproduces(ref({ portLevelMtls: { 80: { mode: 'DISABLE' } } }), ref({ portLevelMtls: { ['80']: { mode: 'DISABLE' } } }))).toBe(true);
  });
  test('a core object: the reference a subset of the output (secure defaults are extra)', () => {
    const svc = (spec: Yaml): K8sObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec });
    expect(reproduces(svc({ ports: [{ port: 80 }] }), svc({ ports: [{ port: 80, name: 'http' }], selector: { app: 's' } }))).toBe(true);
    expect(reproduces(svc({ ports: [{ port: 80 }] }), svc({ ports: [{ port: 80 }, { port: 81 }] }))).toBe(false);
  });
});

describeWithShared('Istio\'s documentation tasks as the examples write them (issue 33\'s measure)', () => {
  const examples = new Map<string, K8sObject[]>();
  const outputOf = (name: string): K8sObject[] => {
    if (!examples.has(name)) {
      examples.set(name, [...synthExample(name)].filter(([f]) => f.endsWith('.k8s.yaml')).flatMap(([, text]) => parseObjects(text)));
    }
    return examples.get(name)!;
  };
  const tasks = fs.readdirSync(DOCS).filter(t => fs.statSync(path.join(DOCS, t)).isDirectory()).sort();
  const figures = new Map<string, { typed: number; total: number; missed: string[] }>();
  for (const task of tasks) {
    const outputs = (TASKS[task] ?? []).flatMap(outputOf);
    const refs = readRefs(task);
    const missed = refs.filter(([, r]) => !outputs.some(o => reproduces(r, o))).map(([f, r]) => `${f}: ${r.kind}/${r.metadata.name}`);
    figures.set(task, { typed: refs.length - missed.length, total: refs.length, missed });
  }

  afterAll(() => {
    const lines = [...figures].map(([t, f]) => `${t.padEnd(24)} ${String(f.typed).padStart(2)}/${String(f.total).padEnd(2)}${f.missed.map(m => `\n    not typed: ${m}`).join('')}`);
    const typed = [...figures.values()].reduce((n, f) => n + f.typed, 0);
    const total = [...figures.values()].reduce((n, f) => n + f.total, 0);
    // eslint-disable-next-line no-console
    console.log(`Istio docs tasks reproduced by the examples (typed/total):\n${lines.join('\n')}\noverall ${typed}/${total} (${Math.round(100 * typed / total)}%)`);
  });

  test('every task folder has its examples in the table', () => {
    expect(tasks.filter(t => !(t in TASKS))).toStrictEqual([]);
    expect(tasks.length).toBeGreaterThan(0);
  });

  test.each(tasks)('%s: no fewer objects reproduced than the ratchet', task => {
    expect(figures.get(task)!.typed).toBeGreaterThanOrEqual(AT_LEAST[task] ?? 0);
  });

  test('overall: no fewer than the ratchet\'s sum', () => {
    const typed = [...figures.values()].reduce((n, f) => n + f.typed, 0);
    expect(typed).toBeGreaterThanOrEqual(Object.values(AT_LEAST).reduce((n, k) => n + k, 0));
  });
});
