import { App, Chart, JsonPatch } from 'cdk8s';
import {
  AuthorizationPolicy, AuthorizedClient, CanaryPlan, CanaryRelease, DataPlane, MeshChart, MeshChartProps,
  MeshApp, MeshNamespace, MeshService, NamespaceInjection, RequestAuthentication,
  RequestSource, RouteAction, ServiceAuthorization, ServiceRouting, SidecarInjection, TrafficApi, Waypoint, WaypointFor, WaypointNamespaces,
  WorkloadSelector, analyze,
} from '../../lib';
import { SchemaValidation } from '../../lib/schema/schema-validation';
import { errorOf } from '../support/errors';
import { K8sObject } from '../support/shared';
import { only, synthError, synthFiles, synthObjects } from '../support/synth';

const IMAGE = 'example/app:1.0.0';
const pinned = SchemaValidation.pinned();
const AMBIENT: MeshChartProps = { dataPlane: DataPlane.AMBIENT };

/** Synthesizes one chart; every object valid against the pinned Istio and Gateway API CRDs and Kubernetes' shapes. */
function objectsOf(build: (chart: Chart, ns: MeshNamespace) => void, props: MeshChartProps = AMBIENT): K8sObject[] {
  const objects = synthObjects(app => {
    const chart = new MeshChart(app, 'c', props);
    build(chart, new MeshNamespace(chart, 'shop'));
  });
  expect(objects.flatMap(o => pinned.validate(o as never).problems.map(p => `${o.kind}/${o.metadata.name} ${p}`))).toStrictEqual([]);
  return objects;
}

const service = (chart: Chart, ns: MeshNamespace, name = 'web', extra = {}) => {
  const s = new MeshService(chart, name, { namespace: ns, ports: [{ port: 80 }], ...extra });
  s.addVersion('v1', { image: IMAGE });
  s.addVersion('v2', { image: IMAGE });
  return s;
};

describe('the data plane setting', () => {
  test('ambient: the namespace enrolled with istio.io/dataplane-mode, no injection label; routes on the Gateway API; no DestinationRule', () => {
    const objects = objectsOf((chart, ns) => service(chart, ns));
    expect(only(objects, 'Namespace').metadata.labels).toStrictEqual({ 'istio.io/dataplane-mode': 'ambient' });
    expect(objects.filter(o => o.kind === 'DestinationRule')).toStrictEqual([]);
    expect(objects.filter(o => o.kind === 'Service').map(o => o.metadata.name)).toStrictEqual(['web', 'web-v1', 'web-v2']);
    expect((only(objects, 'Deployment', 'web-v1').spec as any).template.metadata.labels).toStrictEqual({ app: 'web', version: 'v1' });
  });

  test('a workload kept out of the mesh is labelled istio.io/dataplane-mode: none; no sidecar drain setting', () => {
    const objects = objectsOf((chart, ns) => service(chart, ns, 'web', { sidecarInjection: SidecarInjection.DISABLED }));
    expect((only(objects, 'Deployment', 'web-v1').spec as any).template.metadata.labels).toStrictEqual({ 'app': 'web', 'version': 'v1', 'istio.io/dataplane-mode': 'none' });
  });

  test('Istio\'s API when asked for explicitly: a VirtualService and DestinationRule, which the analysis notes as alpha under ambient (MK0024, Info: Kiali accepts them)', () => {
    const objects = objectsOf((chart, ns) => {
      const s = service(chart, ns, 'web', { waypoint: new Waypoint(chart, 'wp', { namespace: ns }) });
      s.addRoute({ action: RouteAction.forward(s.version('v1')) });
    }, { ...AMBIENT, trafficApi: TrafficApi.ISTIO });
    expect(objects.map(o => o.kind)).toEqual(expect.arrayContaining(['VirtualService', 'DestinationRule']));
    const findings = analyze(objects.map(manifest => ({ manifest: manifest as never, file: 'f', mesh: 'istio' }))).findings;
    expect(findings.filter(f => f.code === 'MK0024').map(f => [f.object, f.level])).toStrictEqual([['DestinationRule shop/web', 'Info'], ['VirtualService shop/web', 'Info']]);
    expect(findings.filter(f => f.level !== 'Info')).toStrictEqual([]);
  });

  test('sidecar injection with ambient mode is refused, on the namespace and on the service', () => {
    expect(errorOf(() => objectsOf(chart => new MeshNamespace(chart, 'ns', { injection: NamespaceInjection.enabled() }))))
      .toMatch(/^\[c\/ns\] 'injection' cannot be combined with ambient mode: sidecar injection and ambient enrolment on one namespace \(IST0123/);
    expect(errorOf(() => objectsOf((chart, ns) => service(chart, ns, 'web', { sidecarInjection: SidecarInjection.ENABLED }))))
      .toBe("[c/web] 'sidecarInjection' cannot be ENABLED under ambient mode: a workload joins the mesh one way (IST0123): got 'enabled'; "
        + 'leave it out (the namespace enrols the pods in ambient mode), or render the chart with DataPlane.SIDECAR');
  });
});

describe('waypoints', () => {
  test('a Gateway of class istio-waypoint, HBONE on 15008; waypoint-for and revision as labels', () => {
    const objects = objectsOf((chart, ns) => {
      new Waypoint(chart, 'wp', { namespace: ns });
      new Waypoint(chart, 'pods', { namespace: ns, trafficFor: WaypointFor.WORKLOAD, revision: 'canary' });
    });
    expect(only(objects, 'Gateway', 'wp')).toStrictEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'wp', namespace: 'shop' },
      spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
    });
    expect(only(objects, 'Gateway', 'pods').metadata.labels).toStrictEqual({ 'istio.io/rev': 'canary', 'istio.io/waypoint-for': 'workload' });
  });

  test('waypoint-for written when given, service included (istioctl waypoint generate --for service); never when left out', () => {
    const objects = objectsOf((chart, ns) => {
      new Waypoint(chart, 'wp', { namespace: ns, trafficFor: WaypointFor.SERVICE });
      new Waypoint(chart, 'default-for', { namespace: ns });
    });
    expect(only(objects, 'Gateway', 'wp').metadata).toStrictEqual({ name: 'wp', namespace: 'shop', labels: { 'istio.io/waypoint-for': 'service' } });
    expect(only(objects, 'Gateway', 'default-for').metadata).toStrictEqual({ name: 'default-for', namespace: 'shop' });
  });

  test('used by a service (istio.io/use-waypoint, and -namespace from another) or a namespace', () => {
    const objects = objectsOf((chart, ns) => {
      const other = new MeshNamespace(chart, 'infra');
      const wp = new Waypoint(chart, 'wp', { namespace: other });
      service(chart, ns, 'web', { waypoint: wp });
      new MeshNamespace(chart, 'team', { waypoint: new Waypoint(chart, 'team-wp', { namespace: MeshNamespace.fromName('team') }) });
    });
    expect(only(objects, 'Service', 'web').metadata.labels).toMatchObject({ 'istio.io/use-waypoint': 'wp', 'istio.io/use-waypoint-namespace': 'infra' });
    expect(only(objects, 'Namespace', 'team').metadata.labels).toStrictEqual({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'team-wp' });
  });

  test('a service that needs L7 gets <name>-waypoint, unless it or its namespace has one', () => {
    const objects = objectsOf((chart, ns) => {
      const web = service(chart, ns);
      new ServiceRouting(chart, 'r', { service: web, routes: [{ action: RouteAction.forward(web.version('v1')) }] });
    });
    expect(only(objects, 'Gateway').metadata.name).toBe('web-waypoint');
    expect(only(objects, 'Service', 'web').metadata.labels).toMatchObject({ 'istio.io/use-waypoint': 'web-waypoint' });
    const covered = objectsOf(chart => {
      const ns = new MeshNamespace(chart, 'team', { waypoint: new Waypoint(chart, 'team-wp', { namespace: MeshNamespace.fromName('team') }) });
      const web = service(chart, ns);
      web.addRoute({ action: RouteAction.forward(web.version('v1')) });
    });
    expect(covered.filter(o => o.kind === 'Gateway').map(o => o.metadata.name)).toStrictEqual(['team-wp']);
  });

  test('with autoWaypoints off, L7 without a waypoint is an error naming the service and the feature', () => {
    expect(synthError(app => {
      const chart = new MeshChart(app, 'c', { ...AMBIENT, autoWaypoints: false });
      const web = service(chart, new MeshNamespace(chart, 'shop'));
      new ServiceRouting(chart, 'r', { service: web, routes: [{ action: RouteAction.forward(web.version('v1')) }] });
    })).toContain("[c/web] 'waypoint' must be given under ambient mode with autoWaypoints off: routes (c/r) needs L7 processing, which only a waypoint does (ztunnel is L4)");
  });

  test('a waypoint for a namespace that is not enrolled', () => {
    expect(errorOf(() => objectsOf(chart => new MeshNamespace(chart, 'out', { injection: NamespaceInjection.disabled(), waypoint: new Waypoint(chart, 'wp') }))))
      .toMatch(/^\[c\/out\] 'waypoint' needs the namespace enrolled in ambient mode: with NamespaceInjection.disabled\(\) its pods are outside the mesh/);
  });

  test('bad waypoints: in a sidecar chart, for workload traffic on a service, on a sidecar namespace', () => {
    const app = new App();
    const wp = new Waypoint(new MeshChart(app, 'amb', AMBIENT), 'wp');
    expect(errorOf(() => new MeshNamespace(new MeshChart(app, 'side'), 'ns', { waypoint: wp })))
      .toBe("[side/ns] 'waypoint' needs ambient mode (DataPlane.AMBIENT): sidecars do not use waypoints: got 'wp'");
    expect(errorOf(() => objectsOf(chart => new Waypoint(chart, 'wp'), {})))
      .toMatch(/^\[c\/wp\] 'dataPlane' must be DataPlane.AMBIENT for a waypoint: its namespace's pods are not enrolled in ambient mode/);
    expect(errorOf(() => objectsOf((chart, ns) => service(chart, ns, 'web', { waypoint: new Waypoint(chart, 'wp', { trafficFor: WaypointFor.WORKLOAD }) }))))
      .toBe("[c/web] 'waypoint' must serve traffic addressed to Services: waypoint 'wp' is for workload traffic, and routes address the Service: got 'workload'; "
        + 'use a waypoint with trafficFor: WaypointFor.SERVICE (the default) or ALL');
  });
});

describe('authorization under ambient', () => {
  test('L4 rules keep their selector (ztunnel); L7 rules target the Service (its waypoint), guarded against bypass', () => {
    const objects = objectsOf((chart, ns) => {
      const web = service(chart, ns);
      const api = service(chart, ns, 'api');
      const l4 = new AuthorizationPolicy(chart, 'l4', { workload: WorkloadSelector.service(web), rules: [{ from: [RequestSource.service(api)], to: [{ ports: [80] }] }] });
      const l7 = new AuthorizationPolicy(chart, 'l7', { workload: WorkloadSelector.service(api), rules: [{ from: [RequestSource.service(web)], to: [{ methods: ['GET'] }] }] });
      void l4; void l7;
      new ServiceAuthorization(chart, 'sa', { service: web, allowFrom: [AuthorizedClient.service(api)] });
    });
    const spec = (n: string) => only(objects, 'AuthorizationPolicy', n).spec as any;
    expect(spec('l4').selector).toStrictEqual({ matchLabels: { app: 'web' } });
    expect(spec('l7').targetRefs).toStrictEqual([{ group: '', kind: 'Service', name: 'api' }]);
    expect(spec('l7').selector).toBeUndefined();
    expect(spec('api-waypoint-bypass')).toMatchObject({ action: 'DENY', rules: [{ from: [{ source: { notPrincipals: ['cluster.local/ns/shop/sa/api-waypoint'] } }] }] });
    expect(spec('api-from-waypoint')).toMatchObject({ action: 'ALLOW', rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/api-waypoint'] } }] }] });
    expect(spec('web').selector).toStrictEqual({ matchLabels: { app: 'web' } }); // ServiceAuthorization: L4, in both modes
    expect(only(objects, 'Service', 'api').metadata.labels).toMatchObject({ 'istio.io/use-waypoint': 'api-waypoint', 'istio.io/ingress-use-waypoint': 'true' });
    expect(analyze(objects.map(manifest => ({ manifest: manifest as never, file: 'f', mesh: 'istio' })), { world: 'partial' })
      .findings.filter(f => f.level === 'Error')).toStrictEqual([]);
  });

  test('waypointOnly: false writes no bypass guard', () => {
    const objects = objectsOf((chart, ns) => {
      const api = service(chart, ns, 'api');
      new AuthorizationPolicy(chart, 'l7', { workload: WorkloadSelector.service(api), waypointOnly: false, rules: [{ to: [{ paths: ['/admin*'] }] }], action: undefined });
    });
    expect(objects.filter(o => o.kind === 'AuthorizationPolicy').map(o => o.metadata.name)).toStrictEqual(['l7']);
  });

  test('RequestAuthentication targets the Service', () => {
    const objects = objectsOf((chart, ns) => {
      const api = service(chart, ns, 'api');
      new RequestAuthentication(chart, 'jwt', { workload: WorkloadSelector.service(api), jwtRules: [{ issuer: 'https://id.example.com', jwksUri: 'https://id.example.com/jwks' }] });
    });
    expect((only(objects, 'RequestAuthentication').spec as any).targetRefs).toStrictEqual([{ group: '', kind: 'Service', name: 'api' }]);
  });

  test('L7 rules on pods chosen by label, or on the whole namespace, are refused (ztunnel would deny)', () => {
    const app = new App();
    const chart = new MeshChart(app, 'c', AMBIENT);
    expect(errorOf(() => new AuthorizationPolicy(chart, 'a', { workload: WorkloadSelector.labels({ app: 'x' }), rules: [{ to: [{ methods: ['GET'] }] }] })))
      .toMatch(/^\[c\/a\] 'workload' must be a service's \(WorkloadSelector.service\(\)\) under ambient mode: rules\[0\]: to methods needs L7/);
    expect(errorOf(() => new AuthorizationPolicy(chart, 'b', { rules: [{ when: [] as never, from: [RequestSource.jwt('https://id.example.com')] }] })))
      .toMatch(/^\[c\/b\] 'workload' must be a service's .*: rules\[0\]: from a JWT principal needs L7.*got 'the whole namespace'/);
    expect(errorOf(() => new RequestAuthentication(chart, 'r', { jwtRules: [{ issuer: 'https://id.example.com' }] })))
      .toMatch(/^\[c\/r\] 'workload' must be a service's \(WorkloadSelector.service\(\)\) under ambient mode: JWT validation is L7/);
  });
});

describe('waypoints used across namespaces (Istio admits a user only from a namespace the waypoint\'s listener admits)', () => {
  const listenerOf = (objects: K8sObject[], name: string) => (only(objects, 'Gateway', name).spec as any).listeners[0];
  const byName = (...values: string[]) => ({
    namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values }] } },
  });

  test('the namespaces of services and namespaces using it are admitted by name, with its own', () => {
    const objects = objectsOf((chart, ns) => {
      const wp = new Waypoint(chart, 'wp', { namespace: new MeshNamespace(chart, 'infra') });
      service(chart, ns, 'web', { waypoint: wp });
      new MeshNamespace(chart, 'team', { waypoint: wp });
      service(chart, ns, 'api', { waypoint: wp }); // a second user of one namespace: once
    });
    expect(listenerOf(objects, 'wp')).toStrictEqual({ name: 'mesh', port: 15008, protocol: 'HBONE', allowedRoutes: byName('infra', 'shop', 'team') });
    // the previous output, through the escape hatch the CHANGELOG names
    const old = objectsOf((chart, ns) => {
      const wp = new Waypoint(chart, 'wp', { namespace: new MeshNamespace(chart, 'infra') });
      service(chart, ns, 'web', { waypoint: wp });
      wp.resource.addJsonPatch(JsonPatch.remove('/spec/listeners/0/allowedRoutes'));
    });
    expect(listenerOf(old, 'wp')).toStrictEqual({ name: 'mesh', port: 15008, protocol: 'HBONE' });
    expect(only(objects, 'Namespace', 'team').metadata.labels).toStrictEqual({
      'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'wp', 'istio.io/use-waypoint-namespace': 'infra',
    });
  });

  test('used only from its own namespace: no allowedRoutes (Istio\'s default, Same)', () => {
    const objects = objectsOf((chart, ns) => service(chart, ns, 'web', { waypoint: new Waypoint(chart, 'wp', { namespace: ns }) }));
    expect(listenerOf(objects, 'wp')).toStrictEqual({ name: 'mesh', port: 15008, protocol: 'HBONE' });
  });

  test('allowedNamespaces admits users the app does not declare: by name (with its users here), every namespace, or by labels', () => {
    const named = objectsOf((chart, ns) => {
      const wp = new Waypoint(chart, 'wp', { namespace: new MeshNamespace(chart, 'infra'), allowedNamespaces: WaypointNamespaces.named(['payments', 'infra']) });
      service(chart, ns, 'web', { waypoint: wp });
    });
    expect(listenerOf(named, 'wp').allowedRoutes).toStrictEqual(byName('infra', 'payments', 'shop'));
    const all = objectsOf(chart => new Waypoint(chart, 'wp', { namespace: MeshNamespace.fromName('infra'), allowedNamespaces: WaypointNamespaces.all() }));
    expect(listenerOf(all, 'wp').allowedRoutes).toStrictEqual({ namespaces: { from: 'All' } });
    const labelled = objectsOf(chart => new Waypoint(chart, 'wp', { allowedNamespaces: WaypointNamespaces.withLabels({ mesh: 'shared' }) }));
    expect(listenerOf(labelled, 'wp').allowedRoutes).toStrictEqual({ namespaces: { from: 'Selector', selector: { matchLabels: { mesh: 'shared' } } } });
  });

  test('fails if namespaces are named for a waypoint without a namespace, or none or bad ones are given', () => {
    expect(errorOf(() => objectsOf(chart => new Waypoint(chart, 'wp', { allowedNamespaces: WaypointNamespaces.named(['payments']) })))).toBe(
      "[c/wp] 'allowedNamespaces' needs the waypoint's namespace: admitting namespaces by name replaces Istio's default (its own namespace), which must then be "
      + "named too: got ['payments']; give the waypoint (or its chart) a namespace");
    expect(errorOf(() => WaypointNamespaces.named([]))).toBe("WaypointNamespaces.named: 'names' must hold at least one namespace: got '[]'; "
      + "leave allowedNamespaces out to admit only the waypoint's own namespace and its users in this app");
    expect(errorOf(() => WaypointNamespaces.withLabels({}))).toBe("WaypointNamespaces.withLabels: 'labels' must hold at least one label: got '{}'; "
      + 'use WaypointNamespaces.all() to admit every namespace');
    expect(errorOf(() => WaypointNamespaces.named(['Pay_ments']))).toMatch(/^WaypointNamespaces.named: 'names' must be a DNS-1123 label/);
  });

  test('MK0023 stops synth when a label selector the app chose does not admit a user\'s namespace', () => {
    const build = (shopLabels: { [key: string]: string }) => (chart: Chart) => {
      const wp = new Waypoint(chart, 'wp', { namespace: new MeshNamespace(chart, 'infra'), allowedNamespaces: WaypointNamespaces.withLabels({ mesh: 'shared' }) });
      service(chart, new MeshNamespace(chart, 'shop', { labels: shopLabels }), 'web', { waypoint: wp });
    };
    const meshApp = (outdir: string) => new MeshApp({ outdir });
    expect(synthError(app => build({})(new MeshChart(app, 'c', AMBIENT)), meshApp)).toBe('Analysis found 1 error; nothing was written:\n  '
      + "[c/web/Service] [MK0023] Service 'web' of namespace 'shop' uses waypoint 'infra/wp', whose mesh listener does not admit that namespace "
      + '(allowedRoutes.namespaces.from: Selector): Istio refuses the binding and no waypoint processes its traffic (mesh-kit MK0023); '
      + 'admit namespace \'shop\' on waypoint \'infra/wp\' (Waypoint allowedNamespaces, or allowedRoutes on its HBONE listener), or use a waypoint of namespace \'shop\'');
    expect([...synthFiles(app => build({ mesh: 'shared' })(new MeshChart(app, 'c', AMBIENT)), meshApp).keys()]).toStrictEqual(['c.k8s.yaml']);
  });
});

describe('ambient checks of manifests mesh-kit did not write', () => {
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio.io/dataplane-mode': 'ambient' } } };
  const pod = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'x:1' }] } } } };
  const svc = (labels = {}) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'shop', labels }, spec: { selector: { app: 'api' }, ports: [{ port: 80, name: 'http' }] } });
  const codes = (objects: object[], code: string) => analyze(objects.map(manifest => ({ manifest: manifest as never, file: 'f', mesh: 'istio' })))
    .findings.filter(f => f.code === code).map(f => f.message.replace(/^\[\w+\] /, ''));

  test('MK0005: an L7 AuthorizationPolicy selecting ambient pods (Kiali\'s KIA0110 where Kiali reports it, MK0005 for a CUSTOM action)', () => {
    const ap = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'p', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'api' } }, rules: [{ to: [{ operation: { methods: ['GET'] } }] }] } };
    expect(codes([ns, pod, svc(), ap], 'MK0005')).toStrictEqual([]);
    expect(codes([ns, pod, svc(), ap], 'KIA0110')).toHaveLength(1);
    const custom = { ...ap, spec: { ...ap.spec, action: 'CUSTOM', provider: { name: 'ext' }, rules: [{ to: [{ operation: { ports: ['80'] } }] }] } };
    expect(codes([ns, pod, svc(), custom], 'MK0005')).toHaveLength(1);
    expect(codes([ns, pod, svc(), { ...ap, spec: { ...ap.spec, rules: [{ to: [{ operation: { ports: ['80'] } }] }] } }], 'MK0005')).toStrictEqual([]);
    expect(codes([{ ...ns, metadata: { name: 'shop' } }, pod, svc(), ap], 'MK0005')).toStrictEqual([]);
  });

  test('MK0006: an HTTPRoute on a Service without a waypoint; MK0007: use-waypoint naming no waypoint, or one for workloads', () => {
    const route = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'shop' }, spec: { parentRefs: [{ group: '', kind: 'Service', name: 'api' }], rules: [{ backendRefs: [{ name: 'api', port: 80 }] }] } };
    expect(codes([ns, pod, svc(), route], 'MK0006')).toHaveLength(1);
    expect(codes([ns, pod, svc({ 'istio.io/use-waypoint': 'wp' }), route], 'MK0006')).toStrictEqual([]);
    expect(codes([ns, pod, svc({ 'istio.io/use-waypoint': 'wp' })], 'MK0007')).toStrictEqual(["Service 'api' uses waypoint 'shop/wp', but there is no Gateway of class istio-waypoint by that name (mesh-kit MK0007); "
      + "create a waypoint Gateway 'wp' of class istio-waypoint in namespace 'shop' (istioctl waypoint apply -n shop --name wp), or set istio.io/use-waypoint to the name of an existing one"]);
    const wp = (labels = {}) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'wp', namespace: 'shop', labels }, spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] } });
    expect(codes([ns, pod, svc({ 'istio.io/use-waypoint': 'wp' }), wp()], 'MK0007')).toStrictEqual([]);
    expect(codes([ns, pod, svc({ 'istio.io/use-waypoint': 'wp' }), wp({ 'istio.io/waypoint-for': 'workload' })], 'MK0007')).toHaveLength(1);
  });

  test('MK0023: use-waypoint from a namespace the waypoint\'s HBONE listener does not admit (Same unless allowedRoutes says otherwise)', () => {
    const wp = (allowedRoutes?: object) => ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'wp', namespace: 'infra' },
      spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE', ...(allowedRoutes ? { allowedRoutes } : {}) }] },
    });
    const infra = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'infra' } };
    const user = svc({ 'istio.io/use-waypoint': 'wp', 'istio.io/use-waypoint-namespace': 'infra' });
    const selector = (sel: object) => ({ namespaces: { from: 'Selector', selector: sel } });
    const found = (gw: object, nsObject: object = ns) => codes([nsObject, infra, pod, user, gw], 'MK0023');
    expect(found(wp())).toStrictEqual([
      "Service 'api' of namespace 'shop' uses waypoint 'infra/wp', whose mesh listener does not admit that namespace (allowedRoutes.namespaces.from: Same): "
      + 'Istio refuses the binding and no waypoint processes its traffic (mesh-kit MK0023); admit namespace \'shop\' on waypoint \'infra/wp\' (Waypoint allowedNamespaces, '
      + 'or allowedRoutes on its HBONE listener), or use a waypoint of namespace \'shop\'',
    ]);
    expect(found(wp({ namespaces: { from: 'All' } }))).toStrictEqual([]);
    expect(found(wp(selector({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['infra', 'shop'] }] })))).toStrictEqual([]);
    expect(found(wp(selector({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['infra'] }] })))).toHaveLength(1);
    expect(found(wp(selector({ matchLabels: { mesh: 'shared' } })))).toHaveLength(1);
    expect(found(wp(selector({ matchLabels: { mesh: 'shared' } })), { ...ns, metadata: { ...ns.metadata, labels: { ...ns.metadata.labels, mesh: 'shared' } } })).toStrictEqual([]);
    // a listener other than the HBONE one on 15008 does not count
    const other = { ...wp(), spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'x', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }] } };
    expect(found(other)).toHaveLength(1);
    // a namespace using it, and a user in the waypoint's own namespace
    const team = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', labels: { 'istio.io/use-waypoint': 'wp', 'istio.io/use-waypoint-namespace': 'infra' } } };
    expect(codes([team, infra, wp()], 'MK0023')).toStrictEqual([expect.stringMatching(/^Namespace 'team' uses waypoint 'infra\/wp'/)]);
    const own = { ...svc({ 'istio.io/use-waypoint': 'wp' }), metadata: { name: 'api', namespace: 'infra', labels: { 'istio.io/use-waypoint': 'wp' } } };
    expect(codes([infra, own, wp()], 'MK0023')).toStrictEqual([]);
  });

  test('MK0023 leaves undecided a selector on labels of a namespace it does not see', () => {
    const gw = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'wp', namespace: 'infra' },
      spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE', allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { mesh: 'shared' } } } } }] },
    };
    const user = { ...svc({ 'istio.io/use-waypoint': 'wp', 'istio.io/use-waypoint-namespace': 'infra' }), metadata: { name: 'api', namespace: 'elsewhere', labels: { 'istio.io/use-waypoint': 'wp', 'istio.io/use-waypoint-namespace': 'infra' } } };
    expect(codes([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'infra' } }, user, gw], 'MK0023')).toStrictEqual([]);
  });

  test('MK0008: an EnvoyFilter selecting ambient pods', () => {
    const ef = { apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', metadata: { name: 'ef', namespace: 'shop' }, spec: { workloadSelector: { labels: { app: 'api' } }, configPatches: [] } };
    expect(codes([ns, pod, svc(), ef], 'MK0008')).toStrictEqual(["EnvoyFilter 'ef' selects ambient pods, which have no sidecar to patch: it has no effect (mesh-kit MK0008); "
      + 'select the waypoint proxy that serves these workloads instead, or remove the EnvoyFilter']);
  });
});

describe('canaries and ingress under ambient', () => {
  test('canary stages are HTTPRoutes on the Service; the service gets a waypoint', () => {
    const objects = synthObjects(app => {
      const chart = new MeshChart(app, 'c', AMBIENT);
      const web = service(chart, new MeshNamespace(chart, 'shop'));
      new CanaryRelease(app, 'canary', { service: web, stable: web.version('v1'), canary: web.version('v2'), plan: CanaryPlan.stages([10, 100]) });
    });
    expect(objects.filter(o => o.kind === 'HTTPRoute').length).toBe(4); // the three files' routes, and the base's (every request to v1 until a stage is applied)
    expect(objects.filter(o => o.kind === 'VirtualService' || o.kind === 'DestinationRule')).toStrictEqual([]);
    expect(only(objects, 'Gateway').metadata.name).toBe('web-waypoint');
  });

  test('ingressUseWaypoint: ingress gateways go through the service\'s waypoint; refused with sidecars', () => {
    const objects = objectsOf((chart, ns) => service(chart, ns, 'web', { waypoint: new Waypoint(chart, 'wp', { namespace: ns }), ingressUseWaypoint: true }));
    expect(only(objects, 'Service', 'web').metadata.labels).toMatchObject({ 'istio.io/ingress-use-waypoint': 'true', 'istio.io/use-waypoint': 'wp' });
    expect(errorOf(() => objectsOf((chart, ns) => service(chart, ns, 'web', { ingressUseWaypoint: true }), {})))
      .toBe("[c/web] 'ingressUseWaypoint' needs ambient mode (DataPlane.AMBIENT): sidecars do not use waypoints: got true");
  });
});
