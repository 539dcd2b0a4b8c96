import * as path from 'path';
import { authorizationPolicy, authorizeFromGateway, deployment, gatewayApi, namespace, object, peerAuthentication, service, verdictOf } from './builders';
import { buildBookinfoMesh } from '../../examples/bookinfo/ambient';
import { DataPlane, Mesh, MeshApp, MeshChart, MeshNamespace, MeshProvider, MeshService, TrafficResult } from '../../lib';
import { ingressUsesWaypoint, serviceWaypoint } from '../../lib/dataplane/ambient';
import { World } from '../../lib/dataplane/world';
import { Manifest } from '../../lib/render/model';
import { HAS_SHARED, SHARED_DIR, describeWithShared, loadObjects } from '../support/shared';

/**
 * Istio ambient mode: ztunnel, waypoint binding (istio/istio `pilot/pkg/serviceregistry/ambient/waypoints.go`),
 * the routes a waypoint applies, ingress through a waypoint, and what ztunnel and waypoints enforce.
 */
const waypoint = (ns: string, name: string, meta: { labels?: Record<string, string> } = {}, listener: object = {}, className = 'istio-waypoint') =>
  gatewayApi('Gateway', ns, name, { gatewayClassName: className, listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE', ...listener }] }, meta);
const ambientNs = (name: string, labels: Record<string, string> = {}) => namespace(name, { 'istio.io/dataplane-mode': 'ambient', ...labels });
const shop = (svcLabels: Record<string, string> = {}, nsLabels: Record<string, string> = {}): Manifest[] => [
  ambientNs('shop', nsLabels),
  deployment('shop', 'client', { app: 'client' }),
  deployment('shop', 'reviews-v1', { app: 'reviews', version: 'v1' }, { sa: 'reviews' }),
  deployment('shop', 'reviews-v2', { app: 'reviews', version: 'v2' }, { sa: 'reviews' }),
  service('shop', 'reviews', { app: 'reviews' }, [{ port: 9080, name: 'http' }], { labels: svcLabels }),
  service('shop', 'reviews-v1', { app: 'reviews', version: 'v1' }, [{ port: 9080, name: 'http' }]),
  service('shop', 'reviews-v2', { app: 'reviews', version: 'v2' }, [{ port: 9080, name: 'http' }]),
];
const split = gatewayApi('HTTPRoute', 'shop', 'reviews', {
  parentRefs: [{ group: '', kind: 'Service', name: 'reviews', port: 9080 }],
  rules: [{ backendRefs: [{ name: 'reviews-v1', port: 9080, weight: 90 }, { name: 'reviews-v2', port: 9080, weight: 10 }] }],
});
const bindingOf = (objects: Manifest[], svc = 'reviews', ns = 'shop') => {
  const world = new World(objects);
  const b = serviceWaypoint(world, world.service(ns, svc)!);
  return b.kind === 'waypoint' ? { kind: b.kind, gateway: `${b.gateway.namespace}/${b.gateway.name}`, via: b.via } : b;
};
const shares = (r: TrafficResult) => r.destinations.map(d => [d.service, d.version, d.weight]);

describe('which waypoint a Service uses', () => {
  test('its istio.io/use-waypoint label', () => {
    expect(bindingOf([...shop({ 'istio.io/use-waypoint': 'wp' }), waypoint('shop', 'wp')])).toStrictEqual({ kind: 'waypoint', gateway: 'shop/wp', via: 'Service shop/reviews (istio.io/use-waypoint)' });
  });
  test('else its namespace\'s', () => {
    expect(bindingOf([...shop({}, { 'istio.io/use-waypoint': 'wp' }), waypoint('shop', 'wp')])).toStrictEqual({ kind: 'waypoint', gateway: 'shop/wp', via: 'namespace shop (istio.io/use-waypoint)' });
  });
  test('none opts the Service out of its namespace\'s waypoint', () => {
    expect(bindingOf([...shop({ 'istio.io/use-waypoint': 'none' }, { 'istio.io/use-waypoint': 'wp' }), waypoint('shop', 'wp')])).toStrictEqual({ kind: 'opt-out' });
  });
  test('no label: no waypoint; a waypoint\'s own Service never has one', () => {
    expect(bindingOf([...shop(), waypoint('shop', 'wp')])).toStrictEqual({ kind: 'none' });
    expect(bindingOf([...shop({ 'istio.io/use-waypoint': 'wp', 'gateway.istio.io/managed': 'istio.io-mesh-controller' }), waypoint('shop', 'wp')])).toStrictEqual({ kind: 'none' });
  });
  test('a waypoint that does not exist binds nothing', () => {
    expect(bindingOf(shop({ 'istio.io/use-waypoint': 'wp' }))).toStrictEqual({
      kind: 'unbound', name: 'shop/wp', why: 'Service shop/reviews names waypoint shop/wp (istio.io/use-waypoint), which is not a Gateway of the configuration: istiod binds no waypoint (WaypointNotReady)',
    });
  });
  describe('a waypoint in another namespace (istio.io/use-waypoint-namespace) must admit the Service\'s namespace', () => {
    const labels = { 'istio.io/use-waypoint': 'egress-gateway', 'istio.io/use-waypoint-namespace': 'common-infrastructure' };
    test('Same (the default) refuses it', () => {
      expect(bindingOf([...shop(labels), waypoint('common-infrastructure', 'egress-gateway')])).toMatchObject({
        kind: 'unbound', why: 'waypoint common-infrastructure/egress-gateway admits Same namespaces only (allowedRoutes): it refuses shop',
      });
    });
    test('All admits it', () => {
      expect(bindingOf([...shop(labels), waypoint('common-infrastructure', 'egress-gateway', {}, { allowedRoutes: { namespaces: { from: 'All' } } })])).toMatchObject({ kind: 'waypoint' });
    });
    test('a Selector admits the namespaces it selects (the ambient docs\' cross-namespace waypoint)', () => {
      const sel = { allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { team: 'shop' } } } } };
      expect(bindingOf([...shop(labels, { team: 'shop' }), waypoint('common-infrastructure', 'egress-gateway', {}, sel)])).toMatchObject({ kind: 'waypoint' });
      expect(bindingOf([...shop(labels, { team: 'other' }), waypoint('common-infrastructure', 'egress-gateway', {}, sel)])).toMatchObject({ kind: 'unbound' });
    });
  });
  describe('istio.io/waypoint-for: the Gateway\'s, else its GatewayClass\'s, else service', () => {
    test.each([['service', 'waypoint'], ['all', 'waypoint'], ['workload', 'unbound'], ['none', 'unbound']])('%s on the Gateway: %s', (traffic, kind) => {
      expect(bindingOf([...shop({ 'istio.io/use-waypoint': 'wp' }), waypoint('shop', 'wp', { labels: { 'istio.io/waypoint-for': traffic } })]).kind).toBe(kind);
    });
    test('on the GatewayClass', () => {
      const cls = object('gateway.networking.k8s.io/v1', 'GatewayClass', '', 'istio-waypoint', { controllerName: 'istio.io/mesh-controller' }, { labels: { 'istio.io/waypoint-for': 'workload' } });
      expect(bindingOf([...shop({ 'istio.io/use-waypoint': 'wp' }), cls, waypoint('shop', 'wp')])).toMatchObject({ kind: 'unbound', why: 'waypoint shop/wp serves istio.io/waypoint-for: workload, not Service traffic' });
    });
  });
  test('ingress-use-waypoint: the Service\'s label, else the namespace\'s, as a boolean', () => {
    const use = (svc: Record<string, string>, ns: Record<string, string> = {}) => {
      const world = new World(shop(svc, ns));
      return ingressUsesWaypoint(world, world.service('shop', 'reviews')!);
    };
    expect(use({ 'istio.io/ingress-use-waypoint': 'true' })).toBe(true);
    expect(use({}, { 'istio.io/ingress-use-waypoint': 'True' })).toBe(true);
    expect(use({ 'istio.io/ingress-use-waypoint': 'false' }, { 'istio.io/ingress-use-waypoint': 'true' })).toBe(false);
    expect(use({ 'istio.io/ingress-use-waypoint': 'yes' })).toBe(false);
    expect(use({})).toBe(false);
  });
});

describe('routing from ztunnel', () => {
  test('no waypoint: L4 over the Service\'s pods, and a route on the Service is not applied', () => {
    const r = Mesh.fromObjects([...shop(), split]).request({ from: 'shop/client', host: 'reviews' });
    expect(r.dataPlane).toBe('istio-ambient');
    expect(r.route).toBeNull();
    expect(shares(r)).toStrictEqual([['shop/reviews', 'v1', 50], ['shop/reviews', 'v2', 50]]);
    expect(r.reason).toBe('ztunnel spreads connections to shop/reviews:9080 over its pods (L4: no waypoint)');
    expect(r.notes).toStrictEqual(['HTTPRoute shop/reviews attaches to shop/reviews but it has no waypoint: ztunnel applies no route (L4 only)']);
    expect(r.hops).toStrictEqual([{ at: 'ztunnel', name: 'shop/client', decision: 'reviews.shop.svc.cluster.local:9080 → reviews v1 50%, reviews v2 50%' }]);
  });
  test('through the waypoint: it applies the routes on the Service (HTTPRoute 90/10)', () => {
    const r = Mesh.fromObjects([...shop({ 'istio.io/use-waypoint': 'wp' }), waypoint('shop', 'wp'), split]).request({ from: 'shop/client', host: 'reviews' });
    expect(r.outcome).toBe('routed');
    expect(r.route).toMatchObject({ kind: 'HTTPRoute', namespace: 'shop', name: 'reviews', rule: 0 });
    expect(shares(r)).toStrictEqual([['shop/reviews-v1', 'v1', 90], ['shop/reviews-v2', 'v2', 10]]);
    expect(r.destinations[0].waypoint).toStrictEqual({ name: 'shop/wp', service: 'shop/reviews' });
    expect(r.hops.map(h => h.at)).toStrictEqual(['ztunnel', 'waypoint']);
    expect(r.hops[1]).toStrictEqual({ at: 'waypoint', name: 'shop/wp', decision: 'HTTPRoute shop/reviews rule 0 → reviews-v1 v1 90%, reviews-v2 v2 10%' });
  });
  test('through the waypoint without routes: the Service\'s pods', () => {
    const r = Mesh.fromObjects([...shop({ 'istio.io/use-waypoint': 'wp' }), waypoint('shop', 'wp')]).request({ from: 'shop/client', host: 'reviews' });
    expect(r.reason).toBe('waypoint shop/wp sends shop/reviews:9080 to its pods (no route attaches to the Service)');
    expect(shares(r)).toStrictEqual([['shop/reviews', 'v1', 50], ['shop/reviews', 'v2', 50]]);
  });
  test('an unusable waypoint: L4, and the reason is a note', () => {
    const r = Mesh.fromObjects(shop({ 'istio.io/use-waypoint': 'missing' })).request({ from: 'shop/client', host: 'reviews' });
    expect(r.hops[0].at).toBe('ztunnel');
    expect(r.notes[0]).toMatch(/^Service shop\/reviews names waypoint shop\/missing/);
  });
  test('a headless Service, an ExternalName Service, an external host, an undeclared port', () => {
    const mesh = Mesh.fromObjects([...shop(), service('shop', 'db', { app: 'reviews' }, [{ port: 5432 }], { clusterIP: 'None', labels: { 'istio.io/use-waypoint': 'wp' } }),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: 'shop' }, spec: { type: 'ExternalName', externalName: 'db.example.com', ports: [{ port: 5432 }] } } as unknown as Manifest]);
    expect(mesh.request({ from: 'shop/client', host: 'db', protocol: 'tcp' }).notes).toContain('Service shop/db is headless: its name resolves to pod addresses, so no Service waypoint applies (workload waypoints are not modelled)');
    expect(mesh.request({ from: 'shop/client', host: 'ext', protocol: 'tcp' }).destinations).toStrictEqual([{ service: 'db.example.com', port: 5432, workloads: [], weight: 100 }]);
    expect(mesh.request({ from: 'shop/client', host: 'api.example.com', protocol: 'tls' })).toMatchObject({ outcome: 'routed', reason: '\'api.example.com\' is not a Service of the configuration: ztunnel sends the connection out as addressed' });
    expect(mesh.request({ from: 'shop/client', host: 'reviews', port: 80 })).toMatchObject({ outcome: 'no-route', reason: 'Service shop/reviews has no port 80 (its ports: 9080): the connection is refused' });
  });
  test('a destination outside the mesh: routed, nothing checks the caller', () => {
    const r = Mesh.fromObjects([...shop(), namespace('plain'), deployment('plain', 'web', { app: 'web' }), service('plain', 'web', { app: 'web' }, [{ port: 80 }])])
      .request({ from: 'shop/client', host: 'web.plain' });
    expect(r.outcome).toBe('routed');
    expect(r.destinations[0].authorization).toBeUndefined();
  });
});

describe('what ztunnel enforces (L4: istio/ztunnel src/rbac.rs)', () => {
  const sel = { matchLabels: { app: 'reviews' } };
  const ask = (objects: Manifest[], from = 'shop/client') => Mesh.fromObjects([...shop(), ...objects, namespace('plain'), deployment('plain', 'curl', { app: 'curl' })])
    .request({ from, host: 'reviews.shop' });
  test('an ALLOW rule with an HTTP attribute matches nothing there', () => {
    const r = ask([authorizationPolicy('shop', 'get-only', { selector: sel, rules: [{ from: [{ source: { namespaces: ['shop'] } }], to: [{ operation: { methods: ['GET'] } }] }] })]);
    expect(r.outcome).toBe('denied');
    expect(verdictOf(r)).toMatchObject({ enforcedBy: 'ztunnel', reason: 'ALLOW policy shop/get-only applies and does not match' });
    expect(r.notes).toContain('AuthorizationPolicy shop/get-only: rule 0: ztunnel does not enforce HTTP attributes (methods): the ALLOW rule is dropped and matches nothing');
  });
  test.each([
    [{ serviceAccounts: ['client'] }, 'allow'], [{ serviceAccounts: ['shop/other'] }, 'deny'], [{ namespaces: ['shop'] }, 'allow'],
    [{ notNamespaces: ['shop'] }, 'deny'], [{ principals: ['*/sa/client'] }, 'allow'], [{ ipBlocks: ['10.0.0.0/8'] }, 'undecided'],
  ])('source %j at ztunnel: %s', (source, expected) => {
    expect(verdictOf(ask([authorizationPolicy('shop', 'p', { selector: sel, rules: [{ from: [{ source }] }] })]))?.verdict).toBe(expected);
  });
  test('the L4 attributes of an ALLOW rule are enforced', () => {
    expect(verdictOf(ask([authorizationPolicy('shop', 'p', { selector: sel, rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/client'] } }], to: [{ operation: { ports: ['9080'] } }] }] })]))?.verdict).toBe('allow');
  });
  test('a DENY rule loses its HTTP attributes; a clause left empty never matches', () => {
    expect(verdictOf(ask([authorizationPolicy('shop', 'p', { action: 'DENY', selector: sel, rules: [{ to: [{ operation: { ports: ['9080'], methods: ['DELETE'] } }] }] })]))?.verdict).toBe('deny');
    expect(verdictOf(ask([authorizationPolicy('shop', 'p', { action: 'DENY', selector: sel, rules: [{ to: [{ operation: { methods: ['DELETE'] } }] }] })]))?.verdict).toBe('allow');
  });
  test('CUSTOM is not supported by ztunnel: ignored there', () => {
    const r = ask([authorizationPolicy('shop', 'ext', { action: 'CUSTOM', provider: { name: 'opa' }, selector: sel, rules: [{}] })]);
    expect(verdictOf(r)?.verdict).toBe('allow');
    expect(r.notes).toContain('ztunnel does not support the CUSTOM action: AuthorizationPolicy shop/ext is ignored there');
  });
  test('STRICT refuses a caller outside the mesh; PERMISSIVE admits it with no identity', () => {
    expect(verdictOf(ask([peerAuthentication('shop', 'default', { mtls: { mode: 'STRICT' } })], 'plain/curl'))).toMatchObject({ verdict: 'deny', enforcedBy: 'ztunnel', mtls: false });
    expect(verdictOf(ask([], 'plain/curl'))).toMatchObject({ verdict: 'allow', mtls: false });
  });
});

describe('what a waypoint enforces (policies whose targetRefs name it, its Service, or the istio-waypoint class)', () => {
  const objects = [...shop({ 'istio.io/use-waypoint': 'wp' }), waypoint('shop', 'wp'), deployment('shop', 'other', { app: 'other' })];
  const allowClient = { rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/client'] } }], to: [{ operation: { methods: ['GET'] } }] }] };
  const ask = (extra: Manifest[], from = 'shop/client', method = 'GET') => Mesh.fromObjects([...objects, ...extra]).request({ from, host: 'reviews', method });
  test.each([
    ['the Service', [{ group: '', kind: 'Service', name: 'reviews' }], 'shop'],
    ['the waypoint Gateway', [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'wp' }], 'shop'],
    ['the istio-waypoint GatewayClass, from the root namespace', [{ group: 'gateway.networking.k8s.io', kind: 'GatewayClass', name: 'istio-waypoint' }], 'istio-system'],
  ])('targetRefs %s: the caller\'s identity and L7 attributes decide', (_what, targetRefs, ns) => {
    const p = authorizationPolicy(ns, 'viewer', { targetRefs, ...allowClient });
    expect(verdictOf(ask([p]))).toMatchObject({ verdict: 'allow', enforcedBy: 'ztunnel' });
    expect(verdictOf(ask([p], 'shop/other'))).toMatchObject({ verdict: 'deny', enforcedBy: 'waypoint', peer: 'cluster.local/ns/shop/sa/other' });
    expect(verdictOf(ask([p], 'shop/client', 'DELETE'))).toMatchObject({ verdict: 'deny', enforcedBy: 'waypoint' });
  });
  test('a namespace-wide policy is ztunnel\'s, not the waypoint\'s; ztunnel sees the waypoint\'s identity', () => {
    const nsWide = authorizationPolicy('shop', 'only-client', allowClient);
    const r = ask([nsWide]);
    expect(verdictOf(r)).toMatchObject({ verdict: 'deny', enforcedBy: 'ztunnel', peer: 'cluster.local/ns/shop/sa/wp' });
    expect(verdictOf(r)?.checks?.map(c => [c.enforcedBy, c.verdict, c.reason])).toStrictEqual([
      ['waypoint', 'allow', 'no AuthorizationPolicy applies'],
      ['ztunnel', 'deny', 'ALLOW policy shop/only-client applies and does not match'],
    ]);
  });
});

describe('ingress through a waypoint (istio.io/ingress-use-waypoint)', () => {
  const gw = gatewayApi('Gateway', 'shop', 'public', { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] });
  const fromGateway = (svcLabels: Record<string, string>, extra: Manifest[] = []) =>
    authorizeFromGateway([...shop(svcLabels), waypoint('shop', 'wp'), split, gw, ...extra], { gateway: 'shop/public', host: 'shop.example.com' }, { service: 'shop/reviews', port: 9080 });
  test('with the label: the waypoint\'s routes apply to the gateway\'s share', () => {
    const r = fromGateway({ 'istio.io/use-waypoint': 'wp', 'istio.io/ingress-use-waypoint': 'true' });
    expect(shares(r)).toStrictEqual([['shop/reviews-v1', 'v1', 90], ['shop/reviews-v2', 'v2', 10]]);
    expect(r.hops).toStrictEqual([{ at: 'waypoint', name: 'shop/wp', decision: 'HTTPRoute shop/reviews rule 0 → reviews-v1 v1 90%, reviews-v2 v2 10%' }]);
  });
  test('without it: the gateway sends to the pods directly, and says the waypoint is skipped', () => {
    const r = fromGateway({ 'istio.io/use-waypoint': 'wp' });
    expect(shares(r)).toStrictEqual([['shop/reviews', 'v1', 50], ['shop/reviews', 'v2', 50]]);
    expect(r.notes).toContain('shop/reviews uses waypoint shop/wp, but not for ingress (no istio.io/ingress-use-waypoint: "true"): the gateway sends to its pods directly');
  });
  test('the waypoint checks the gateway\'s identity', () => {
    const p = authorizationPolicy('shop', 'from-gateway', { targetRefs: [{ group: '', kind: 'Service', name: 'reviews' }], rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/public-istio'] } }] }] });
    const a = verdictOf(fromGateway({ 'istio.io/use-waypoint': 'wp', 'istio.io/ingress-use-waypoint': 'true' }, [p]));
    expect(a?.checks?.map(c => c.enforcedBy)).toStrictEqual(['istio-gateway', 'waypoint', 'ztunnel']);
    expect(a?.checks?.[1]).toMatchObject({ enforcedBy: 'waypoint', verdict: 'allow', peer: 'cluster.local/ns/shop/sa/public-istio', policy: { name: 'from-gateway' } });
  });
});

describe('examples/bookinfo in ambient mode (Bookinfo as Istio\'s ambient reference ships it, zero trust)', () => {
  const app = new MeshApp({ outdir: '/tmp/mesh-kit-ambient-test' });
  buildBookinfoMesh(app, DataPlane.AMBIENT);
  const outside = new MeshChart(app, 'outside', { mesh: MeshProvider.NONE });
  new MeshService(outside, 'curl', { namespace: new MeshNamespace(outside, 'ns', { name: 'outside' }), image: 'x:1', ports: [{ port: 80 }] });
  const mesh = Mesh.fromApp(app);
  test('productpage → reviews: the waypoint splits 90/10 (route-reviews-90-10), its policy lets productpage in, ztunnel lets the waypoint in', () => {
    const r = mesh.request({ from: 'ambient/productpage-v1', host: 'reviews', path: '/reviews/0' });
    expect(r.outcome).toBe('routed');
    expect(shares(r)).toStrictEqual([['ambient/reviews-v1', 'v1', 90], ['ambient/reviews-v2', 'v2', 10]]);
    expect(verdictOf(r)?.checks?.map(c => [c.enforcedBy, c.verdict, c.policy?.name, c.peer])).toStrictEqual([
      ['waypoint', 'allow', 'reviews-viewer', 'cluster.local/ns/ambient/sa/bookinfo-productpage'],
      ['ztunnel', 'allow', 'reviews-from-waypoint', 'cluster.local/ns/ambient/sa/bookinfo-reviews'],
    ]);
  });
  test('a caller outside the allowed principals is refused at the waypoint', () => {
    const r = mesh.request({ from: 'ambient/ratings-v1', host: 'reviews' });
    expect(r.outcome).toBe('denied');
    expect(r.reason).toBe('waypoint refuses it: ALLOW policy ambient/reviews-viewer applies and does not match');
  });
  test('the L7 rule: productpage may GET details, not POST', () => {
    expect(mesh.request({ from: 'ambient/productpage-v1', host: 'details' }).outcome).toBe('routed');
    expect(mesh.request({ from: 'ambient/productpage-v1', host: 'details', method: 'POST' }).outcome).toBe('denied');
  });
  test('a caller outside the mesh goes around the waypoint and is refused by STRICT mutual TLS', () => {
    const r = mesh.request({ from: 'outside/curl', host: 'reviews.ambient' });
    expect(r.outcome).toBe('denied');
    expect(verdictOf(r)).toMatchObject({ enforcedBy: 'ztunnel', policy: { kind: 'PeerAuthentication', name: 'default' } });
  });
  // The example puts its Gateway API ingress in the application's namespace, beside the namespace-wide allow-nothing:
  // Istio applies selector-less policies to a Gateway API gateway's pods too (ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY,
  // on by default: pilot/pkg/model/policyattachment.go), so the gateway itself refuses every request.
  const objects = mesh.world.objects.map(o => o.manifest);
  const ingress = (list: Manifest[]) => authorizeFromGateway(list, { gateway: 'ambient/bookinfo-gateway', path: '/productpage' }, { service: 'ambient/productpage', port: 9080 });
  test('the ingress gateway is refused by the namespace\'s allow-nothing, which selects its pods too', () => {
    const r = ingress(objects);
    expect(r.outcome).toBe('denied');
    expect(r.reason).toBe('istio-gateway refuses it: ALLOW policy ambient/allow-nothing applies and does not match');
  });
  test('without it, the gateway reaches productpage through its waypoint (ingress-use-waypoint), as the gateway\'s identity', () => {
    const r = ingress(objects.filter(o => o.metadata.name !== 'allow-nothing'));
    expect(r.outcome).toBe('routed');
    expect(verdictOf(r)?.checks?.map(c => [c.enforcedBy, c.verdict, c.policy?.name, c.peer])).toStrictEqual([
      ['istio-gateway', 'allow', undefined, undefined],
      ['waypoint', 'allow', 'productpage-allow', 'cluster.local/ns/ambient/sa/bookinfo-gateway-istio'],
      ['ztunnel', 'allow', 'productpage-from-waypoint', 'cluster.local/ns/ambient/sa/productpage-waypoint'],
    ]);
  });
});

describeWithShared('Istio\'s ambient getting-started task (docs-tasks/ambient-getting-started): Bookinfo in default, sleep and notsleep', () => {
  const docs = path.join(SHARED_DIR, 'reference', 'istio', 'docs-tasks');
  const load = (file: string) => (HAS_SHARED ? loadObjects(file) as unknown as Manifest[] : []);
  const platform = [
    ambientNs('default', { 'istio.io/use-waypoint': 'waypoint' }),
    ...load(path.join(SHARED_DIR, 'reference', 'istio', 'bookinfo', 'platform', 'bookinfo.yaml')),
    ...load(path.join(SHARED_DIR, 'reference', 'istio', 'bookinfo', 'platform', 'bookinfo-versions.yaml')),
    ...load(path.join(SHARED_DIR, 'reference', 'istio', 'bookinfo', 'gateway-api', 'bookinfo-gateway.yaml')),
    deployment('default', 'sleep', { app: 'sleep' }), deployment('default', 'notsleep', { app: 'notsleep' }),
  ];
  const gateway = (objects: Manifest[]) => authorizeFromGateway(objects, { gateway: 'default/bookinfo-gateway', path: '/productpage' }, { service: 'default/productpage', port: 9080 });
  test('L4 policy (no waypoint yet): the gateway may reach productpage, sleep may not', () => {
    const objects = [...platform.slice(1), ambientNs('default'), ...load(path.join(docs, 'ambient-getting-started', 'snip_deploy_l4_policy.yaml'))];
    expect(gateway(objects).outcome).toBe('routed');
    expect(Mesh.fromObjects(objects).request({ from: 'default/sleep', host: 'productpage', port: 9080 }).outcome).toBe('denied');
  });
  const l7 = () => Mesh.fromObjects([...platform, ...load(path.join(docs, 'ambient-waypoint', 'snip_deploy_a_waypoint_proxy_4.yaml')),
    ...load(path.join(docs, 'ambient-getting-started', 'snip_deploy_l7_policy.yaml')), ...load(path.join(docs, 'ambient-getting-started', 'snip_deploy_httproute.yaml'))]);
  test('L7 policy at the namespace\'s waypoint: sleep may GET, not DELETE; notsleep may not', () => {
    const mesh = l7();
    expect(mesh.request({ from: 'default/sleep', host: 'productpage', path: '/productpage' }).outcome).toBe('routed');
    expect(mesh.request({ from: 'default/sleep', host: 'productpage', method: 'DELETE' })).toMatchObject({ outcome: 'denied', status: 403 });
    expect(mesh.request({ from: 'default/notsleep', host: 'productpage' }).outcome).toBe('denied');
  });
  test('the HTTPRoute on reviews splits 90/10 at the waypoint', () => {
    expect(shares(l7().request({ from: 'default/productpage-v1', host: 'reviews' }))).toStrictEqual([['default/reviews-v1', 'v1', 90], ['default/reviews-v2', 'v2', 10]]);
  });
});
