import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SchemaValidation } from '../../lib';
import { objectsOfYaml } from '../../lib/analysis/load';
import { Manifest } from '../../lib/render/model';
import { describeWithShared, SHARED_DIR } from '../support/shared';

/**
 * The API server's structural rules the pinned CRDs declare (issue 30 item 3): x-kubernetes-list-type map and set,
 * the formats it enforces, CEL messageExpression; and YAML read as kubectl reads it in flow collections.
 */
const m = (o: object) => o as Manifest;
const pinned = SchemaValidation.pinned();
const problems = (o: object) => pinned.validate(m(o)).problems;

/** The spec of a one-document YAML object whose spec is `spec`, as mesh-kit's loaders read it. */
function specOf(spec: string): unknown {
  const [o] = objectsOfYaml(`apiVersion: v1\nkind: Example\nmetadata:\n  name: e\nspec: ${spec}\n`, 'e.yaml');
  return o.manifest.spec;
}

describe('YAML as kubectl reads it: a colon in a flow collection\'s plain scalar (go-yaml v2 scannerc.go)', () => {
  test('accepted if a flow sequence holds an IPv6 address ending in a colon: two strings, as kubectl reads them', () => {
    expect(specOf('[1.2.3.4, 001:db8::]')).toStrictEqual(['1.2.3.4', '001:db8::']);
    expect(specOf('{addresses: [2001:db8::, "::1", 10.0.0.0/8]}')).toStrictEqual({ addresses: ['2001:db8::', '::1', '10.0.0.0/8'] });
  });

  test('a colon before `,` `]` or `}` stays in the scalar, in sequences and mappings, keys and values', () => {
    expect(specOf('[a:, b]')).toStrictEqual(['a:', 'b']);
    expect(specOf('[a:b:]')).toStrictEqual(['a:b:']);
    expect(specOf('{a:, b: c}')).toStrictEqual({ 'a:': null, 'b': 'c' });
    expect(specOf('{k: v:, x: "y"}')).toStrictEqual({ k: 'v:', x: 'y' });
    expect(specOf('[[a:], {b:}]')).toStrictEqual([['a:'], { 'b:': null }]);
    // a number followed by a colon is no number to go-yaml v2 either
    expect(specOf('[1:]')).toStrictEqual(['1:']);
  });

  test('a colon followed by a blank, or after a quoted scalar, is still a value indicator', () => {
    expect(specOf('[a: b]')).toStrictEqual([{ a: 'b' }]);
    expect(specOf('[a :]')).toStrictEqual([{ a: null }]);
    expect(specOf('["a":]')).toStrictEqual([{ a: null }]);
    expect(specOf('[a:\n  ]')).toStrictEqual([{ a: null }]);
  });

  test('quoted scalars, comments, block scalars and block context are left alone', () => {
    const [o] = objectsOfYaml('# [a:]\napiVersion: v1\nkind: Example\nmetadata:\n  name: e\nq: ["x:]", \'y:,\']\nb: |\n  [a:]\nc: a:,\n', 'e.yaml');
    expect(o.manifest).toMatchObject({ q: ['x:]', 'y:,'], b: '[a:]\n', c: 'a:,' });
  });

  test('lines and the private-use character the fix stands in with are the file\'s own', () => {
    const text = 'apiVersion: v1\nkind: Example\nmetadata:\n  name: e\nspec: [\ue000, f:]\n---\napiVersion: v1\nkind: Example\nmetadata:\n  name: g\n';
    const objects = objectsOfYaml(text, 'e.yaml');
    expect(objects.map(o => o.source.line)).toStrictEqual([1, 7]);
    expect(objects[0].manifest.spec).toStrictEqual(['\ue000', 'f:']);
  });

  test('refused if the colon makes a ServiceEntry address a mapping even to kubectl (a blank after it)', () => {
    const [o] = objectsOfYaml('apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: se\nspec:\n  hosts: [a.example.com]\n'
      + '  addresses: [1.2.3.4, 001:db8: ]\n  ports: [{number: 80, name: http, protocol: HTTP}]\n  resolution: STATIC\n', 'se.yaml');
    expect(pinned.validate(o.manifest).problems).toContain('/spec/addresses/1: must be string');
  });
});

describeWithShared('upstream\'s ServiceEntries, their addresses as a flow sequence (../shared/reference/istio)', () => {
  const istio = path.join(SHARED_DIR, 'reference', 'istio');
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name) && /kind: ServiceEntry/.test(fs.readFileSync(p, 'utf8'))) files.push(p);
    }
  };
  walk(istio);
  const entries = files.flatMap(f => objectsOfYaml(fs.readFileSync(f, 'utf8'), path.relative(istio, f)))
    .filter(o => o.manifest.kind === 'ServiceEntry' && !/analyzer-suite/.test(o.file))
    .map(o => o.manifest);

  test('Istio\'s docs tasks hold ServiceEntries, all accepted as written', () => {
    expect(entries.length).toBeGreaterThanOrEqual(5);
    expect(entries.map(e => [e.metadata.name, pinned.validate(e).problems]).filter(([, p]) => p.length > 0)).toStrictEqual([]);
  });

  test('accepted if each is written with `addresses: [1.2.3.4, 001:db8::]` in flow style and read back by the loader', () => {
    for (const e of entries) {
      const spec = e.spec as { [k: string]: unknown };
      const yaml = 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: se\nspec:\n'
        + `  hosts: [${(spec.hosts as string[]).join(', ')}]\n  addresses: [1.2.3.4, 001:db8::, 2001:db8::/32, 10.0.0.0/8]\n`
        + `  ports: ${JSON.stringify(spec.ports)}\n  resolution: STATIC\n`
        + '  endpoints: [{address: 2001:db8::}]\n';
      const [o] = objectsOfYaml(yaml, `${e.metadata.name}.yaml`);
      expect((o.manifest.spec as { addresses: unknown }).addresses).toStrictEqual(['1.2.3.4', '001:db8::', '2001:db8::/32', '10.0.0.0/8']);
      expect([e.metadata.name, pinned.validate(o.manifest).problems]).toStrictEqual([e.metadata.name, []]);
    }
  });
});

/** A CRD of group `example.com`, kind `Example`, version v1, whose `spec` has `properties` (YAML, indented for `spec`). */
function exampleCrd(kind: string, specProperties: string, validations = ''): string {
  const plural = `${kind.toLowerCase()}s`;
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${plural}.example.com
spec:
  group: example.com
  names: {kind: ${kind}, plural: ${plural}}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
${validations}            properties:
${specProperties}
`;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-structural-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
/** SchemaValidation over one CRD file written from `crd`. */
function fromCrd(crd: string): (kind: string, spec: object) => string[] {
  const file = path.join(dir, `crd-${fs.readdirSync(dir).length}.yaml`);
  fs.writeFileSync(file, crd);
  const schemas = SchemaValidation.fromCrdFiles(file);
  return (kind, spec) => schemas.validate(m({ apiVersion: 'example.com/v1', kind, metadata: { name: 'e', namespace: 'default' }, spec })).problems;
}

const gateway = (spec: object) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'gw', namespace: 'default' },
  spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }], ...spec },
});
const httpRoute = (rule: object) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'r', namespace: 'default' },
  spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 's', port: 80 }], ...rule }] },
});
const serviceEntry = (ports: object[]) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'ServiceEntry',
  metadata: { name: 'se', namespace: 'default' },
  spec: { hosts: ['a.example.com'], ports, resolution: 'DNS' },
});

describe('x-kubernetes-list-type: map (listtype.validateListMap)', () => {
  test('refused if two Gateway listeners have the same name; accepted if their names differ', () => {
    const listeners = (second: string) => gateway({ listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }, { name: second, port: 8080, protocol: 'HTTP' }] });
    expect(problems(listeners('http'))).toStrictEqual([
      '/spec/listeners: Listener name must be unique within the Gateway',
      '/spec/listeners/1: Duplicate value: items 0 and 1 of a list keyed by \'name\' (x-kubernetes-list-type: map) have the same key: got {"name":"http"}; '
        + 'give each item its own key (API server: listtype.validateListMap)',
    ]);
    expect(problems(listeners('http-alt'))).toStrictEqual([]);
  });

  test('refused if an HTTPRoute match has two header matches of the same name; accepted if the names differ', () => {
    const headers = (second: string) => httpRoute({ matches: [{ headers: [{ name: 'x-user', value: 'a' }, { name: second, value: 'b' }] }] });
    expect(problems(headers('x-user'))).toStrictEqual([
      '/spec/rules/0/matches/0/headers/1: Duplicate value: items 0 and 1 of a list keyed by \'name\' (x-kubernetes-list-type: map) have the same key: '
        + 'got {"name":"x-user"}; give each item its own key (API server: listtype.validateListMap)',
    ]);
    expect(problems(headers('x-group'))).toStrictEqual([]);
  });

  test('refused if a ServiceEntry has two ports of the same name; accepted if the names differ', () => {
    expect(problems(serviceEntry([{ number: 80, name: 'http', protocol: 'HTTP' }, { number: 8080, name: 'http', protocol: 'HTTP' }]))).toStrictEqual([
      '/spec/ports/1: Duplicate value: items 0 and 1 of a list keyed by \'name\' (x-kubernetes-list-type: map) have the same key: got {"name":"http"}; '
        + 'give each item its own key (API server: listtype.validateListMap)',
    ]);
    expect(problems(serviceEntry([{ number: 80, name: 'http', protocol: 'HTTP' }, { number: 8080, name: 'http-alt', protocol: 'HTTP' }]))).toStrictEqual([]);
  });

  test('a value repeated three times is reported once, at its second place, as the API server does', () => {
    const three = serviceEntry([80, 81, 82].map(number => ({ number, name: 'tcp', protocol: 'TCP' })));
    expect(problems(three).map(p => p.split(':')[0])).toStrictEqual(['/spec/ports/1']);
  });

  test('several keys: refused if every key field is equal; accepted if one differs (XBackendTrafficPolicy targetRefs)', () => {
    const policy = (kind: string) => ({
      apiVersion: 'gateway.networking.x-k8s.io/v1alpha1',
      kind: 'XBackendTrafficPolicy',
      metadata: { name: 'p', namespace: 'default' },
      spec: { targetRefs: [{ group: '', kind: 'Service', name: 's' }, { group: '', kind, name: 's' }] },
    });
    expect(problems(policy('Service'))).toStrictEqual([
      '/spec/targetRefs/1: Duplicate value: items 0 and 1 of a list keyed by \'group\', \'kind\', \'name\' (x-kubernetes-list-type: map) have the same key: '
        + 'got {"group":"","kind":"Service","name":"s"}; give each item its own key (API server: listtype.validateListMap)',
    ]);
    expect(problems(policy('ServiceImport'))).toStrictEqual([]);
  });

  const ports = fromCrd(exampleCrd('PortList', `              ports:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [port, protocol]
                items:
                  type: object
                  properties:
                    port: {type: integer}
                    protocol: {type: string, default: TCP}
              names:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items:
                  type: object
                  properties:
                    name: {type: string}
                    value: {type: string}`));

  test('keys with defaults: refused if a key is equal once the default is applied (protocol TCP); accepted if it differs', () => {
    expect(ports('PortList', { ports: [{ port: 80 }, { port: 80, protocol: 'TCP' }] })).toStrictEqual([
      '/spec/ports/1: Duplicate value: items 0 and 1 of a list keyed by \'port\', \'protocol\' (x-kubernetes-list-type: map) have the same key: '
        + 'got {"port":80,"protocol":"TCP"}; give each item its own key (API server: listtype.validateListMap)',
    ]);
    expect(ports('PortList', { ports: [{ port: 80 }, { port: 80, protocol: 'UDP' }] })).toStrictEqual([]);
  });

  test('refused if two items lack the key (both "unspecified"); accepted if one has it', () => {
    expect(ports('PortList', { names: [{ value: 'a' }, { value: 'b' }] })).toStrictEqual([
      '/spec/names/1: Duplicate value: items 0 and 1 of a list keyed by \'name\' (x-kubernetes-list-type: map) have the same key: got {}; '
        + 'give each item its own key (API server: listtype.validateListMap)',
    ]);
    expect(ports('PortList', { names: [{ value: 'a' }, { name: 'b', value: 'b' }] })).toStrictEqual([]);
  });

  test('an item that is not an object is the schema\'s type error only', () => {
    expect(ports('PortList', { names: ['a', 'a'] })).toStrictEqual(['/spec/names/0: must be object', '/spec/names/1: must be object']);
  });
});

describe('x-kubernetes-list-type: set (listtype.validateListSet)', () => {
  test('refused if a header modifier removes the same header twice; accepted if each once', () => {
    const remove = (names: string[]) => httpRoute({ filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { remove: names } }] });
    expect(problems(remove(['x-a', 'x-b', 'x-a']))).toStrictEqual([
      '/spec/rules/0/filters/0/requestHeaderModifier/remove/2: Duplicate value: items 0 and 2 of a list-type set are equal: got \'x-a\'; '
        + 'keep one of them (API server: listtype.validateListSet)',
    ]);
    expect(problems(remove(['x-a', 'x-b']))).toStrictEqual([]);
  });

  const sets = fromCrd(exampleCrd('SetList', `              objects:
                type: array
                x-kubernetes-list-type: set
                items:
                  type: object
                  properties:
                    a: {type: integer}
                    b: {type: string}
              numbers:
                type: array
                x-kubernetes-list-type: set
                items: {type: integer}
              atomic:
                type: array
                x-kubernetes-list-type: atomic
                items: {type: string}`));

  test('refused if two objects are equal, whatever the order of their keys (compared as JSON, as json.Marshal sorts them)', () => {
    expect(sets('SetList', { objects: [{ a: 1, b: 'x' }, { b: 'x', a: 1 }] })).toStrictEqual([
      '/spec/objects/1: Duplicate value: items 0 and 1 of a list-type set are equal: got {"b":"x","a":1}; keep one of them (API server: listtype.validateListSet)',
    ]);
    expect(sets('SetList', { objects: [{ a: 1, b: 'x' }, { a: 2, b: 'x' }] })).toStrictEqual([]);
  });

  test('refused if two numbers are equal; accepted if they differ', () => {
    expect(sets('SetList', { numbers: [500, 502, 500] })).toStrictEqual([
      '/spec/numbers/2: Duplicate value: items 0 and 2 of a list-type set are equal: got 500; keep one of them (API server: listtype.validateListSet)',
    ]);
    expect(sets('SetList', { numbers: [500, 502] })).toStrictEqual([]);
  });

  test('accepted if an atomic list repeats an item: only set and map have a uniqueness rule', () => {
    expect(sets('SetList', { atomic: ['a', 'a'] })).toStrictEqual([]);
  });
});
