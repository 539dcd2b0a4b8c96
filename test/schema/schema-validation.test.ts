import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, JsonPatch } from 'cdk8s';
import { FindingLevel, MeshApp, MeshChart, MeshService, RouteAction, SchemaValidation, ServiceRouting, TrafficApi } from '../../lib';
import { Manifest } from '../../lib/render/model';
import { describeWithShared, SHARED_DIR } from '../support/shared';

const crd = (f: string) => path.join(SHARED_DIR, 'schemas', f);
const m = (o: object) => o as Manifest;

// the pinned schemas are generated from the pinned CRD files (test/scripts/validators.slow.test.ts holds them to the files);
// compiling the three files here again took five seconds of the fast tier: fromCrdFiles is tried below on smaller files
describe('SchemaValidation.pinned() (the pinned CRDs, generated into the package)', () => {
  const schemas = SchemaValidation.pinned();

  test('unknown fields are errors, as with kubectl apply\'s strict field validation', () => {
    expect(schemas.validate(m({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'r' }, spec: { hots: ['a'], http: [{ route: [{ destination: { host: 'a' } }] }] } })).problems)
      .toStrictEqual(['/spec: must NOT have additional properties: \'hots\'']);
  });

  test('a oneOf branch listing some properties refuses no other field: which fields are known is the structural schema\'s (upstream\'s Hostname address)', () => {
    const gateway = (address: object) => m({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'default' },
      spec: { gatewayClassName: 'istio', addresses: [address], listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    });
    // the Gateway API's own example: refused before (the second branch, `type` not IPAddress, was made to refuse `value`)
    expect(schemas.validate(gateway({ type: 'Hostname', value: 'example.com' })).problems).toStrictEqual([]);
    // a field the structural schema does not know is still refused
    expect(schemas.validate(gateway({ type: 'Hostname', value: 'example.com', port: 80 })).problems)
      .toStrictEqual(['/spec/addresses/0: must NOT have additional properties: \'port\'']);
  });

  test('the CRDs\' CEL rules are evaluated: Istio\'s', () => {
    const dr = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'd' }, spec: { host: 'a', trafficPolicy: { outlierDetection: { interval: '0s' } } } };
    expect(schemas.validate(m(dr)).problems).toStrictEqual(['/spec/trafficPolicy/outlierDetection/interval: must be a valid duration greater than 1ms']);
    const pa = { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'p' }, spec: { selector: { matchLabels: { 'app*': 'x' } } } };
    expect(schemas.validate(m(pa)).problems).toStrictEqual(['/spec/selector/matchLabels: wildcard not allowed in label key match']);
  });

  test('the CRDs\' CEL rules are evaluated: Gateway API\'s, after the schema\'s defaults are applied (as the API server does)', () => {
    const route = (rule: object) => m({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'r' },
      spec: { parentRefs: [{ group: '', kind: 'Service', name: 's', port: 80 }], rules: [rule] },
    });
    // defaults: matches [{ path: PathPrefix / }], backendRef group '' and kind Service
    expect(schemas.validate(route({ backendRefs: [{ name: 's', port: 80 }] })).problems).toStrictEqual([]);
    expect(schemas.validate(route({
      matches: [{ path: { type: 'Exact', value: '/a' } }],
      filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/b' } } }],
      backendRefs: [{ name: 's', port: 80 }],
    })).problems).toStrictEqual(['/spec/rules/0: When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified']);
    expect(schemas.validate(route({ backendRefs: [{ name: 's' }] })).problems).toStrictEqual(['/spec/rules/0/backendRefs/0: Must have port for Service reference']);
  });

  test('a rule using a Kubernetes CEL library function the evaluator lacks is listed, not failed', () => {
    const engine = SchemaValidation.fromCrdFiles(writeCrd('self.isIP()')).validate(m({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { ip: '10.0.0.1' } }));
    expect(engine).toStrictEqual({ problems: [], unsupportedCel: ['isIP'], known: true });
  });

  test('core kinds are validated against their shapes (types, enumerations, required and unknown fields); a kind without any schema is reported unknown', () => {
    expect(schemas.validate(m({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 'one' } })).problems)
      .toStrictEqual(['/spec/replicas: must be an integer: got \'one\'', '/spec: must have the field \'selector\'', '/spec: must have the field \'template\'']);
    expect(schemas.validate(m({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'Nodeport', ports: [{ port: 80.5, targetPot: 8080 }] } })).problems)
      .toStrictEqual([
        '/spec/type: must be one of \'ClusterIP\', \'ExternalName\', \'LoadBalancer\', \'NodePort\': got \'Nodeport\'',
        '/spec/ports/0/port: must be an integer: got 80.5',
        '/spec/ports/0/targetPot: unknown field \'targetPot\'; did you mean \'targetPort\'?',
      ]);
    expect(schemas.validate(m({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }))).toStrictEqual({ problems: [], unsupportedCel: [], known: false });
  });

  test('a field the OpenAPI calls required but the API server does not is accepted absent: an EndpointSlice without endpoints (as the Gateway API conformance suite applies one)', () => {
    const slice = (extra: object) => m({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'e', labels: { 'kubernetes.io/service-name': 's' } }, addressType: 'IPv4', ...extra });
    expect(schemas.validate(slice({})).problems).toStrictEqual([]);
    expect(schemas.validate(slice({ endpoints: [{ addresses: ['10.0.0.1'] }], ports: [{ port: 80 }] })).problems).toStrictEqual([]);
    expect(schemas.validate(slice({ endpoint: [] })).problems).toStrictEqual(['/endpoint: unknown field \'endpoint\'; did you mean \'endpoints\'?']);
    expect(schemas.validate(m({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'e' } })).problems).toStrictEqual(['/: must have the field \'addressType\'']);
  });
});

/** A one-CRD file whose only rule is `rule`, on `spec.ip`. */
function writeCrd(rule: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crd-')), 'widget.yaml');
  fs.writeFileSync(file, JSON.stringify({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      names: { kind: 'Widget', plural: 'widgets' },
      scope: 'Namespaced',
      versions: [{
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { ip: { 'type': 'string', 'x-kubernetes-validations': [{ rule }, { rule: 'self == oldSelf' }] } } } } } },
      }],
    },
  }));
  return file;
}

describe('SchemaValidation.fromPackages (no CRD files)', () => {
  const schemas = SchemaValidation.fromPackages();
  test('Istio objects against @kubernetes-models/istio (v1 as v1beta1), Gateway API against @kubernetes-models/gateway-api; Linkerd unknown', () => {
    expect(schemas.validate(m({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'r' }, spec: { hosts: ['a'] } }))).toStrictEqual({ problems: [], unsupportedCel: [], known: true });
    expect(schemas.validate(m({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'r' }, spec: { hosts: 'a' } })).problems[0]).toMatch(/hosts must be array/);
    expect(schemas.validate(m({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' }, spec: {} })).known).toBe(true);
    expect(schemas.validate(m({ apiVersion: 'policy.linkerd.io/v1beta3', kind: 'HTTPRoute', metadata: { name: 'r' }, spec: {} })).known).toBe(false);
    expect(schemas.description).toBe('packages @kubernetes-models/istio, @kubernetes-models/gateway-api, kubernetes-models (no CEL rules, unknown fields accepted)');
  });

  test('fails if a CRD file cannot be read, or none is named', () => {
    expect(() => SchemaValidation.fromCrdFiles('/no/such/crds.yaml').validate(m({ apiVersion: 'a.example.com/v1', kind: 'X', metadata: { name: 'x' } })))
      .toThrow(/^\w+\.\w+: 'schemaValidation' must name readable CRD files: got '\/no\/such\/crds.yaml'; ENOENT/);
    expect(() => SchemaValidation.fromCrdFiles()).toThrow('\'files\' must name at least one CRD file: got []');
  });
});

describeWithShared('SchemaValidation.fromCrdFiles reads oneOf branches as the API server does', () => {
  test('the Gateway API\'s Hostname address is accepted when its CRD file is compiled at run time', () => {
    const fromFile = SchemaValidation.fromCrdFiles(crd('gateway-api-crds.yaml'));
    const gateway = m({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'default' },
      spec: { gatewayClassName: 'istio', addresses: [{ type: 'Hostname', value: 'example.com' }], listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    });
    expect(fromFile.validate(gateway).problems).toStrictEqual([]);
  });
});

describeWithShared('schema validation at synth (MeshApp)', () => {
  const build = (props: ConstructorParameters<typeof MeshApp>[0]) => {
    const app = new MeshApp({ outdir: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-schema-')), 'dist'), ...props });
    const chart = new MeshChart(app, 'c', { trafficApi: TrafficApi.GATEWAY_API });
    const web = new MeshService(chart, 'web', { ports: [{ port: 80 }] });
    web.addVersion('v1', { image: 'nginx:1.27.0' });
    const routing = new ServiceRouting(chart, 'r', { service: web, routes: [{ action: RouteAction.forward(web.version('v1')) }] });
    // an escape hatch writes what the API server would refuse
    ApiObject.of(routing.resource).addJsonPatch(JsonPatch.remove('/spec/rules/0/backendRefs/0/port'));
    return app;
  };

  test('an object the API server would refuse is IST0106, an error: nothing is written', () => {
    const app = build({ analysis: { schemaValidation: SchemaValidation.fromCrdFiles(crd('gateway-api-crds.yaml')) } });
    expect(() => app.synth()).toThrow([
      'Analysis found 1 error; nothing was written:',
      '  [c/r/HTTPRoute] [IST0106] HTTPRoute \'web\' does not match its schema: spec.rules[0].backendRefs[0]: Must have port for Service reference: got {"name":"web-v1"}; '
        + 'set spec.rules[0].backendRefs[0].port',
    ].join('\n'));
    expect(fs.existsSync(app.outdir)).toBe(false);
  });

  test('on by default against the pinned schemas, off when asked; MESH_KIT_CRDS replaces them; the report says what was validated against what', () => {
    expect(() => build({}).synthFiles()).toThrow(/\[IST0106\] HTTPRoute 'web' does not match its schema: spec\.rules\[0\]\.backendRefs\[0\]: Must have port for Service reference/);
    expect(() => build({ analysis: { schemaValidation: SchemaValidation.off() } }).synthFiles()).not.toThrow();
    const off = build({ analysis: { schemaValidation: SchemaValidation.off() } });
    off.synthFiles();
    expect(off.report!.notes).toStrictEqual(['schema validation: off']);
    const widgets = writeCrd('self.size >= 0');
    process.env.MESH_KIT_CRDS = `${widgets}:`;
    try {
      // the Gateway API's HTTPRoute is not in that file: not validated
      expect(() => build({}).synthFiles()).not.toThrow();
      process.env.MESH_KIT_CRDS = 'no/such/crds.yaml';
      expect(() => build({}).synthFiles()).toThrow(
        '\'MESH_KIT_CRDS\' must list readable CRD files, separated by \':\': got \'no/such/crds.yaml\'; fix the path, or unset MESH_KIT_CRDS to validate against the pinned schemas');
    } finally {
      delete process.env.MESH_KIT_CRDS;
    }
    const app = new MeshApp({ analysis: { schemaValidation: SchemaValidation.fromCrdFiles(widgets) } });
    new MeshService(new MeshChart(app, 'c'), 'web', { ports: [{ port: 80 }] }).addVersion('v1', { image: 'nginx:1.27.0' });
    app.synthFiles();
    expect(app.report!.notes).toStrictEqual([
      `schema validation: CRD files ${widgets} (strict fields, CEL rules, list and format rules); core kinds: their kubernetes-models shapes, strict fields; Kubernetes', Istio's webhook and Linkerd's admission rules`,
      // the file has no DestinationRule: the report says what went unvalidated
      'schema validation: no schema for networking.istio.io/v1 DestinationRule (not validated)',
    ]);
    expect(app.report!.at(FindingLevel.ERROR)).toStrictEqual([]);
  });
});
