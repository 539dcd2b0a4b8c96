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

describe('format, as the API server enforces it (kube-openapi strfmt, StripUnsupportedFormats)', () => {
  test('ipv4 / ipv6: refused if a Gateway IPAddress value is a host name (format inside anyOf); accepted if an IPv4 or IPv6 address', () => {
    expect(problems(gateway({ addresses: [{ type: 'IPAddress', value: 'example.com' }] }))).toStrictEqual([
      '/spec/addresses/0/value: must be an IPv4 address (format \'ipv4\'): got \'example.com\' (API server: kube-openapi strfmt isIPv4)',
      '/spec/addresses/0/value: must be an IPv6 address (format \'ipv6\'): got \'example.com\' (API server: kube-openapi govalidator.IsIPv6)',
      '/spec/addresses/0/value: must match a schema in anyOf',
      '/spec/addresses/0/type: must NOT be valid',
      '/spec/addresses/0: must match exactly one schema in oneOf',
    ]);
    // the type defaults to IPAddress
    expect(problems(gateway({ addresses: [{ value: 'example.com' }] }))[0]).toBe(
      '/spec/addresses/0/value: must be an IPv4 address (format \'ipv4\'): got \'example.com\' (API server: kube-openapi strfmt isIPv4)');
    expect(problems(gateway({ addresses: [{ type: 'IPAddress', value: '10.0.0.1' }, { value: '2001:db8::1' }, { type: 'Hostname', value: 'example.com' }] })))
      .toStrictEqual([]);
  });

  test('int32: refused if an Istio connection pool limit is 2^31; accepted at 2^31-1 (IsValueValidAgainstRange)', () => {
    const dr = (maxConnections: number) => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'd', namespace: 'default' },
      spec: { host: 'a', trafficPolicy: { connectionPool: { tcp: { maxConnections } } } },
    });
    expect(problems(dr(2 ** 31))).toStrictEqual([
      '/spec/trafficPolicy/connectionPool/tcp/maxConnections: must be an integer from -2147483648 to 2147483647 (format \'int32\'): got 2147483648 '
        + '(API server: kube-openapi validate.IsValueValidAgainstRange)',
    ]);
    expect(problems(dr(2 ** 31 - 1))).toStrictEqual([]);
  });

  test('int64: refused if a Linkerd rate limit is 2^63; accepted at 2^53', () => {
    const limit = (requestsPerSecond: number) => ({
      apiVersion: 'policy.linkerd.io/v1alpha1',
      kind: 'HTTPLocalRateLimitPolicy',
      metadata: { name: 'l', namespace: 'default' },
      spec: { targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 's' }, total: { requestsPerSecond } },
    });
    // (Linkerd's admission refuses more than 2^32-1 requests a second besides: the format's problem is the one asserted here)
    const formatProblems = (n: number) => problems(limit(n)).filter(p => p.includes('(format '));
    expect(formatProblems(2 ** 63)).toStrictEqual([
      '/spec/total/requestsPerSecond: must be an integer from -2^63 to 2^63-1 (format \'int64\'): got 9223372036854776000 '
        + '(API server: kube-openapi validate.IsValueValidAgainstRange)',
    ]);
    expect(formatProblems(2 ** 53)).toStrictEqual([]);
  });

  test('float: refused if a Linkerd retry ratio overflows a float32; accepted if it fits; double: nothing to check', () => {
    const profile = (retryRatio: number) => ({
      apiVersion: 'linkerd.io/v1alpha2',
      kind: 'ServiceProfile',
      metadata: { name: 'web.default.svc.cluster.local', namespace: 'default' },
      spec: { retryBudget: { retryRatio, minRetriesPerSecond: 10, ttl: '10s' } },
    });
    expect(problems(profile(1e39))).toStrictEqual([
      '/spec/retryBudget/retryRatio: must be a number within a float32\'s range (about ±3.4e38) (format \'float\'): got 1e+39 '
        + '(API server: kube-openapi validate.IsValueValidAgainstRange)',
    ]);
    expect(problems(profile(0.2))).toStrictEqual([]);
    const warmup = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'd', namespace: 'default' },
      spec: { host: 'a', trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN', warmup: { duration: '10s', aggression: 1e300 } } } },
    };
    expect(problems(warmup)).toStrictEqual([]);
  });

  test('byte: refused if an Istio direct response body is not base64; accepted if it is', () => {
    const vs = (bytes: string) => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'v', namespace: 'default' },
      spec: { hosts: ['a'], http: [{ directResponse: { status: 503, body: { bytes } } }] },
    });
    expect(problems(vs('not base64!'))).toStrictEqual([
      '/spec/http/0/directResponse/body/bytes: must be base64-encoded data (format \'byte\'): got \'not base64!\' (API server: kube-openapi govalidator.IsBase64)',
    ]);
    expect(problems(vs(Buffer.from('unavailable').toString('base64')))).toStrictEqual([]);
  });

  test('duration: refused if a Linkerd route timeout is no duration; accepted as Go or as strfmt reads it (\'10s\', \'1m30s\', \'3 days\')', () => {
    const route = (request: string) => ({
      apiVersion: 'policy.linkerd.io/v1beta3',
      kind: 'HTTPRoute',
      metadata: { name: 'r', namespace: 'default' },
      spec: { parentRefs: [{ group: 'core', kind: 'Service', name: 's', port: 80 }], rules: [{ timeouts: { request } }] },
    });
    expect(problems(route('soon')).filter(p => /format/.test(p))).toStrictEqual([
      '/spec/rules/0/timeouts/request: must be a duration (1h30m, or \'22 ns\') (format \'duration\'): got \'soon\' (API server: kube-openapi strfmt.IsDuration)',
    ]);
    for (const ok of ['10s', '1m30s', '3 days']) expect(problems(route(ok)).filter(p => /format/.test(p))).toStrictEqual([]);
  });

  test('date-time: refused if a Gateway condition time is not RFC 3339; accepted if it is', () => {
    const condition = (lastTransitionTime: string) => gateway({}).spec && {
      ...gateway({}),
      status: { conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '', lastTransitionTime, observedGeneration: 1 }] },
    };
    expect(problems(condition('yesterday'))).toStrictEqual([
      '/status/conditions/0/lastTransitionTime: must be a date and time (RFC 3339, 2006-01-02T15:04:05Z) (format \'date-time\'): got \'yesterday\' '
        + '(API server: kube-openapi strfmt.IsDateTime)',
    ]);
    expect(problems(condition('2026-12-07T10:00:00Z'))).toStrictEqual([]);
  });

  // every other format the API server knows, on a CRD of one's own (--crds); `url`, `string` and the rest are ignored
  const formats = fromCrd(exampleCrd('Formats', [
    'uri', 'email', 'hostname', 'cidr', 'mac', 'uuid', 'uuid3', 'uuid4', 'uuid5', 'isbn', 'isbn10', 'isbn13', 'creditcard', 'ssn', 'hexcolor', 'rgbcolor',
    'password', 'date', 'bsonobjectid', 'k8s-short-name', 'k8s-long-name', 'url', 'string', 'int-or-string', 'ipv4', 'ipv6', 'date-time', 'duration', 'byte',
  ].map(f => `              ${f.replace(/-/g, '_')}: {type: string, format: ${f}}`).join('\n')
    + '\n              u32: {type: integer, format: uint32}\n              i32n: {type: number, format: int32}\n              i32: {type: integer, format: int32}'
    + '\n              i64: {type: integer, format: int64}'));

  const cases: Array<[string, string, string, string, string]> = [
    // format, refused value, accepted value, what the message says it must be, the check
    ['uri', 'example.com/x', 'https://example.com/x?y=1', 'an absolute URI or an absolute path, as url.ParseRequestURI reads it', 'govalidator.IsRequestURI'],
    ['email', 'not an address', 'Jane <jane@example.com>', 'an email address', 'strfmt.IsEmail'],
    ['hostname', 'my-ip-address', 'api.example.com', 'a host name (RFC 1034: labels of letters, digits and inner dashes, a top-level label of letters)', 'strfmt.IsHostname'],
    ['cidr', '10.0.0.0/33', '2001:db8::/32', 'a CIDR block (an IP address, \'/\' and a prefix length)', 'strfmt isCIDR'],
    ['mac', '00:00:5e:00:53', '00:00:5e:00:53:01', 'a MAC address', 'govalidator.IsMAC'],
    ['uuid', '123e4567-e89b-12d3-a456', '123E4567-E89B-12D3-A456-426614174000', 'a UUID', 'strfmt uuid'],
    ['uuid3', '123e4567-e89b-42d3-a456-426614174000', 'a3bb189e-8bf9-3888-9912-ace4e6543002', 'a version 3 UUID', 'strfmt uuid3'],
    ['uuid4', '123e4567-e89b-12d3-a456-426614174000', '9f8a7b6c-5d4e-4f3a-8b2c-1d0e9f8a7b6c', 'a version 4 UUID', 'strfmt uuid4'],
    ['uuid5', '123e4567-e89b-12d3-a456-426614174000', '74738ff5-5367-5958-9aee-98fffdcd1876', 'a version 5 UUID', 'strfmt uuid5'],
    ['isbn', '978-0321751042', '978-0321751041', 'an ISBN-10 or ISBN-13', 'strfmt isbn'],
    ['isbn10', '0321751044', '0321751043', 'an ISBN-10', 'strfmt isbn10'],
    ['isbn13', '9780321751043', '9780321751041', 'an ISBN-13', 'strfmt isbn13'],
    ['creditcard', '4111 1111 1111 1112', '4111 1111 1111 1111', 'a credit card number', 'strfmt creditcard'],
    ['ssn', '123456789', '123-45-6789', 'a US social security number (ddd-dd-dddd)', 'strfmt ssn'],
    ['hexcolor', '#ggg', '#1a2B3c', 'a hexadecimal colour (#fff or #ffffff)', 'strfmt hexcolor'],
    ['rgbcolor', 'rgb(256,0,0)', 'rgb(255, 0, 10)', 'an rgb(r, g, b) colour', 'strfmt rgbcolor'],
    ['date', '2026-02-30', '2024-02-29', 'a date (RFC 3339 full-date, 2006-01-02)', 'strfmt.IsDate'],
    ['bsonobjectid', '507f1f77bcf86cd79943901', '507f1f77bcf86cd799439011', 'a BSON object id (24 hexadecimal digits)', 'strfmt.IsBSONObjectID'],
    ['k8s-short-name', 'Web', 'web-1', 'a DNS-1123 label (at most 63 lower case letters, digits and inner \'-\')', 'strfmt.IsShortName'],
    ['k8s-long-name', 'web..example', 'web.example', 'a DNS-1123 subdomain (at most 253 characters: lower case labels joined by \'.\')', 'strfmt.IsLongName'],
    ['ipv4', '1.2.3', '010.0.0.1', 'an IPv4 address', 'strfmt isIPv4'],
    ['ipv6', 'fe80::1%eth0', '001:db8::', 'an IPv6 address', 'govalidator.IsIPv6'],
    ['date-time', '2026-12-07 10:00:00Z', '2026-12-07t10:00:00.5+01:00', 'a date and time (RFC 3339, 2006-01-02T15:04:05Z)', 'strfmt.IsDateTime'],
    ['duration', '5 parsecs', '-1.5h', 'a duration (1h30m, or \'22 ns\')', 'strfmt.IsDuration'],
    ['byte', '', 'aGk=', 'base64-encoded data', 'govalidator.IsBase64'],
  ];
  test.each(cases)('%s: refused if %j; accepted if %j', (format, bad, good, must, check) => {
    const field = format.replace(/-/g, '_');
    expect(formats('Formats', { [field]: bad })).toStrictEqual([
      `/spec/${field}: must be ${must} (format '${format}'): got '${bad}' (API server: kube-openapi ${check})`,
    ]);
    expect(formats('Formats', { [field]: good })).toStrictEqual([]);
  });

  test('int64: refused at 2^63 and below -2^63; accepted within', () => {
    expect(formats('Formats', { i64: -(2 ** 64) })).toStrictEqual([
      '/spec/i64: must be an integer from -2^63 to 2^63-1 (format \'int64\'): got -18446744073709552000 (API server: kube-openapi validate.IsValueValidAgainstRange)',
    ]);
    expect(formats('Formats', { i64: -(2 ** 63) })).toStrictEqual([]);
  });

  test('password: accepted whatever it holds', () => {
    expect(formats('Formats', { password: '' })).toStrictEqual([]);
  });

  test('int32 on an integer: refused out of range; on a number, and formats the API server does not know (url, string, uint32): ignored', () => {
    expect(formats('Formats', { i32: -(2 ** 31) - 1 })).toStrictEqual([
      '/spec/i32: must be an integer from -2147483648 to 2147483647 (format \'int32\'): got -2147483649 (API server: kube-openapi validate.IsValueValidAgainstRange)',
    ]);
    expect(formats('Formats', { i32n: 2 ** 40, u32: -1, url: 'not a url', string: 'x', int_or_string: 'x' })).toStrictEqual([]);
  });
});

describe('CEL messageExpression (apiextensions-apiserver schema/cel/validation.go)', () => {
  const rule = (message: string) => fromCrd(exampleCrd('Replicas', '              replicas: {type: integer}', `            x-kubernetes-validations:
            - rule: self.replicas <= 5
${message}
`));

  test('refused with the expression\'s value, trimmed, when the rule fails', () => {
    const validate = rule('              messageExpression: "\' replicas must be at most 5, got \' + string(self.replicas) + \' \'"\n              message: at most 5');
    expect(validate('Replicas', { replicas: 7 })).toStrictEqual(['/spec: replicas must be at most 5, got 7']);
    expect(validate('Replicas', { replicas: 5 })).toStrictEqual([]);
  });

  test('refused with the message when the expression fails, is empty, not a string or spans lines', () => {
    for (const expression of ['self.missing + \'x\'', '\'  \'', '42', '\'a\\nb\'']) {
      const validate = rule(`              messageExpression: ${JSON.stringify(expression)}\n              message: ' at most 5 '`);
      expect([expression, validate('Replicas', { replicas: 7 })]).toStrictEqual([expression, ['/spec: at most 5']]);
    }
  });

  test('refused with "failed rule" when there is neither a usable expression nor a message', () => {
    expect(rule('              messageExpression: "\'\'"')('Replicas', { replicas: 7 })).toStrictEqual(['/spec: failed rule: self.replicas <= 5']);
  });
});

describeWithShared('upstream\'s valid examples stay accepted by the structural rules', () => {
  const STRUCTURAL = /\(API server: (listtype|kube-openapi)/;
  const yamlFiles = (folder: string): string[] => fs.readdirSync(folder, { withFileTypes: true }).flatMap(e => {
    const p = path.join(folder, e.name);
    return e.isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e.name) ? [p] : [];
  });
  const structuralProblems = (files: string[], prepare: (text: string) => string = t => t): string[] => files.flatMap(f => {
    let objects: ReturnType<typeof objectsOfYaml>;
    try {
      objects = objectsOfYaml(prepare(fs.readFileSync(f, 'utf8')), path.relative(SHARED_DIR, f));
    } catch {
      return []; // Helm values, Chart.yaml, mesh configs: no Kubernetes object
    }
    return objects.flatMap(o => pinned.validate(o.manifest).problems.filter(p => STRUCTURAL.test(p)).map(p => `${o.file} ${o.manifest.kind}/${o.manifest.metadata.name}: ${p}`));
  });

  test('Istio\'s samples, docs tasks and install manifests (../shared/reference/istio, the analyzer suite\'s inputs aside)', () => {
    const files = yamlFiles(path.join(SHARED_DIR, 'reference', 'istio')).filter(f => !f.includes('analyzer-suite'));
    expect(files.length).toBeGreaterThan(100);
    expect(structuralProblems(files)).toStrictEqual([]);
  });

  test('the Gateway API conformance manifests, their placeholders filled in as the suite fills them (conformance/utils/kubernetes/apply.go)', () => {
    const files = yamlFiles(path.join(SHARED_DIR, 'reference', 'gateway-api', 'conformance-v1.6.1'));
    expect(files.length).toBeGreaterThan(100);
    // the suite removes the PLACEHOLDER_*_ADDRS addresses and adds the caller's usable and unusable address pools
    const fill = (text: string) => text.split('{GATEWAY_CLASS_NAME}').join('conformance')
      .replace('- value: "PLACEHOLDER_UNUSABLE_ADDRS"', '- {type: IPAddress, value: 192.0.2.1}')
      .replace('- value: "PLACEHOLDER_USABLE_ADDRS"', '- {type: IPAddress, value: "2001:db8::1"}');
    expect(structuralProblems(files, fill)).toStrictEqual([]);
  });

  test('refused if the static-addresses template is applied unfilled, as the API server would refuse it', () => {
    const file = path.join(SHARED_DIR, 'reference', 'gateway-api', 'conformance-v1.6.1', 'tests', 'gateway-static-addresses.yaml');
    expect(structuralProblems([file]).map(p => p.split(': ').slice(1, 3).join(': '))).toStrictEqual([
      '/spec/addresses/1/value: must be an IPv4 address (format \'ipv4\')',
      '/spec/addresses/1/value: must be an IPv6 address (format \'ipv6\')',
      '/spec/addresses/2/value: must be an IPv4 address (format \'ipv4\')',
      '/spec/addresses/2/value: must be an IPv6 address (format \'ipv6\')',
    ]);
  });
});
