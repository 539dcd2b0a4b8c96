import { AnalyzedObject, FindingLevel, analyze } from '../../lib';
import { ShapeFixture } from './finding-shapes/fixture';
import { FIXTURES as SHAPES } from './finding-shapes/kiali-traffic';
import { AnalyzeOptions } from '../../lib/analysis';
import { objectsOfYaml } from '../../lib/analysis/load';
import { Manifest } from '../../lib/render/model';

/*
 * Kiali's validations of the traffic kinds (lib/analysis/analyzers/kiali-traffic.ts, read from kiali/kiali
 * business/checkers): for each code, the case it fails on and the case it stays quiet on, with the exact messages;
 * then istiod's meaning where istioctl's analyzer is wrong (a wildcard DestinationRule host, a ServiceEntry subset,
 * a gateway named name.namespace).
 */

type M = Partial<Manifest> & { kind: string; metadata: Manifest['metadata'] };
const objs = (...manifests: M[]): AnalyzedObject[] =>
  manifests.map(m => ({ manifest: { apiVersion: m.apiVersion ?? api(m.kind), ...m } as Manifest, file: 'f', mesh: 'istio' }));
function api(kind: string): string {
  if (['VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry', 'Sidecar'].includes(kind)) return 'networking.istio.io/v1';
  if (kind === 'Deployment') return 'apps/v1';
  return 'v1';
}
const found = (objects: AnalyzedObject[], code: string, options: AnalyzeOptions = {}) =>
  analyze(objects, options).findings.filter(f => f.code === code).map(f => f.message);
const levels = (objects: AnalyzedObject[], code: string) => analyze(objects).findings.filter(f => f.code === code).map(f => f.level);
const codesOf = (objects: AnalyzedObject[], options: AnalyzeOptions = {}) => analyze(objects, options).findings.map(f => `${f.code} ${f.object}`);

type Port = { name?: string; port: number; targetPort?: number | string; appProtocol?: string; protocol?: string };
const ns = (name: string): M => ({ kind: 'Namespace', metadata: { name, labels: { 'istio-injection': 'enabled' } } });
const svc = (name: string, ports: Port[], namespace = 'default', selector: { [k: string]: string } = { app: name }, labels?: { [k: string]: string }): M =>
  ({ kind: 'Service', metadata: { name, namespace, labels }, spec: { selector, ports } });
const deploy = (name: string, labels: { [k: string]: string }, namespace = 'default', ports?: Array<{ containerPort: number; name?: string }>): M => ({
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'x:1', ...(ports ? { ports } : {}) }] } } },
});
const vs = (name: string, spec: object, namespace = 'default'): M => ({ kind: 'VirtualService', metadata: { name, namespace }, spec });
const dr = (name: string, spec: object, namespace = 'default'): M => ({ kind: 'DestinationRule', metadata: { name, namespace }, spec });
const gw = (name: string, spec: object, namespace = 'istio-system'): M => ({ kind: 'Gateway', metadata: { name, namespace }, spec });
const se = (name: string, spec: object, namespace = 'default'): M => ({ kind: 'ServiceEntry', metadata: { name, namespace }, spec });
const sidecar = (name: string, spec: object, namespace = 'default'): M => ({ kind: 'Sidecar', metadata: { name, namespace }, spec });

const reviews = [ns('default'), svc('reviews', [{ name: 'http', port: 9080 }]),
  deploy('reviews-v1', { app: 'reviews', version: 'v1' }), deploy('reviews-v2', { app: 'reviews', version: 'v2' })];
const server = (hosts: string[], port = 80, name = 'http', protocol = 'HTTP') => ({ port: { number: port, name, protocol }, hosts });
const ingress = [ns('istio-system'), { kind: 'Pod', metadata: { name: 'ingress', namespace: 'istio-system', labels: { istio: 'ingressgateway' } }, spec: { containers: [{ name: 'istio-proxy' }] } } as M,
  svc('ingress', [{ name: 'http2', port: 80 }], 'istio-system', { istio: 'ingressgateway' }, { istio: 'ingressgateway' })];
const C = 'kiali/kiali business/checkers';

describe('DestinationRules', () => {
  test('KIA0201: fails if two DestinationRules share a host and subset, or one has no subsets; quiet for other subsets, other exportTo scopes, other workload selectors, mesh-wide mTLS', () => {
    const a = dr('a', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] });
    const b = dr('b', { host: 'reviews.default.svc.cluster.local', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] });
    const fix = `(Kiali KIA0201, ${C}/destinationrules/multi_match_checker.go): istiod merges them, keeping the first one's traffic policy and the first subset of a name `
      + '(istio/istio pilot/pkg/model/destination_rule.go); keep one DestinationRule per host';
    expect(found(objs(...reviews, a, b), 'KIA0201')).toStrictEqual([
      `[KIA0201] DestinationRule 'a' and 'default/b' apply to the same host 'reviews' subset 'v1' ${fix}`,
      `[KIA0201] DestinationRule 'b' and 'default/a' apply to the same host 'reviews' subset 'v1' ${fix}`,
    ]);
    expect(found(objs(...reviews, a, dr('c', { host: 'reviews', trafficPolicy: { connectionPool: { tcp: { maxConnections: 1 } } } })), 'KIA0201')).toStrictEqual([
      `[KIA0201] DestinationRule 'a' and 'default/c' apply to the same host 'reviews' ${fix}`,
      `[KIA0201] DestinationRule 'c' and 'default/a' apply to the same host 'reviews' ${fix}`,
    ]);
    expect(levels(objs(...reviews, a, b), 'KIA0201')).toStrictEqual([FindingLevel.WARNING, FindingLevel.WARNING]);
    const quiet = [
      dr('v2', { host: 'reviews', subsets: [{ name: 'v2', labels: { version: 'v2' } }] }),
      dr('here', { host: 'reviews', exportTo: ['.'] }, 'other'),
      dr('gw', { host: 'reviews', workloadSelector: { matchLabels: { istio: 'ingressgateway' } } }, 'istio-system'),
      dr('mesh-mtls', { host: '*.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } }, 'istio-system'),
    ];
    expect(found(objs(...reviews, ns('other'), a, ...quiet), 'KIA0201')).toStrictEqual([]);
  });

  test('KIA0209: fails (Warning) if a subset has no labels; at Info beside a subset whose labels pick a workload; quiet with labels or an unknown host', () => {
    const message = (rule: string, subset: string, i: number) => `[KIA0209] DestinationRule '${rule}' subset '${subset}' (subsets[${i}]) has no labels `
      + `(Kiali KIA0209, ${C}/destinationrules/no_dest_checker.go): it takes every endpoint of host 'reviews'; give it the labels of the version it stands for`;
    const bare = objs(...reviews, dr('bare', { host: 'reviews', subsets: [{ name: 'all' }] }));
    expect(found(bare, 'KIA0209')).toStrictEqual([message('bare', 'all', 0)]);
    expect(levels(bare, 'KIA0209')).toStrictEqual([FindingLevel.WARNING]);
    const beside = objs(...reviews, dr('mixed', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'all', labels: {} }] }));
    expect(found(beside, 'KIA0209')).toStrictEqual([message('mixed', 'all', 1)]);
    expect(levels(beside, 'KIA0209')).toStrictEqual([FindingLevel.INFO]);
    expect(found(objs(...reviews, dr('ok', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] }), dr('ghost', { host: 'ghost', subsets: [{ name: 'x' }] })), 'KIA0209'))
      .toStrictEqual([]);
  });
});

describe('DestinationRules and mesh-wide mTLS', () => {
  const meshMtls = dr('default', { host: '*.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } }, 'istio-system');
  const nsMtls = dr('ns', { host: '*.default.svc.cluster.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
  test('KIA0204: fails if a DestinationRule without TLS settings overrides a mesh-wide or namespace-wide ISTIO_MUTUAL one; quiet with TLS settings or without such a rule', () => {
    const plain = dr('reviews', { host: 'reviews', trafficPolicy: { connectionPool: { tcp: { maxConnections: 10 } } } });
    const m = (others: string) => `[KIA0204] DestinationRule 'reviews' for host 'reviews' writes no TLS settings, and overrides ${others}, which sends ISTIO_MUTUAL `
      + `(Kiali KIA0204, ${C}/destinationrules/traffic_policy_checker.go): istiod applies the most specific host's rule only (istio/istio pilot/pkg/model/push_context.go destinationRule); `
      + 'give it trafficPolicy.tls.mode ISTIO_MUTUAL';
    expect(found(objs(...reviews, ns('istio-system'), meshMtls, plain), 'KIA0204')).toStrictEqual([m('\'istio-system/default\'')]);
    expect(found(objs(...reviews, ns('istio-system'), meshMtls, nsMtls, plain), 'KIA0204')).toStrictEqual([m('\'istio-system/default\' and \'default/ns\'')]);
    expect(levels(objs(...reviews, ns('istio-system'), meshMtls, plain), 'KIA0204')).toStrictEqual([FindingLevel.WARNING]);
    const withTls = dr('reviews', { host: 'reviews', trafficPolicy: { portLevelSettings: [{ port: { number: 9080 }, tls: { mode: 'ISTIO_MUTUAL' } }] } });
    expect(found(objs(...reviews, ns('istio-system'), meshMtls, withTls), 'KIA0204')).toStrictEqual([]);
    expect(found(objs(...reviews, plain), 'KIA0204')).toStrictEqual([]);
  });
});

describe('VirtualServices', () => {
  test('KIA1108: fails (Info) for a gateway named name.namespace or its FQDN, in spec.gateways and in a match; quiet for namespace/name and mesh', () => {
    const legacy = vs('legacy', {
      hosts: ['reviews.example.com'],
      gateways: ['ingress.istio-system'],
      http: [{ match: [{ gateways: ['ingress.istio-system.svc.cluster.local'] }], route: [{ destination: { host: 'reviews' } }] }],
    });
    const objects = objs(...reviews, ...ingress, gw('ingress', { selector: { istio: 'ingressgateway' }, servers: [server(['*'])] }), legacy);
    const tail = `(Kiali KIA1108, ${C}/virtualservices/no_gateway_checker.go): istiod still binds it (istio/istio pilot/pkg/model/config.go resolveGatewayName); write 'istio-system/ingress'`;
    expect(found(objects, 'KIA1108')).toStrictEqual([
      `[KIA1108] VirtualService 'legacy' names gateway 'ingress.istio-system' (gateways[0]) in the legacy name.namespace form ${tail}`,
      `[KIA1108] VirtualService 'legacy' names gateway 'ingress.istio-system.svc.cluster.local' (http[0].match[0].gateways[0]) in the legacy name.namespace form ${tail}`,
    ]);
    expect(levels(objects, 'KIA1108')).toStrictEqual([FindingLevel.INFO, FindingLevel.INFO]);
    const modern = vs('modern', { hosts: ['reviews.example.com'], gateways: ['istio-system/ingress', 'mesh'], http: [{ route: [{ destination: { host: 'reviews' } }] }] });
    expect(found(objs(...reviews, ...ingress, gw('ingress', { selector: { istio: 'ingressgateway' }, servers: [server(['*'])] }), modern), 'KIA1108')).toStrictEqual([]);
  });

  test('KIA1106: fails if two VirtualServices define one host on one gateway (short and full names alike); quiet on other gateways or exportTo scopes; the mesh\'s are IST0109', () => {
    const a = vs('a', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] });
    const b = vs('b', { hosts: ['reviews.default.svc.cluster.local'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v2' } }] }] });
    const subsets = dr('reviews', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] });
    const fix = `(Kiali KIA1106, ${C}/virtualservices/single_host_checker.go): which rules apply depends on how istiod merges them; keep one VirtualService per host and gateway`;
    // bound to the mesh, the same mistake is Istio's IST0109 (at Error), reported once
    expect(codesOf(objs(...reviews, subsets, a, b)).filter(c => /KIA1106|IST0109/.test(c))).toStrictEqual(['IST0109 VirtualService default/a', 'IST0109 VirtualService default/b']);
    // at a gateway, where IST0109 (mesh-bound only) says nothing
    const g = gw('ingress', { selector: { istio: 'ingressgateway' }, servers: [server(['*'])] });
    const at = (n: string, gws: string[]) => vs(n, { hosts: ['shop.example.com'], gateways: gws, http: [{ route: [{ destination: { host: 'reviews' } }] }] });
    const objects = objs(...reviews, ...ingress, g, at('x', ['istio-system/ingress']), at('y', ['istio-system/ingress']));
    expect(found(objects, 'KIA1106')).toStrictEqual([
      `[KIA1106] VirtualService 'x' and 'default/y' define host 'shop.example.com' on gateway 'istio-system/ingress' ${fix}`,
      `[KIA1106] VirtualService 'y' and 'default/x' define host 'shop.example.com' on gateway 'istio-system/ingress' ${fix}`,
    ]);
    expect(found(objects, 'IST0109')).toStrictEqual([]);
    const g2 = gw('other', { selector: { istio: 'ingressgateway' }, servers: [server(['*'], 8080)] });
    const hidden = vs('hidden', { hosts: ['reviews'], exportTo: ['.'], http: [{ route: [{ destination: { host: 'reviews.default.svc.cluster.local' } }] }] }, 'other');
    expect(found(objs(...reviews, ns('other'), ...ingress, g, g2, subsets, a, hidden, at('x', ['istio-system/ingress']), at('y', ['istio-system/other'])), 'KIA1106')).toStrictEqual([]);
  });
});

describe('Gateways', () => {
  test('KIA0301: fails for a host served twice on one port of one workload, in one Gateway or across two (a `*` covers all); quiet on other ports or workloads', () => {
    const fix = `on the same port of the same workload (Kiali KIA0301, ${C}/gateways/multi_match_checker.go): the gateway takes one server's settings for it; serve each host once per port`;
    const twice = gw('twice', { selector: { istio: 'ingressgateway' }, servers: [server(['shop.example.com']), server(['shop.example.com'], 80, 'http-2')] });
    expect(found(objs(...ingress, twice), 'KIA0301')).toStrictEqual([
      `[KIA0301] Gateway 'twice': host 'shop.example.com' (servers[0]) is also served by servers[1]; host 'shop.example.com' (servers[1]) is also served by servers[0], ${fix}`,
    ]);
    const a = gw('a', { selector: { istio: 'ingressgateway' }, servers: [server(['*'])] });
    const b = gw('b', { selector: { istio: 'ingressgateway' }, servers: [server(['shop.example.com'])] });
    expect(found(objs(...ingress, a, b), 'KIA0301')).toStrictEqual([
      `[KIA0301] Gateway 'a': host '*' (servers[0]) is also served by 'istio-system/b' servers[0], ${fix}`,
      `[KIA0301] Gateway 'b': host 'shop.example.com' (servers[0]) is also served by 'istio-system/a' servers[0], ${fix}`,
    ]);
    const c = gw('c', { selector: { istio: 'ingressgateway' }, servers: [server(['shop.example.com'], 8080)] });
    const d = gw('d', { selector: { istio: 'egressgateway' }, servers: [server(['shop.example.com'])] });
    const e = gw('e', { selector: { istio: 'ingressgateway' }, servers: [server(['*.example.com']), server(['*.shop.example.com'])] });
    expect(found(objs(...ingress, b, c, d, e), 'KIA0301')).toStrictEqual([
      // a `*.x` wildcard covers a host under it (Kiali's regexp match), two wildcards are never compared
      `[KIA0301] Gateway 'b': host 'shop.example.com' (servers[0]) is also served by 'istio-system/e' servers[0], ${fix}`,
      `[KIA0301] Gateway 'e': host '*.example.com' (servers[0]) is also served by 'istio-system/b' servers[0], ${fix}`,
    ]);
    expect(found(objs(...ingress, b, c, d), 'KIA0301')).toStrictEqual([]);
  });
});

describe('ports', () => {
  test('KIA0601: fails (Error) for a mesh Service port without a protocol prefix or appProtocol, a Gateway or ServiceEntry port not named for its protocol; quiet otherwise', () => {
    const objects = objs(ns('default'), svc('ratings', [{ name: 'web', port: 80 }, { name: 'http-web', port: 81 }, { name: 'grpc', port: 82 }, { name: 'metrics', port: 83, appProtocol: 'http' },
      { name: 'dns', port: 53, protocol: 'UDP' }]), deploy('ratings', { app: 'ratings' }),
    ...ingress, gw('g', { selector: { istio: 'ingressgateway' }, servers: [server(['*'], 443, 'secure', 'HTTPS'), server(['*'], 80, 'http-80', 'HTTP'), server(['*'], 31400, 'db', 'TCP')] }),
    se('api', { hosts: ['api.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'HTTPS' }, { number: 80, name: 'http', protocol: 'HTTP' }], resolution: 'DNS' }));
    expect(found(objects, 'KIA0601')).toStrictEqual([
      `[KIA0601] Service 'ratings' port 'web' (ports[0], 80) does not follow <protocol>[-suffix] and gives no appProtocol (Kiali KIA0601, ${C}/services/port_mapping_checker.go): `
      + 'Istio has to sniff its protocol (HTTP/1.1 and HTTP/2 only: a server-first protocol waits out the detection timeout); name it \'http-web\', \'grpc-web\', \'tcp-web\'... or set appProtocol',
      `[KIA0601] Gateway 'g' servers[0] port 'secure' does not begin with its protocol HTTPS (Kiali KIA0601, ${C}/gateways/port_checker.go); name it 'https' or 'https-<suffix>'`,
      `[KIA0601] ServiceEntry 'api' port 'tls' (ports[0]) does not begin with its protocol HTTPS (Kiali KIA0601, ${C}/serviceentries/port_checker.go); name it 'https' or 'https-<suffix>'`,
    ]);
    expect(levels(objects, 'KIA0601')).toStrictEqual([FindingLevel.ERROR, FindingLevel.ERROR, FindingLevel.ERROR]);
    // out of the mesh (no injection), and a gateway's own Service: not checked
    const outside = objs({ kind: 'Namespace', metadata: { name: 'plain' } }, svc('ratings', [{ name: 'web', port: 80 }], 'plain'), deploy('ratings', { app: 'ratings' }, 'plain'),
      ...ingress, svc('ingress-status', [{ name: 'status-port', port: 15021 }], 'istio-system', { istio: 'ingressgateway' }, { istio: 'ingressgateway' }));
    expect(found(outside, 'KIA0601')).toStrictEqual([]);
    // pods injected with Istio's gateway template are gateways (Kiali's IsGateway), whatever their labels
    const gatewayPod: M = {
      kind: 'Pod',
      metadata: { name: 'edge', namespace: 'default', labels: { gateway: 'edge' }, annotations: { 'inject.istio.io/templates': 'gateway' } },
      spec: { containers: [{ name: 'istio-proxy' }] },
    };
    expect(found(objs(ns('default'), gatewayPod, svc('edge', [{ name: 'status-port', port: 15021 }], 'default', { gateway: 'edge' })), 'KIA0601')).toStrictEqual([]);
  });

  test('KIA0602: fails (Error) for a mesh Service port whose appProtocol Istio does not recognize; quiet for http, kubernetes.io/h2c and UDP', () => {
    const objects = objs(ns('default'), svc('ratings', [{ name: 'a', port: 80, appProtocol: 'web' }, { name: 'b', port: 81, appProtocol: 'HTTP' },
      { name: 'c', port: 82, appProtocol: 'kubernetes.io/h2c' }, { name: 'd', port: 53, protocol: 'UDP', appProtocol: 'dns' }]), deploy('ratings', { app: 'ratings' }));
    expect(found(objects, 'KIA0602')).toStrictEqual([
      '[KIA0602] Service \'ratings\' port \'a\' (ports[0]) has appProtocol \'web\', which is not one of grpc, grpc-web, http, http2, https, mongo, redis, tcp, tls, udp, mysql, '
      + `kubernetes.io/h2c, kubernetes.io/ws, kubernetes.io/wss (Kiali KIA0602, ${C}/services/port_mapping_checker.go): Istio does not read it as a protocol; write the protocol the port speaks, as one of those names (http, grpc, tcp...)`,
    ]);
    expect(levels(objects, 'KIA0602')).toStrictEqual([FindingLevel.ERROR]);
  });

  test('KIA0701: fails if a Service port targets a port (or a port name) the Deployment\'s containers do not declare; quiet when declared, or when no port is declared at all', () => {
    const message = (target: string, fix: string) => `[KIA0701] Service 'ratings' port 80 (ports[0]) targets ${target}, which no container of Deployment 'ratings' declares `
      + `(Kiali KIA0701, ${C}/services/port_mapping_checker.go); ${fix} in Deployment 'ratings', or fix the targetPort`;
    expect(found(objs(ns('default'), svc('ratings', [{ name: 'http', port: 80, targetPort: 8080 }]), deploy('ratings', { app: 'ratings' }, 'default', [{ containerPort: 9080 }])), 'KIA0701'))
      .toStrictEqual([message('port 8080', 'declare containerPort 8080')]);
    expect(found(objs(ns('default'), svc('ratings', [{ name: 'http', port: 80, targetPort: 'web' }]), deploy('ratings', { app: 'ratings' })), 'KIA0701'))
      .toStrictEqual([message('port \'web\'', 'name a container port \'web\'')]);
    expect(levels(objs(ns('default'), svc('ratings', [{ name: 'http', port: 80, targetPort: 'web' }]), deploy('ratings', { app: 'ratings' })), 'KIA0701')).toStrictEqual([FindingLevel.WARNING]);
    expect(found(objs(ns('default'), svc('ratings', [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'http-b', port: 81, targetPort: 'web' }]),
      deploy('ratings', { app: 'ratings' }, 'default', [{ containerPort: 8080 }, { containerPort: 9000, name: 'web' }])), 'KIA0701')).toStrictEqual([]);
    expect(found(objs(ns('default'), svc('ratings', [{ name: 'http', port: 80, targetPort: 8080 }]), deploy('ratings', { app: 'ratings' })), 'KIA0701')).toStrictEqual([]);
  });
});

describe('ServiceEntries', () => {
  const entry = (name: string, protocol = 'HTTP', extra: object = {}, namespace = 'default') =>
    se(name, { hosts: ['api.example.com'], ports: [{ number: 80, name: 'http', protocol }], resolution: 'DNS', ...extra }, namespace);
  test('KIA1211: fails if two ServiceEntries declare one host and port with one protocol; quiet for other ports, other protocols (IST0177), other exportTo scopes', () => {
    expect(found(objs(entry('a'), entry('b')), 'KIA1211')).toStrictEqual([
      `[KIA1211] ServiceEntry 'a' and 'default/b' declare 'api.example.com' port 80 (Kiali KIA1211, ${C}/serviceentries/multi_match_checker.go): istiod keeps one of them for the host and port; declare each host and port once`,
      `[KIA1211] ServiceEntry 'b' and 'default/a' declare 'api.example.com' port 80 (Kiali KIA1211, ${C}/serviceentries/multi_match_checker.go): istiod keeps one of them for the host and port; declare each host and port once`,
    ]);
    // different protocols: Kiali's KIA1212, reported as Istio's IST0177
    const conflict = objs(entry('a'), entry('b', 'TCP'));
    expect(codesOf(conflict).filter(c => /KIA1211|IST0177/.test(c))).toStrictEqual(['IST0177 ServiceEntry default/a', 'IST0177 ServiceEntry default/b']);
    const other = se('c', { hosts: ['api.example.com'], ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }], resolution: 'DNS' });
    expect(codesOf(objs(ns('x'), ns('y'), entry('a'), other, entry('x', 'HTTP', { exportTo: ['.'] }, 'x'), entry('y', 'TCP', { exportTo: ['.'] }, 'y')))
      .filter(c => /KIA1211|IST0177/.test(c))).toStrictEqual([
      // 'a' (exported everywhere) meets both namespace-local ones; those two never meet
      'IST0177 ServiceEntry default/a', 'IST0177 ServiceEntry y/y', 'KIA1211 ServiceEntry default/a', 'KIA1211 ServiceEntry x/x',
    ]);
  });
});

describe('exportTo and Sidecars', () => {
  test('KIA0005: fails (Error) for an exportTo naming a namespace that does not exist; quiet for `.`, `*`, known namespaces and in a partial world', () => {
    const objects = objs(...reviews, vs('r', { hosts: ['reviews'], exportTo: ['.', 'ghost', 'default', '*'], http: [{ route: [{ destination: { host: 'reviews' } }] }] }),
      dr('d', { host: 'reviews', exportTo: ['istio-system', 'nowhere'] }), se('s', { hosts: ['api.example.com'], exportTo: ['gone'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }] }));
    const m = (kind: string, n: string, target: string, i: number) => `[KIA0005] ${kind} '${n}' exports to namespace '${target}' (exportTo[${i}]), which does not exist `
      + `(Kiali KIA0005, ${C}/common/export_to_namespace_checker.go); fix the name, or create namespace '${target}'`;
    expect(found(objects, 'KIA0005')).toStrictEqual([m('VirtualService', 'r', 'ghost', 1), m('DestinationRule', 'd', 'nowhere', 1), m('ServiceEntry', 's', 'gone', 0)]);
    expect(levels(objects, 'KIA0005')).toStrictEqual([FindingLevel.ERROR, FindingLevel.ERROR, FindingLevel.ERROR]);
    expect(found(objects, 'KIA0005', { world: 'partial' })).toStrictEqual([]);
    expect(found(objs(...reviews, ns('shop'), dr('d', { host: 'reviews', exportTo: ['shop', '.'] })), 'KIA0005')).toStrictEqual([]);
  });

  test('KIA1004: fails (Warning) for a Sidecar egress host no Service or ServiceEntry visible to its namespace declares; at Info when one of another namespace does; quiet for `ns/*`, `~/`, hosts declared there', () => {
    const apiEntry = se('api', { hosts: ['api.example.com'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }] }, 'ext');
    const hidden = se('hidden', { hosts: ['hidden.example.com'], exportTo: ['.'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }] }, 'ext');
    const bad = sidecar('s', {
      egress: [{
        hosts: ['./ghost.default.svc.cluster.local', 'istio-system/*', './reviews.default.svc.cluster.local', '*/api.example.com',
          'ext/*.example.com', '~/*', 'istio-system/reviews.default.svc.cluster.local', 'ext/hidden.example.com'],
      }],
    });
    const fix = `(Kiali KIA1004, ${C}/sidecars/egress_listener_checker.go): the proxy gets no configuration for it`;
    const objects = objs(...reviews, ns('ext'), apiEntry, hidden, bad);
    expect(found(objects, 'KIA1004')).toStrictEqual([
      `[KIA1004] Sidecar 's' egress[0] host './ghost.default.svc.cluster.local' (hosts[0]) names no Service or ServiceEntry visible to namespace 'default' ${fix}; `
      + 'fix the host, or declare it with a ServiceEntry',
      `[KIA1004] Sidecar 's' egress[0] host 'ext/hidden.example.com' (hosts[7]) names no Service or ServiceEntry visible to namespace 'default' ${fix}; `
      + 'fix the host, or declare it with a ServiceEntry',
      // istiod imports a host from the namespace the egress host names only
      `[KIA1004] Sidecar 's' egress[0] host 'istio-system/reviews.default.svc.cluster.local' (hosts[6]): namespace 'istio-system' does not declare it, 'default' does ${fix}, `
      + 'as istiod imports a host from the namespace named only (istio/istio pilot/pkg/model/sidecar.go selectServices; Kiali, which looks the whole registry up, reports nothing); '
      + 'write \'default/reviews.default.svc.cluster.local\' or \'*/reviews.default.svc.cluster.local\'',
    ]);
    expect(levels(objects, 'KIA1004')).toStrictEqual([FindingLevel.WARNING, FindingLevel.WARNING, FindingLevel.INFO]);
    // a Service exported elsewhere (networking.istio.io/exportTo) is not visible
    const exported: M = { kind: 'Service', metadata: { name: 'boggus', namespace: 'default', annotations: { 'networking.istio.io/exportTo': 'ext' } }, spec: { ports: [{ name: 'http', port: 80 }] } };
    expect(levels(objs(ns('default'), ns('ext'), exported, sidecar('s', { egress: [{ hosts: ['default/boggus.default.svc.cluster.local'] }] })), 'KIA1004'))
      .toStrictEqual([FindingLevel.WARNING]);
  });

  test('KIA1006: fails for a root-namespace Sidecar with a workloadSelector; quiet without one, or in another namespace', () => {
    const selected = sidecar('default', { workloadSelector: { labels: { app: 'reviews' } }, egress: [{ hosts: ['*/*'] }] }, 'istio-system');
    expect(found(objs(ns('istio-system'), selected), 'KIA1006')).toStrictEqual([
      `[KIA1006] Sidecar 'default' in the root namespace 'istio-system' has a workloadSelector (Kiali KIA1006, ${C}/sidecars/global_checker.go): `
      + 'the mesh-wide default Sidecar should select no workload; drop the selector, or move the Sidecar to the workloads\' namespace',
    ]);
    expect(found(objs(ns('istio-system'), sidecar('default', { egress: [{ hosts: ['*/*'] }] }, 'istio-system'),
      sidecar('r', { workloadSelector: { labels: { app: 'reviews' } }, egress: [{ hosts: ['*/*'] }] })), 'KIA1006')).toStrictEqual([]);
  });
});

describe('Sidecar modes and WorkloadGroups', () => {
  test('KIA1007: fails (Info) for an outboundTrafficPolicy without a mode; quiet with one', () => {
    const objects = objs(ns('default'), sidecar('s', { outboundTrafficPolicy: {}, egress: [{ hosts: ['*/*'] }] }));
    expect(found(objects, 'KIA1007')).toStrictEqual([
      `[KIA1007] Sidecar 's' has an outboundTrafficPolicy without a mode (Kiali KIA1007, ${C}/sidecars/outbound_traffic_policy_mode.go): `
      + 'istiod takes the mesh\'s mode only when the Sidecar has no outboundTrafficPolicy (istio/istio pilot/pkg/model/sidecar.go), so this one is REGISTRY_ONLY, the mode\'s zero value; write the mode: ALLOW_ANY or REGISTRY_ONLY',
    ]);
    expect(levels(objects, 'KIA1007')).toStrictEqual([FindingLevel.INFO]);
    expect(found(objs(ns('default'), sidecar('s', { outboundTrafficPolicy: { mode: 'ALLOW_ANY' } }), sidecar('t', { egress: [{ hosts: ['*/*'] }] })), 'KIA1007')).toStrictEqual([]);
  });

  const wg = (name: string, labels: { [k: string]: string }, serviceAccount?: string): M =>
    ({ kind: 'WorkloadGroup', apiVersion: 'networking.istio.io/v1', metadata: { name, namespace: 'vm' }, spec: { metadata: { labels }, template: { serviceAccount } } });
  const sa: M = { kind: 'ServiceAccount', metadata: { name: 'legacy', namespace: 'vm' } };
  test('KIA1701: fails if a WorkloadGroup template names a ServiceAccount its namespace lacks; quiet when it exists, and in a partial world for a namespace the app does not create', () => {
    const objects = objs(ns('vm'), sa, wg('a', { app: 'a' }, 'ghost'), wg('b', { app: 'b' }, 'legacy'), wg('c', { app: 'c' }));
    expect(found(objects, 'KIA1701')).toStrictEqual([
      `[KIA1701] WorkloadGroup 'a' template names ServiceAccount 'ghost', which namespace 'vm' does not have (Kiali KIA1701, ${C}/workloadgroups/service_accounts_checker.go): `
      + 'its workloads cannot get that identity; create ServiceAccount \'ghost\' in namespace \'vm\', or fix the name',
    ]);
    expect(levels(objects, 'KIA1701')).toStrictEqual([FindingLevel.WARNING]);
    expect(found(objs(wg('a', { app: 'a' }, 'ghost')), 'KIA1701', { world: 'partial' })).toStrictEqual([]);
  });

  test('KIA1702: fails if two WorkloadGroups of a namespace give the same labels; quiet for different labels', () => {
    const fix = `(Kiali KIA1702, ${C}/workloadgroups/duplicate_labels_checker.go): Services and policies cannot tell their workloads apart; give each group its own labels`;
    expect(found(objs(ns('vm'), wg('a', { app: 'legacy', v: '1' }), wg('b', { v: '1', app: 'legacy' }), wg('c', { app: 'other' })), 'KIA1702')).toStrictEqual([
      `[KIA1702] WorkloadGroup 'a' and 'vm/b' give their workloads the same labels 'app=legacy,v=1' ${fix}`,
      `[KIA1702] WorkloadGroup 'b' and 'vm/a' give their workloads the same labels 'app=legacy,v=1' ${fix}`,
    ]);
    expect(found(objs(ns('vm'), wg('a', { app: 'legacy' }), wg('c', { app: 'other' })), 'KIA1702')).toStrictEqual([]);
  });
});

describe('istiod\'s meaning where istioctl\'s analyzer is wrong', () => {
  test('a DestinationRule for `*.local` or `*.ns.svc.cluster.local` applies to the Services it covers: no IST0174, its subsets resolve routes (no IST0101); a wildcard covering nothing is still IST0174', () => {
    const meshWide = dr('mesh', { host: '*.local', subsets: [{ name: 'v1', labels: { version: 'v1' } }] }, 'istio-system');
    const nsWide = dr('ns', { host: '*.default.svc.cluster.local', subsets: [{ name: 'v2', labels: { version: 'v2' } }] });
    const routes = vs('r', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 50 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 50 }] }] });
    // the most specific host applies (istiod's MostSpecificHostMatch): `*.default.svc.cluster.local` has v2, not v1
    expect(codesOf(objs(...reviews, ns('istio-system'), meshWide, nsWide, routes)).filter(c => /IST01(01|74)/.test(c))).toStrictEqual(['IST0101 VirtualService default/r']);
    expect(found(objs(...reviews, ns('istio-system'), meshWide, routes), 'IST0101')).toStrictEqual([
      '[IST0101] VirtualService \'r\' routes to subset \'v2\' of host \'reviews\' (http[0].route[1]), which no DestinationRule visible from namespace \'default\' defines; '
        + 'add subset \'v2\' to DestinationRule \'istio-system/mesh\', or route to one of its subsets \'v1\'',
    ]);
    expect(codesOf(objs(...reviews, ns('istio-system'), meshWide, dr('ns', { host: '*.default.svc.cluster.local', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] }), routes))
      .filter(c => /IST01(01|74)/.test(c))).toStrictEqual([]);
    expect(found(objs(...reviews, dr('far', { host: '*.elsewhere.svc.cluster.local' })), 'IST0174')).toStrictEqual([
      '[IST0174] DestinationRule \'far\' is for host \'*.elsewhere.svc.cluster.local\', which no Service or ServiceEntry visible from namespace \'default\' declares; '
      + 'point spec.host at a Service or ServiceEntry host visible from namespace \'default\', or declare \'*.elsewhere.svc.cluster.local\' with a ServiceEntry',
    ]);
  });

  test('a subset of a ServiceEntry\'s endpoints takes the endpoints its labels match: no IST0173; a subset matching no endpoint still is one', () => {
    const entry = se('vms', {
      hosts: ['vms.example.com'],
      ports: [{ number: 80, name: 'http', protocol: 'HTTP' }],
      resolution: 'STATIC',
      endpoints: [{ address: '10.0.0.1', labels: { version: 'v1' } }, { address: '10.0.0.2', labels: { version: 'v2' } }],
    });
    const rule = dr('vms', { host: 'vms.example.com', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v3', labels: { version: 'v3' } }] });
    expect(found(objs(ns('default'), entry, rule), 'IST0173')).toStrictEqual([
      '[IST0173] DestinationRule \'vms\' subset \'v3\' ({"version":"v3"}) selects no pod: no traffic sent to it can be served; '
      + 'give the pods of host \'vms.example.com\' the labels version=v3, or change the labels of subset \'v3\' to those of pods that serve it',
    ]);
  });

  test('a Service\'s subset takes the pods the Service selects in its own namespace: IST0173 when only pods elsewhere carry its labels (istioctl\'s analyzer looks in every namespace)', () => {
    const objects = objs(ns('default'), ns('other'), svc('reviews', [{ name: 'http', port: 9080 }]), deploy('reviews-v1', { app: 'reviews', version: 'v1' }),
      deploy('reviews-v2', { app: 'reviews', version: 'v2' }, 'other'),
      dr('reviews', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] }));
    expect(found(objects, 'IST0173')).toStrictEqual([
      '[IST0173] DestinationRule \'reviews\' subset \'v2\' ({"version":"v2"}) selects no pod: no traffic sent to it can be served; '
      + 'give the pods of host \'reviews\' the labels version=v2, or change the labels of subset \'v2\' to those of pods that serve it',
    ]);
  });

  test('a VirtualService naming a gateway `name.namespace` or its FQDN binds it: no IST0101 (nor IST0132), a KIA1108 suggestion; a missing one is still IST0101', () => {
    const g = gw('ingress', { selector: { istio: 'ingressgateway' }, servers: [server(['shop.example.com'])] });
    const bind = (gateways: string[]) => vs('shop', { hosts: ['shop.example.com'], gateways, http: [{ route: [{ destination: { host: 'reviews' } }] }] });
    for (const ref of ['ingress.istio-system', 'ingress.istio-system.svc.cluster.local']) {
      expect([ref, codesOf(objs(...reviews, ...ingress, g, bind([ref])))]).toStrictEqual([ref, ['KIA1108 VirtualService default/shop']]);
    }
    expect(found(objs(...reviews, ...ingress, g, bind(['ghost.istio-system'])), 'IST0101')).toStrictEqual([
      '[IST0101] VirtualService \'shop\' binds to gateway \'ghost.istio-system\', which does not exist in namespace \'istio-system\'; add Gateway \'ghost\' to namespace \'istio-system\', or bind to a gateway that exists',
    ]);
  });
});

describe('where each finding points (issue 37: field, value and fix apart from the message)', () => {
  test('each Kiali check of kiali-traffic.ts, kiali.ts and kiali-gateway-api.ts names the exact field of the object as written, and its value', () => {
    const at = (f: ShapeFixture) => analyze(objectsOfYaml(f.yaml ?? '', 'fixture.yaml'), { world: 'closed', ...f.options }).findings
      .filter(x => x.code === f.code && x.analyzer === f.analyzer).map(x => `${x.object} ${x.field} = ${x.value}`);
    expect(Object.fromEntries(SHAPES.map(f => [f.code, at(f)]))).toStrictEqual({
      KIA0201: ['DestinationRule default/a spec.host = reviews', 'DestinationRule default/b spec.host = reviews.default.svc.cluster.local'],
      KIA0209: ['DestinationRule default/bare spec.subsets[0].labels = all', 'DestinationRule default/mixed spec.subsets[1].labels = every'],
      KIA0204: ['DestinationRule default/reviews spec.trafficPolicy.tls.mode = ISTIO_MUTUAL'],
      KIA1108: ['VirtualService default/legacy spec.gateways[0] = gw.istio-system', 'VirtualService default/legacy spec.http[0].match[0].gateways[0] = gw.istio-system.svc.cluster.local'],
      KIA1106: ['VirtualService default/a spec.hosts[0] = reviews', 'VirtualService default/b spec.hosts[0] = reviews.default.svc.cluster.local'],
      KIA0301: ['Gateway istio-system/one spec.servers[0].hosts[0] = shop.example.com', 'Gateway istio-system/two spec.servers[0].hosts[0] = *.example.com'],
      KIA0601: ['Service default/reviews spec.ports[0].name = web', 'Gateway istio-system/gw spec.servers[0].port.name = web', 'ServiceEntry default/api spec.ports[0].name = secure'],
      KIA0602: ['Service default/ratings spec.ports[0].appProtocol = fancy'],
      KIA0701: ['Service default/ratings spec.ports[0].port = 8080', 'Service default/ratings spec.ports[1].targetPort = admin'],
      KIA1211: ['ServiceEntry default/a spec.hosts[0] = api.example.com', 'ServiceEntry default/b spec.hosts[0] = api.example.com'],
      KIA0005: ['DestinationRule default/reviews spec.exportTo[1] = ghost'],
      KIA1004: ['Sidecar default/egress spec.egress[0].hosts[0] = default/ghost.default.svc.cluster.local', 'Sidecar default/egress spec.egress[0].hosts[1] = other/reviews.default.svc.cluster.local'],
      KIA1006: ['Sidecar istio-system/default spec.workloadSelector.labels = {"app":"reviews"}'],
      KIA1007: ['Sidecar default/default spec.outboundTrafficPolicy = {}'],
      KIA1701: ['WorkloadGroup default/vms spec.template.serviceAccount = ghost'],
      KIA1702: ['WorkloadGroup default/a spec.metadata.labels = {"app":"vm"}', 'WorkloadGroup default/b spec.metadata.labels = {"app":"vm"}'],
      KIA0207: ['DestinationRule default/top spec.trafficPolicy.tls.mode = DISABLE', 'DestinationRule default/subset spec.subsets[1].trafficPolicy.tls.mode = DISABLE'],
      KIA0106: [
        'AuthorizationPolicy default/ap spec.rules[0].from[0].source.principals[1] = cluster.local/ns/default/sa/ghost',
        'AuthorizationPolicy default/ap spec.rules[0].from[1].source.principals[0] = */ns/default/sa/ghost*',
        'AuthorizationPolicy default/ap spec.rules[0].from[1].source.principals[1] = just-a-string',
      ],
      KIA1104: ['VirtualService default/one spec.http[0].route[0].weight = 90', 'VirtualService default/one spec.tcp[0].route[0].weight = 50'],
      KIA1105: ['VirtualService default/twice spec.http[0].route[1].destination = {"host":"reviews.default.svc.cluster.local","subset":"v1"}'],
      KIA1401: ['HTTPRoute default/r spec.parentRefs[0].name = ghost', 'HTTPRoute default/r spec.parentRefs[1] = istio-system/gw'],
      KIA1402: [
        'HTTPRoute default/r spec.rules[0].backendRefs[0].name = ghost',
        'HTTPRoute default/r spec.rules[0].backendRefs[1].name = reviews.default.svc.cluster.local',
        'HTTPRoute default/r spec.rules[0].backendRefs[2].namespace = other',
      ],
      KIA1601: ['ReferenceGrant default/g spec.from[0].namespace = ghost'],
      KIA1501: ['Gateway default/a spec.listeners[0].hostname = shop.example.com', 'Gateway istio-system/b spec.listeners[0].hostname = shop.example.com'],
      KIA1502: ['Gateway default/a spec.addresses[0].value = 10.0.0.1', 'Gateway default/b spec.addresses[0].value = 10.0.0.1'],
      KIA1503: ['Gateway default/a spec.listeners[0].hostname = shop.example.com', 'Gateway default/a spec.listeners[1].hostname = shop.example.com'],
    });
  });
});
