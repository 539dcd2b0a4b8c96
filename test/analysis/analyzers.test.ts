import { ANALYZERS, AnalyzedObject, FindingLevel, analyze } from '../../lib';
import { AnalyzeOptions } from '../../lib/analysis';
import { ISTIO_MESSAGES } from '../../lib/analysis/generated/istio-data';
import { Manifest } from '../../lib/render/model';
import { errorOf } from '../support/errors';

type M = Partial<Manifest> & { kind: string; metadata: Manifest['metadata'] };

/** Objects as an Istio chart (or a YAML file) holds them. */
const objs = (...manifests: M[]): AnalyzedObject[] =>
  manifests.map(m => ({ manifest: { apiVersion: m.apiVersion ?? api(m.kind), ...m } as Manifest, file: 'f', mesh: 'istio' }));

function api(kind: string): string {
  if (['VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry', 'Sidecar', 'EnvoyFilter'].includes(kind)) return 'networking.istio.io/v1';
  if (['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication'].includes(kind)) return 'security.istio.io/v1';
  if (kind === 'Telemetry') return 'telemetry.istio.io/v1';
  if (kind === 'Deployment') return 'apps/v1';
  return 'v1';
}

/** The messages of the findings with a code (closed world, as istioctl reads files). */
const found = (objects: AnalyzedObject[], code: string, options: AnalyzeOptions = {}) =>
  analyze(objects, options).findings.filter(f => f.code === code).map(f => f.message);
/** `Kind ns/name` of the findings with a code. */
const on = (objects: AnalyzedObject[], code: string, options: AnalyzeOptions = {}) =>
  analyze(objects, options).findings.filter(f => f.code === code).map(f => f.object);

type Port = { name?: string; port: number; targetPort?: number; appProtocol?: string; protocol?: string };
const ns = (name: string, labels: { [k: string]: string } = { 'istio-injection': 'enabled' }): M => ({ kind: 'Namespace', metadata: { name, labels } });
const svc = (name: string, ports: Port[], selector: { [k: string]: string } = { app: name }, namespace = 'default', extra: object = {}): M =>
  ({ kind: 'Service', metadata: { name, namespace }, spec: { selector, ports, ...extra } });
const pod = (name: string, labels: { [k: string]: string }, namespace = 'default', spec: object = { containers: [{ name: 'app', image: 'x:1' }] }, annotations?: { [k: string]: string }): M =>
  ({ kind: 'Pod', metadata: { name, namespace, labels, annotations }, spec });
const deploy = (name: string, labels: { [k: string]: string }, namespace = 'default', podSpec: object = { containers: [{ name: 'app', image: 'x:1' }] }, meta: object = {}): M =>
  ({ kind: 'Deployment', metadata: { name, namespace, ...meta }, spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } } });
const vs = (name: string, spec: object, namespace = 'default'): M => ({ kind: 'VirtualService', metadata: { name, namespace }, spec });
const dr = (name: string, spec: object, namespace = 'default'): M => ({ kind: 'DestinationRule', metadata: { name, namespace }, spec });
const gw = (name: string, spec: object, namespace = 'istio-system'): M => ({ kind: 'Gateway', metadata: { name, namespace }, spec });
const ingressPod = pod('ingress', { istio: 'ingressgateway' }, 'istio-system');
const ingressSvc = svc('ingress', [{ name: 'http2', port: 80, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 8443 }], { istio: 'ingressgateway' }, 'istio-system');
const http = (port = 80) => ({ port: { number: port, name: 'http', protocol: 'HTTP' } });

const reviews = [ns('default'), svc('reviews', [{ name: 'http', port: 9080 }]), deploy('reviews-v1', { app: 'reviews', version: 'v1' })];
const reviewsDr = dr('reviews', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }], trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });

describe('the catalogue', () => {
  test('every Istio check carries the code, name and level of Istio\'s catalogue (messages.yaml)', () => {
    const catalogue = new Map(ISTIO_MESSAGES.map(m => [m.code, m]));
    for (const a of ANALYZERS.filter(x => x.code.startsWith('IST'))) {
      expect(`${a.code} ${a.name} ${a.level}`).toBe(`${a.code} ${catalogue.get(a.code)!.name} ${catalogue.get(a.code)!.level}`);
    }
  });

  test('the codes: 46 of Istio\'s checks (47 with schema validation\'s IST0106), Kiali\'s and mesh-kit\'s own; IST0122 (retired by Istio) is gone', () => {
    const codes = [...new Set(ANALYZERS.map(a => a.code))];
    expect(codes.filter(c => c.startsWith('IST'))).toHaveLength(46);
    expect(codes.filter(c => !c.startsWith('IST'))).toStrictEqual(['KIA0005', 'KIA0102', 'KIA0104', 'KIA0105', 'KIA0106', 'KIA0108', 'KIA0109', 'KIA0110', 'KIA0201', 'KIA0204', 'KIA0205', 'KIA0206', 'KIA0207', 'KIA0208', 'KIA0209', 'KIA0210', 'KIA0211', 'KIA0212', 'KIA0301', 'KIA0401', 'KIA0501', 'KIA0505', 'KIA0506', 'KIA0601', 'KIA0602', 'KIA0701', 'KIA1004', 'KIA1006', 'KIA1007', 'KIA1104', 'KIA1105', 'KIA1106', 'KIA1108', 'KIA1109', 'KIA1110', 'KIA1111', 'KIA1112', 'KIA1113', 'KIA1114', 'KIA1115', 'KIA1116', 'KIA1117', 'KIA1211', 'KIA1301', 'KIA1311', 'KIA1312', 'KIA1313', 'KIA1314', 'KIA1315', 'KIA1316', 'KIA1317', 'KIA1401', 'KIA1402', 'KIA1501', 'KIA1502', 'KIA1503', 'KIA1601', 'KIA1701', 'KIA1702', 'MK0001', 'MK0002', 'MK0003', 'MK0004', 'MK0005', 'MK0006', 'MK0007', 'MK0008', 'MK0009', 'MK0010', 'MK0011', 'MK0012', 'MK0013', 'MK0014', 'MK0015', 'MK0020', 'MK0023', 'MK0024',
      'MK0025', 'MK0026', 'MK0027', 'MK0028', 'MK0029', 'MK0030', 'MK0040', 'MK0041', 'MK0042',
      'MK0043', 'MK0044', 'MK0045', 'MK0046', 'MK0047', 'MK0048', 'MK0049',
      // issue 35's Flagger checks
      'MK0050', 'MK0051', 'MK0052', 'MK0053', 'MK0054', 'MK0055', 'MK0056',
      // issue 36's locality checks
      'MK0057', 'MK0058', 'MK0059']);
    expect(codes).not.toContain('IST0122');
    expect(ANALYZERS.find(a => a.code === 'IST0173')!.level).toBe(FindingLevel.ERROR);
  });

  test('a clean mesh has no finding', () => {
    const report = analyze(objs(...reviews, reviewsDr, vs('reviews', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] })));
    expect(report.findings).toStrictEqual([]);
  });
});

describe('VirtualService checks', () => {
  test('IST0101: fails for a host no Service or ServiceEntry declares, an unknown port, a subset no DestinationRule defines; quiet for FQDNs and exported entries', () => {
    const bad = vs('r', {
      hosts: ['reviews'],
      http: [
        { route: [{ destination: { host: 'ghost' } }] },
        { route: [{ destination: { host: 'reviews', port: { number: 1 } } }] },
        { route: [{ destination: { host: 'reviews', subset: 'v4' } }] },
      ],
    });
    expect(found(objs(...reviews, reviewsDr, bad), 'IST0101')).toStrictEqual([
      '[IST0101] VirtualService \'r\' routes to host \'ghost\' (http[0].route[0]), which no Service or ServiceEntry visible from namespace \'default\' declares; add a Service or ServiceEntry for \'ghost\' visible from namespace \'default\', or route to a host that has one',
      '[IST0101] VirtualService \'r\' routes to port 1 of host \'reviews\' (http[1].route[0]), which has ports 9080; route to one of its ports (9080)',
      '[IST0101] VirtualService \'r\' routes to subset \'v4\' of host \'reviews\' (http[2].route[0]), which no DestinationRule visible from namespace \'default\' defines; '
        + 'add subset \'v4\' to DestinationRule \'default/reviews\', or route to one of its subsets \'v1\'',
    ]);
    const fine = vs('r', {
      hosts: ['reviews'],
      http: [
        { route: [{ destination: { host: 'reviews.default.svc.cluster.local', subset: 'v1' } }] },
        { route: [{ destination: { host: 'api.example.com' } }] },
      ],
    });
    const entry: M = { kind: 'ServiceEntry', metadata: { name: 'api', namespace: 'other' }, spec: { hosts: ['api.example.com'], exportTo: ['default'], ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }] } };
    expect(found(objs(...reviews, reviewsDr, entry, fine), 'IST0101')).toStrictEqual([]);
  });

  test('IST0101: a Service exported elsewhere (networking.istio.io/exportTo) is not visible', () => {
    const hidden = svc('reviews', [{ name: 'http', port: 9080 }], { app: 'reviews' }, 'default');
    hidden.metadata = { ...hidden.metadata, annotations: { 'networking.istio.io/exportTo': '.' } };
    expect(on(objs(hidden, vs('r', { http: [{ route: [{ destination: { host: 'reviews.default.svc.cluster.local' } }] }] }, 'other')), 'IST0101'))
      .toStrictEqual(['VirtualService other/r']);
  });

  test('IST0101 and IST0132: a missing gateway; a gateway that serves none of the hosts (one served host is enough)', () => {
    const gateway = gw('web', { selector: { istio: 'ingressgateway' }, servers: [{ ...http(), hosts: ['./shop.example.com'] }] });
    const world = [ingressPod, ingressSvc, gateway, svc('shop', [{ name: 'http', port: 80 }], { app: 'shop' }, 'istio-system')];
    const route = (name: string, hosts: string[], gateways: string[], namespace = 'istio-system') =>
      vs(name, { hosts, gateways, http: [{ route: [{ destination: { host: 'shop.istio-system.svc.cluster.local' } }] }] }, namespace);
    const objects = objs(...world,
      route('one-served', ['shop.example.com', 'other.example.com'], ['web']),
      route('none-served', ['other.example.com'], ['web']),
      route('other-namespace', ['shop.example.com'], ['istio-system/web'], 'default'),
      route('missing', ['shop.example.com'], ['nope']));
    expect(on(objects, 'IST0101')).toStrictEqual(['VirtualService istio-system/missing']);
    expect(on(objects, 'IST0132')).toStrictEqual(['VirtualService istio-system/none-served', 'VirtualService default/other-namespace', 'VirtualService istio-system/missing']);
  });

  test('IST0109: mesh VirtualServices for one host visible in a common namespace; quiet when exportTo separates them', () => {
    const a = vs('a', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }] }] });
    const b = vs('b', { hosts: ['reviews.default.svc.cluster.local'], http: [{ route: [{ destination: { host: 'reviews' } }] }] });
    expect(on(objs(...reviews, a, b), 'IST0109')).toStrictEqual(['VirtualService default/a', 'VirtualService default/b']);
    const c = vs('c', { hosts: ['reviews.default.svc.cluster.local'], exportTo: ['.'], http: [{ route: [{ destination: { host: 'reviews.default.svc.cluster.local' } }] }] }, 'team');
    const d = vs('d', { hosts: ['reviews'], exportTo: ['.'], http: [{ route: [{ destination: { host: 'reviews' } }] }] });
    expect(on(objs(...reviews, c, d), 'IST0109')).toStrictEqual([]);
  });

  test('IST0112: a host with several ports and no port chosen', () => {
    const twoPorts = svc('web', [{ name: 'http', port: 80 }, { name: 'https', port: 443 }]);
    expect(on(objs(twoPorts, vs('web', { hosts: ['web'], http: [{ route: [{ destination: { host: 'web' } }] }] })), 'IST0112')).toStrictEqual(['VirtualService default/web']);
    expect(on(objs(twoPorts, vs('web', { hosts: ['web'], http: [{ route: [{ destination: { host: 'web', port: { number: 80 } } }] }] })), 'IST0112')).toStrictEqual([]);
  });

  test('IST0130 and IST0131: a rule after a catch-all, a repeated match, a prefix covered by an earlier one; different nested values are different matches', () => {
    const routes = vs('r', {
      hosts: ['reviews'],
      http: [
        { match: [{ uri: { prefix: '/orders' } }], route: [{ destination: { host: 'reviews' } }] },
        { match: [{ uri: { prefix: '/payments' } }], route: [{ destination: { host: 'reviews' } }] },
        { match: [{ uri: { prefix: '/orders/v2' } }], route: [{ destination: { host: 'reviews' } }] },
        { name: 'again', match: [{ uri: { prefix: '/payments' } }], route: [{ destination: { host: 'reviews' } }] },
        { route: [{ destination: { host: 'reviews' } }] },
        { name: 'late', route: [{ destination: { host: 'reviews' } }] },
      ],
    });
    expect(found(objs(...reviews, routes), 'IST0131')).toStrictEqual([
      '[IST0131] VirtualService \'r\' rule http[3] \'again\' match[0] is never used: rule http[1] has the same match; remove match[0] from rule http[3], or make it differ from the match of rule http[1]',
      '[IST0131] VirtualService \'r\' rule http[2] match[0] (prefix \'/orders/v2\') is never used: rule http[0] match[0] (prefix \'/orders\') before it covers it; '
        + 'move rule http[2] before rule http[0], or remove match[0]',
    ]);
    expect(found(objs(...reviews, routes), 'IST0130')).toStrictEqual([
      '[IST0130] VirtualService \'r\' rule http[3] \'again\' is never used: all its matches are used by prior rules; remove rule http[3], or give it a match that no earlier rule has',
      '[IST0130] VirtualService \'r\' rule http[5] \'late\' is never used: rule http[4] before it matches every request (only the last rule can have no matches); '
        + 'give rule http[4] a match, or move it after rule http[5]',
    ]);
  });

  test('IST0140: a gateway route without subset to a host whose VirtualService routes by subset', () => {
    const mesh = vs('reviews', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] });
    const ingress = (subset?: string) => vs('ingress', { hosts: ['*'], gateways: ['istio-system/web'], http: [{ route: [{ destination: { host: 'reviews', subset } }] }] });
    expect(on(objs(...reviews, reviewsDr, mesh, ingress()), 'IST0140')).toStrictEqual(['VirtualService default/ingress']);
    expect(on(objs(...reviews, reviewsDr, mesh, ingress('v1')), 'IST0140')).toStrictEqual([]);
  });

  test('IST0149: routing on JWT claims at a gateway no RequestAuthentication covers; quiet once one selects the gateway\'s pods', () => {
    const gateway = gw('web', { selector: { istio: 'ingressgateway' }, servers: [{ ...http(), hosts: ['*'] }] });
    const route = vs('claims', { hosts: ['*'], gateways: ['istio-system/web'], http: [{ match: [{ headers: { '@request.auth.claims.group': { exact: 'a' } } }], route: [{ destination: { host: 'reviews' } }] }] });
    const ra: M = { kind: 'RequestAuthentication', metadata: { name: 'jwt', namespace: 'istio-system' }, spec: { selector: { matchLabels: { istio: 'ingressgateway' } } } };
    expect(on(objs(...reviews, ingressPod, gateway, route), 'IST0149')).toStrictEqual(['VirtualService default/claims']);
    expect(on(objs(...reviews, ingressPod, gateway, route, ra), 'IST0149')).toStrictEqual([]);
  });

  test('IST0165: a reference to a gateway Istio generates from a Gateway API Gateway', () => {
    expect(on(objs(vs('r', { hosts: ['a.com'], gateways: ['istio-ingress/gw-istio-autogenerated-k8s-gateway-http'], http: [{ route: [{ destination: { host: 'a.com' } }] }] })), 'IST0165'))
      .toStrictEqual(['VirtualService default/r']);
  });
});

describe('DestinationRule checks', () => {
  test('IST0128 and IST0129: TLS origination without a CA; a credentialName counts only with a workloadSelector', () => {
    const tls = (extra: object = {}) => ({ host: 'api.example.com', trafficPolicy: { tls: { mode: 'SIMPLE', ...extra }, portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'MUTUAL', ...extra } }] } });
    expect(analyze(objs(dr('ext', tls()))).findings.map(f => f.code).filter(c => c.startsWith('IST012'))).toStrictEqual(['IST0128', 'IST0129']);
    expect(on(objs(dr('ext', tls({ credentialName: 'ca' }))), 'IST0128')).toStrictEqual(['DestinationRule default/ext']);
    expect(on(objs(dr('ext', { ...tls({ credentialName: 'ca' }), workloadSelector: { matchLabels: { app: 'x' } } })), 'IST0128')).toStrictEqual([]);
    expect(on(objs(dr('ext', tls({ caCertificates: '/etc/ca.pem' }))), 'IST0129')).toStrictEqual([]);
  });

  test('IST0173: a subset selecting no pod (an error, as Istio has it); IST0174: a host nothing declares', () => {
    const rule = dr('reviews', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] });
    expect(found(objs(...reviews, rule), 'IST0173')).toStrictEqual(['[IST0173] DestinationRule \'reviews\' subset \'v2\' ({"version":"v2"}) selects no pod: no traffic sent to it can be served; '
      + 'give the pods of host \'reviews\' the labels version=v2, or change the labels of subset \'v2\' to those of pods that serve it']);
    expect(on(objs(...reviews, dr('ghost', { host: 'ghost' })), 'IST0174')).toStrictEqual(['DestinationRule default/ghost']);
    expect(on(objs(...reviews, reviewsDr), 'IST0174')).toStrictEqual([]);
  });

  test('IST0174 / IST0101 for `name.namespace` and `name.namespace.svc` say what istiod does with them and the name to write (Kiali accepts them; istiod does not)', () => {
    const hint = (host: string) => `: istiod completes only names without a dot (ResolveShortnameToFQDN, istio/istio pilot/pkg/model/config.go), so '${host}' is not Service 'default/reviews'; `
      + 'write \'reviews.default.svc.cluster.local\' (or \'reviews\' from namespace \'default\')';
    expect(found(objs(...reviews, dr('dotted', { host: 'reviews.default.svc' })), 'IST0174')).toStrictEqual([
      `[IST0174] DestinationRule 'dotted' is for host 'reviews.default.svc', which no Service or ServiceEntry visible from namespace 'default' declares${hint('reviews.default.svc')}`,
    ]);
    expect(found(objs(...reviews, vs('to', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews.default' } }] }] })), 'IST0101')).toStrictEqual([
      `[IST0101] VirtualService 'to' routes to host 'reviews.default' (http[0].route[0]), which no Service or ServiceEntry visible from namespace 'default' declares${hint('reviews.default')}`,
    ]);
    // no Service by that name: no hint
    expect(found(objs(...reviews, dr('ghost', { host: 'ghost.default' })), 'IST0174')[0]).toMatch(/declares; point spec.host at a Service or ServiceEntry host visible from namespace 'default', or declare 'ghost.default' with a ServiceEntry$/);
  });
});

describe('Kubernetes object checks', () => {
  test('IST0102, IST0123 and IST0148: injection labels of a namespace', () => {
    const injector: M = { kind: 'ConfigMap', metadata: { name: 'istio-sidecar-injector', namespace: 'istio-system' }, data: { values: '{"sidecarInjectorWebhook":{"enableNamespacesByDefault":true}}' } };
    const objects = objs(ns('plain', {}), ns('both', { 'istio-injection': 'enabled', 'istio.io/rev': 'canary' }), ns('ambient-too', { 'istio.io/rev': 'canary', 'istio.io/dataplane-mode': 'ambient' }),
      ns('disabled-rev', { 'istio-injection': 'disabled', 'istio.io/rev': 'canary' }), ns('istio-system', {}));
    expect(on(objects, 'IST0102')).toStrictEqual(['Namespace plain']);
    expect(on(objects, 'IST0123')).toStrictEqual(['Namespace both', 'Namespace ambient-too']);
    expect(on([...objects, ...objs(injector)], 'IST0102')).toStrictEqual([]);
    expect(on([...objects, ...objs(injector)], 'IST0148')).toStrictEqual(['Namespace plain']);
  });

  test('IST0116 and IST0137: Services selecting one Deployment in the mesh with clashing ports; a Deployment out of the mesh is not checked', () => {
    const a = svc('a', [{ name: 'http', port: 80, protocol: 'TCP' }], { app: 'web' });
    const b = svc('b', [{ name: 'udp', port: 80, protocol: 'UDP', targetPort: 8080 }], { app: 'web' });
    expect(on(objs(ns('default'), a, b, deploy('web', { app: 'web' })), 'IST0116')).toStrictEqual(['Deployment default/web']);
    expect(on(objs(ns('default'), a, svc('c', [{ name: 'http', port: 81, targetPort: 80 }], { app: 'web' }), deploy('web', { app: 'web' })), 'IST0137')).toStrictEqual(['Deployment default/web']);
    expect(on(objs(ns('default', { 'istio-injection': 'disabled' }), a, b, deploy('web', { app: 'web' })), 'IST0116')).toStrictEqual([]);
  });

  test('IST0118 and IST0150: port names; system namespaces skipped; ExternalName Services get IST0150', () => {
    const objects = objs(svc('web', [{ name: 'web', port: 80 }]), svc('sys', [{ port: 80 }], {}, 'kube-system'),
      svc('ext', [{ name: 'tcp', port: 443 }], {}, 'default', { type: 'ExternalName', externalName: 'x.example.com' }), svc('ok', [{ name: 'web', port: 80, appProtocol: 'http' }]));
    expect(on(objects, 'IST0118')).toStrictEqual(['Service default/web']);
    expect(on(objects, 'IST0150')).toStrictEqual(['Service default/ext']);
  });

  test('IST0144: user 1337 in a pod or an application container', () => {
    expect(on(objs(deploy('web', { app: 'web' }, 'default', { securityContext: { runAsUser: 1337 }, containers: [] }),
      pod('p', { app: 'p' }, 'default', { containers: [{ name: 'app', securityContext: { runAsUser: 1337 } }] })), 'IST0144')).toStrictEqual(['Deployment default/web', 'Pod default/p']);
  });
});

describe('annotation checks (from istio/api\'s annotations.yaml)', () => {
  test('IST0107, IST0108, IST0125, IST0135 on the kinds Istio checks; real annotations (gateway.istio.io/controller-version) are known', () => {
    const objects = objs(
      deploy('web', { app: 'web' }, 'default', { containers: [] }, { annotations: { 'sidecar.istio.io/proxyCPU': '100m', 'sidecar.istio.io/inject': 'true' } }),
      pod('p', { app: 'p' }, 'default', { containers: [] }, { 'sidecar.istio.io/proxyCPU': 'lots', 'kubernetes.io/ingress.class': 'istio', 'gateway.istio.io/controller-version': '5' }),
      { kind: 'Service', metadata: { name: 's', namespace: 'default', annotations: { 'networking.istio.io/exportTo': '.', 'sidecar.istio.io/typo': 'x' } }, spec: {} },
    );
    expect(found(objects, 'IST0107')).toStrictEqual([
      '[IST0107] Deployment \'web\' metadata.annotations: annotation \'sidecar.istio.io/proxyCPU\' applies to Pod only; move it to spec.template.metadata.annotations of Deployment \'web\'',
      '[IST0107] Deployment \'web\' metadata.annotations: annotation \'sidecar.istio.io/inject\' applies to Pod only; move it to spec.template.metadata.annotations of Deployment \'web\'',
      '[IST0107] Pod \'p\' metadata.annotations: annotation \'kubernetes.io/ingress.class\' applies to Ingress only; move it to the Ingress it is meant for, or remove it from Pod \'p\'',
    ]);
    expect(on(objects, 'IST0108')).toStrictEqual(['Service default/s']);
    expect(found(objects, 'IST0125')).toStrictEqual(['[IST0125] Pod \'p\' metadata.annotations: annotation \'sidecar.istio.io/proxyCPU\' must be a Kubernetes quantity, e.g. 100m or 128Mi: '
      + 'got \'lots\'; set it to a Kubernetes quantity, e.g. 100m or 128Mi']);
    expect(on(objects, 'IST0135')).toStrictEqual(['Deployment default/web']);
  });
});

describe('gateway checks', () => {
  const secret = (name: string, data: object): M => ({ kind: 'Secret', metadata: { name, namespace: 'istio-system' }, data });
  const tlsServer = (credentialName: string, hosts = ['a.example.com']) => ({ port: { number: 443, name: 'https', protocol: 'HTTPS' }, tls: { mode: 'SIMPLE', credentialName }, hosts });

  test('IST0101: a Gateway selecting no pod, a credentialName that is no Secret where the gateway runs; IST0161: a Secret without key', () => {
    const objects = objs(ingressPod, ingressSvc, secret('nokey', { 'tls.crt': 'eA==' }),
      gw('lost', { selector: { istio: 'nope' }, servers: [{ ...http(), hosts: ['*'] }] }),
      gw('tls', { selector: { istio: 'ingressgateway' }, servers: [tlsServer('missing'), tlsServer('nokey', ['b.example.com'])] }));
    expect(found(objects, 'IST0101')).toStrictEqual([
      '[IST0101] Gateway \'lost\' selects the gateway workload \'istio=nope\', but no pod has those labels: the gateway configures nothing; install a gateway whose pods carry '
      + 'istio=nope, change spec.selector to the labels of an installed gateway\'s pods (e.g. istio=ingressgateway), or declare the gateway\'s pods (analysis.externals)',
      '[IST0101] Gateway \'tls\' names credentialName \'missing\', which is no Secret of namespace \'istio-system\' where its gateway pods run; create the TLS Secret '
      + '\'missing\' in namespace \'istio-system\' (kubectl create secret tls missing -n istio-system --cert=... --key=...), or name a Secret of that namespace',
    ]);
    expect(found(objects, 'IST0161')).toStrictEqual(['[IST0161] Gateway \'tls\' credentialName \'nokey\': Secret \'istio-system/nokey\' has no private key (tls.key or key); '
      + 'put the PEM private key in tls.key of Secret \'istio-system/nokey\'']);
  });

  test('IST0162: a port no Service of the gateway pods exposes (port or target port); IST0145: two gateways of one workload, port and host', () => {
    const a = gw('a', { selector: { istio: 'ingressgateway' }, servers: [{ ...http(8080), hosts: ['shop.example.com'] }, { ...http(9999), hosts: ['x.example.com'] }] });
    const b = gw('b', { selector: { istio: 'ingressgateway' }, servers: [{ ...http(8080), hosts: ['*.example.com'] }] });
    expect(found(objs(ingressPod, ingressSvc, a), 'IST0162')).toStrictEqual(['[IST0162] Gateway \'a\' listens on port 9999, which no Service of its gateway pods (istio=ingressgateway) exposes; '
      + 'add port 9999 to the Service of the gateway pods, or listen on a port it exposes (80, 443, 8080, 8443)']);
    expect(on(objs(ingressPod, ingressSvc, a, b), 'IST0145')).toStrictEqual(['Gateway istio-system/a', 'Gateway istio-system/b']);
  });

  test('IST0138: gateways of the same pods sharing a certificate', () => {
    const a = gw('a', { selector: { istio: 'ingressgateway' }, servers: [tlsServer('shared', ['a.example.com'])] });
    const b = gw('b', { selector: { istio: 'ingressgateway' }, servers: [tlsServer('shared', ['b.example.com'])] });
    expect(on(objs(ingressPod, a, b), 'IST0138')).toStrictEqual(['Gateway istio-system/a', 'Gateway istio-system/b']);
  });
});

describe('policy and selector checks', () => {
  const policy = (kind: string, name: string, spec: object, namespace = 'default'): M => ({ kind, metadata: { name, namespace }, spec });

  test('IST0127 (AuthorizationPolicy, and mesh-kit\'s for other policies) and IST0101 for namespaces no Namespace matches', () => {
    const objects = objs(...reviews,
      policy('AuthorizationPolicy', 'nobody', { selector: { matchLabels: { app: 'ghost' } } }),
      policy('AuthorizationPolicy', 'ns', { rules: [{ from: [{ source: { namespaces: ['default', 'bogus', 'def*'] } }] }] }),
      policy('PeerAuthentication', 'pa', { selector: { matchLabels: { app: 'ghost' } }, mtls: { mode: 'STRICT' } }));
    expect(on(objects, 'IST0127')).toStrictEqual(['AuthorizationPolicy default/nobody', 'PeerAuthentication default/pa']);
    expect(found(objects, 'IST0101')).toStrictEqual(['[IST0101] AuthorizationPolicy \'ns\' names namespace \'bogus\', which does not exist; create Namespace \'bogus\', or name a namespace that exists']);
  });

  test('Sidecar and Telemetry selectors: IST0101 (no pod), IST0110/IST0159 (one pod, two selectors), IST0111/IST0160 (two without selector), IST0167 (ambient)', () => {
    const sel = (kind: string, name: string, labels?: object, namespace = 'default') => policy(kind, name, kind === 'Sidecar'
      ? (labels ? { workloadSelector: { labels } } : {})
      : (labels ? { selector: { matchLabels: labels } } : {}), namespace);
    for (const [kind, conflict, several] of [['Sidecar', 'IST0110', 'IST0111'], ['Telemetry', 'IST0159', 'IST0160']]) {
      const objects = objs(...reviews, sel(kind, 'ghost', { app: 'ghost' }), sel(kind, 'one', { app: 'reviews' }), sel(kind, 'two', { version: 'v1' }), sel(kind, 'all-1'), sel(kind, 'all-2'));
      expect(on(objects, 'IST0101')).toStrictEqual([`${kind} default/ghost`]);
      expect(on(objects, conflict)).toStrictEqual([`${kind} default/one`, `${kind} default/two`]);
      expect(on(objects, several)).toStrictEqual([`${kind} default/all-1`, `${kind} default/all-2`]);
    }
    expect(on(objs(ns('amb', { 'istio.io/dataplane-mode': 'ambient' }), sel('Sidecar', 's', undefined, 'amb')), 'IST0167')).toStrictEqual(['Sidecar amb/s']);
  });

  test('IST0157: an access-logging entry without provider and no default; IST0166: a selector on a Gateway API gateway\'s pods', () => {
    const t = policy('Telemetry', 't', { accessLogging: [{ filter: { expression: 'true' } }] });
    expect(on(objs(t), 'IST0157')).toStrictEqual(['Telemetry default/t']);
    expect(on(objs(t), 'IST0157', { meshConfig: { defaultProviders: { accessLogging: ['envoy'] } } })).toStrictEqual([]);
    expect(on(objs(policy('AuthorizationPolicy', 'ap', { selector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'gw' } } })), 'IST0166'))
      .toStrictEqual(['AuthorizationPolicy default/ap']);
  });

  test('IST0134 (unless the mesh allocates addresses), IST0177 (one host and port, two protocols)', () => {
    const se = (name: string, protocol: string): M => ({ kind: 'ServiceEntry', metadata: { name, namespace: 'default' }, spec: { hosts: ['db.example.com'], ports: [{ number: 5432, name: 'p', protocol }] } });
    expect(on(objs(se('tcp', 'TCP')), 'IST0134')).toStrictEqual(['ServiceEntry default/tcp']);
    const dns = { defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true', ISTIO_META_DNS_AUTO_ALLOCATE: 'true' } } };
    expect(on(objs(se('tcp', 'TCP')), 'IST0134', { meshConfig: dns })).toStrictEqual([]);
    expect(on(objs(se('a', 'TLS'), se('b', 'HTTPS')), 'IST0177')).toStrictEqual(['ServiceEntry default/a', 'ServiceEntry default/b']);
  });

  test('IST0002 (deprecated fields) and the EnvoyFilter patches IST0151-IST0155', () => {
    const fault = vs('f', { hosts: ['reviews'], http: [{ fault: { delay: { percent: 50, fixedDelay: '1s' } }, route: [{ destination: { host: 'reviews' } }] }] });
    expect(on(objs(...reviews, fault), 'IST0002')).toStrictEqual(['VirtualService default/f']);
    const ef = (name: string, patches: object[], priority?: number): M => ({ kind: 'EnvoyFilter', metadata: { name, namespace: 'default' }, spec: { priority, configPatches: patches } });
    const objects = objs(
      ef('relative', [{ applyTo: 'HTTP_FILTER', patch: { operation: 'INSERT_BEFORE', value: { name: 'lua' } } }]),
      ef('prioritized', [{ applyTo: 'HTTP_FILTER', patch: { operation: 'INSERT_BEFORE', value: { name: 'lua' } } }], 10),
      ef('replace', [{ applyTo: 'CLUSTER', patch: { operation: 'REPLACE', value: {} } }]),
      ef('add', [{ applyTo: 'HTTP_ROUTE', patch: { operation: 'ADD', value: {} } }]),
      ef('remove', [{ applyTo: 'ROUTE_CONFIGURATION', patch: { operation: 'REMOVE' } }]),
      ef('versioned', [
        { applyTo: 'HTTP_FILTER', match: { proxy: { proxyVersion: '^1\\.2.*' } }, patch: { operation: 'INSERT_AFTER', value: { name: 'v' } } },
        { applyTo: 'HTTP_FILTER', patch: { operation: 'INSERT_AFTER', value: { name: 'v' } } },
      ]),
    );
    expect(['IST0151', 'IST0152', 'IST0153', 'IST0154', 'IST0155'].map(c => `${c}: ${on(objects, c).join(', ')}`)).toStrictEqual([
      'IST0151: EnvoyFilter default/relative, EnvoyFilter default/versioned',
      'IST0152: EnvoyFilter default/replace',
      'IST0153: EnvoyFilter default/add',
      'IST0154: EnvoyFilter default/remove',
      'IST0155: EnvoyFilter default/versioned',
    ]);
  });
});

describe('Kiali\'s consistency checks (and mesh-kit\'s where Kiali has no code)', () => {
  const strict: M = { kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'istio-system' }, spec: { mtls: { mode: 'STRICT' } } };
  const route = (r: object) => vs('r', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }], ...r }] });

  test('KIA0207: fails if a DestinationRule disables TLS toward pods a STRICT PeerAuthentication covers; quiet with ISTIO_MUTUAL', () => {
    const disable = dr('reviews', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }], trafficPolicy: { tls: { mode: 'DISABLE' } } });
    expect(found(objs(...reviews, strict, disable), 'KIA0207')).toStrictEqual([
      '[KIA0207] DestinationRule \'reviews\' disables TLS toward \'reviews\', whose pods (reviews-v1) a STRICT PeerAuthentication covers: '
      + 'the requests are refused (Kiali KIA0207); use ISTIO_MUTUAL, or a PERMISSIVE PeerAuthentication',
    ]);
    expect(found(objs(...reviews, strict, reviewsDr), 'KIA0207')).toStrictEqual([]);
  });

  test('MK0001: fails if a DestinationRule sends ISTIO_MUTUAL to pods without a sidecar; quiet for injected pods', () => {
    const off = [ns('default', { 'istio-injection': 'disabled' }), ...reviews.slice(1)];
    expect(on(objs(...off, reviewsDr), 'MK0001')).toStrictEqual(['DestinationRule default/reviews']);
    expect(on(objs(...reviews, reviewsDr), 'MK0001')).toStrictEqual([]);
  });

  test('KIA0106: fails if an AuthorizationPolicy names a ServiceAccount that does not exist; quiet for one a pod runs as', () => {
    const ap = (principal: string): M => ({ kind: 'AuthorizationPolicy', metadata: { name: 'ap', namespace: 'default' }, spec: { rules: [{ from: [{ source: { principals: [principal] } }] }] } });
    const withSa = [ns('default'), svc('reviews', [{ name: 'http', port: 9080 }]), deploy('reviews-v1', { app: 'reviews', version: 'v1' }, 'default', { serviceAccountName: 'reviews', containers: [] })];
    expect(on(objs(...withSa, ap('cluster.local/ns/default/sa/ghost')), 'KIA0106')).toStrictEqual(['AuthorizationPolicy default/ap']);
    expect(on(objs(...withSa, ap('cluster.local/ns/default/sa/reviews')), 'KIA0106')).toStrictEqual([]);
  });

  test('KIA1104 and KIA1105: one destination with a weight below 100; the same subset twice', () => {
    const one = vs('one', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 90 }] }] });
    const twice = vs('twice', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 50 }, { destination: { host: 'reviews', subset: 'v1' }, weight: 50 }] }] });
    expect(on(objs(...reviews, reviewsDr, one, twice), 'KIA1104')).toStrictEqual(['VirtualService default/one']);
    expect(on(objs(...reviews, reviewsDr, one, twice), 'KIA1105')).toStrictEqual(['VirtualService default/twice']);
    expect(on(objs(...reviews, reviewsDr, route({})), 'KIA1104')).toStrictEqual([]);
  });

  test('MK0002, MK0003, MK0004: mirroring to the route\'s own destination, perTryTimeout not shorter than the timeout, retries on a fault-injection route', () => {
    expect(on(objs(...reviews, reviewsDr, route({ mirror: { host: 'reviews', subset: 'v1' } })), 'MK0002')).toStrictEqual(['VirtualService default/r']);
    expect(on(objs(...reviews, reviewsDr, route({ mirror: { host: 'ratings' } })), 'MK0002')).toStrictEqual([]);
    expect(on(objs(...reviews, reviewsDr, route({ timeout: '2s', retries: { attempts: 3, perTryTimeout: '2s' } })), 'MK0003')).toStrictEqual(['VirtualService default/r']);
    expect(on(objs(...reviews, reviewsDr, route({ timeout: '2s', retries: { attempts: 3, perTryTimeout: '500ms' } })), 'MK0003')).toStrictEqual([]);
    expect(on(objs(...reviews, reviewsDr, route({ fault: { abort: { httpStatus: 500, percentage: { value: 10 } } }, retries: { attempts: 3 } })), 'MK0004')).toStrictEqual(['VirtualService default/r']);
    expect(on(objs(...reviews, reviewsDr, route({ fault: { abort: { httpStatus: 500, percentage: { value: 10 } } }, retries: { attempts: 0 } })), 'MK0004')).toStrictEqual([]);
  });
});

describe('what counts as existing', () => {
  const route = vs('r', { hosts: ['a'], gateways: ['shared/web'], http: [{ route: [{ destination: { host: 'payments.billing.svc.cluster.local' } }] }] }, 'shop');

  test('closed world: anything referenced and absent is missing; partial world: what externals declare exists', () => {
    expect(on(objs(route), 'IST0101')).toStrictEqual(['VirtualService shop/r', 'VirtualService shop/r']);
    expect(on(objs(route), 'IST0101', { world: 'partial' })).toStrictEqual(['VirtualService shop/r', 'VirtualService shop/r']);
    expect(on(objs(route), 'IST0101', { world: 'partial', externals: { services: ['billing/payments'], gateways: ['shared/web'] } })).toStrictEqual([]);
    expect(on(objs(route), 'IST0101', { world: 'partial', externals: { namespaces: ['billing', 'shared'] } })).toStrictEqual([]);
    // externals mean nothing to a closed world
    expect(on(objs(route), 'IST0101', { externals: { namespaces: ['billing', 'shared'] } })).toHaveLength(2);
  });

  test('Istio\'s default ingress gateway is added when asked (as istioctl does) and never reported on', () => {
    const gateway = gw('web', { selector: { istio: 'ingressgateway' }, servers: [{ ...http(80), hosts: ['*'] }] });
    expect(on(objs(gateway), 'IST0101')).toStrictEqual(['Gateway istio-system/web']);
    expect(analyze(objs(gateway), { istioDefaults: true }).findings.filter(f => f.level !== FindingLevel.INFO)).toStrictEqual([]);
  });
});

describe('the report', () => {
  test('levels, promotion of warnings, and stable output', () => {
    const objects = objs(dr('ext', { host: 'api.example.com', trafficPolicy: { tls: { mode: 'SIMPLE' } } }), svc('db', [{ name: 'pg', port: 5432 }]),
      { kind: 'ServiceEntry', metadata: { name: 'api', namespace: 'default' }, spec: { hosts: ['api.example.com'], ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }] } });
    const report = analyze(objects);
    expect(report.findings.map(f => `${f.level} ${f.code}`)).toStrictEqual(['Info IST0118', 'Warning IST0128']);
    expect(analyze(objects, { warningsAsErrors: true }).findings.map(f => f.level)).toStrictEqual([FindingLevel.INFO, FindingLevel.ERROR]);
    expect(JSON.stringify(analyze(objects).toJson())).toBe(JSON.stringify(report.toJson()));
    expect(report.toJson().summary).toStrictEqual({ errors: 0, warnings: 1, info: 1, suppressed: 0 });
  });

  test('suppressions: istioctl\'s CODE=Kind [namespace/]name rules (with *) and the galley.istio.io/analyze-suppress annotation', () => {
    const objects = objs(svc('db', [{ name: 'pg', port: 5432 }]), svc('cache', [{ name: 'redis-x', port: 6379 }]),
      { kind: 'Service', metadata: { name: 'quiet', namespace: 'default', annotations: { 'galley.istio.io/analyze-suppress': 'IST0118' } }, spec: { ports: [{ name: 'x', port: 1 }] } });
    expect(on(objects, 'IST0118')).toStrictEqual(['Service default/db']);
    const report = analyze(objects, { suppress: ['IST0118=Service default/d*'] });
    expect(report.findings.map(f => f.object)).toStrictEqual([]);
    expect(report.suppressed.map(f => `${f.object}: ${f.suppressedBecause}`)).toStrictEqual([
      'Service default/db: suppressed by \'IST0118=Service default/d*\'',
      'Service default/quiet: galley.istio.io/analyze-suppress annotation',
    ]);
    expect(() => analyze(objects, { suppress: ['IST0999=Service x'] })).toThrow(/^'suppression 'IST0999=Service x'' must be a code the analysis reports: got 'IST0999'; the codes are IST0002, /);
  });

  test('one analyzer\'s identical messages, and one message from two analyzers, are one finding (istioctl dedupes them)', () => {
    const gateway = gw('lost', { selector: { istio: 'nope' }, servers: [{ ...http(), hosts: ['*'] }] });
    expect(on(objs(gateway), 'IST0101')).toStrictEqual(['Gateway istio-system/lost']);
  });
});

describe('analyze() input from JavaScript', () => {
  test('bare Kubernetes objects are analyzed as if wrapped; anything else is a clear error, never a TypeError', () => {
    const route = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'r', namespace: 'default' }, spec: { hosts: ['r'], http: [{ route: [{ destination: { host: 'ghost' } }] }] } };
    expect(analyze([route as never]).findings.map(f => f.code)).toContain('IST0101');
    expect(errorOf(() => analyze([null as never]))).toBe("'input[0]' must be an AnalyzedObject ({ manifest, file, mesh }) or a Kubernetes object (apiVersion, kind, metadata): got null; "
      + "wrap what you have: { manifest: object, file: 'name', mesh: 'istio' }");
    expect(errorOf(() => analyze([{ spec: {} } as never]))).toMatch(/^'input\[0\]' must be an AnalyzedObject/);
  });
});
