import { ANALYZERS, AnalyzedObject, FindingLevel, analyze } from '../../lib';
import { Manifest } from '../../lib/render/model';

/** Objects as an Istio chart would hold them (no construct: the path is the object). */
const objs = (...manifests: Array<Partial<Manifest> & { kind: string; metadata: Manifest['metadata'] }>): AnalyzedObject[] =>
  manifests.map(m => ({ manifest: { apiVersion: m.apiVersion ?? api(m.kind), ...m } as Manifest, file: 'f', mesh: 'istio' }));

function api(kind: string): string {
  if (['VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry', 'Sidecar'].includes(kind)) return 'networking.istio.io/v1';
  if (['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication'].includes(kind)) return 'security.istio.io/v1';
  if (kind === 'Telemetry') return 'telemetry.istio.io/v1';
  if (kind === 'Deployment') return 'apps/v1';
  return 'v1';
}

/** `code message` of every finding (suppressed ones aside). */
const found = (objects: AnalyzedObject[], code?: string) =>
  analyze(objects).findings.filter(f => code === undefined || f.code === code).map(f => f.message);

type Port = { name?: string; port: number; targetPort?: number; appProtocol?: string };
const svc = (name: string, ports: Port[], selector: { [k: string]: string } = { app: name }, namespace?: string) =>
  ({ kind: 'Service', metadata: { name, namespace }, spec: { selector, ports } });
const APP = { containers: [{ name: 'app', image: 'x:1' }] };
const deploy = (name: string, labels: { [k: string]: string }, podSpec: object = APP, annotations?: { [k: string]: string }) =>
  ({ kind: 'Deployment', metadata: { name }, spec: { selector: { matchLabels: labels }, template: { metadata: { labels, annotations }, spec: podSpec } } });
const vs = (name: string, spec: object, namespace?: string) => ({ kind: 'VirtualService', metadata: { name, namespace }, spec });
const dr = (name: string, spec: object) => ({ kind: 'DestinationRule', metadata: { name }, spec });
const gw = (name: string, spec: object, namespace?: string) => ({ kind: 'Gateway', metadata: { name, namespace }, spec });

const reviews = [svc('reviews', [{ name: 'http', port: 9080 }]), deploy('reviews-v1', { app: 'reviews', version: 'v1' })];

describe('the catalogue', () => {
  test('implements at least twenty of Istio\'s checks, each with its code, name and Istio\'s level', () => {
    expect(ANALYZERS.map(a => `${a.code} ${a.name} ${a.level}`)).toStrictEqual([
      'IST0101 ReferencedResourceNotFound Error',
      'IST0102 NamespaceNotInjected Info',
      'IST0107 MisplacedAnnotation Warning',
      'IST0108 UnknownAnnotation Warning',
      'IST0109 ConflictingMeshGatewayVirtualServiceHosts Error',
      'IST0111 MultipleSidecarsWithoutWorkloadSelectors Error',
      'IST0112 VirtualServiceDestinationPortSelectorRequired Error',
      'IST0116 DeploymentAssociatedToMultipleServices Warning',
      'IST0118 PortNameIsNotUnderNamingConvention Info',
      'IST0122 InvalidRegexp Warning',
      'IST0123 NamespaceMultipleInjectionLabels Warning',
      'IST0125 InvalidAnnotation Warning',
      'IST0127 NoMatchingWorkloadsFound Warning',
      'IST0128 NoServerCertificateVerificationDestinationLevel Warning',
      'IST0129 NoServerCertificateVerificationPortLevel Warning',
      'IST0130 VirtualServiceUnreachableRule Warning',
      'IST0131 VirtualServiceIneffectiveMatch Info',
      'IST0132 VirtualServiceHostNotFoundInGateway Warning',
      'IST0134 ServiceEntryAddressesRequired Warning',
      'IST0135 DeprecatedAnnotation Info',
      'IST0137 DeploymentConflictingPorts Warning',
      'IST0144 InvalidApplicationUID Warning',
      'IST0145 ConflictingGateways Error',
      'IST0149 JwtClaimBasedRoutingWithoutRequestAuthN Error',
      'IST0157 InvalidTelemetryProvider Warning',
      'IST0160 MultipleTelemetriesWithoutWorkloadSelectors Error',
      'IST0162 GatewayPortNotDefinedOnService Warning',
      'IST0173 DestinationRuleSubsetNotSelectPods Warning',
      'IST0174 UnknownDestinationRuleHost Warning',
    ]);
  });

  test('a clean mesh has no finding', () => {
    expect(found(objs(
      ...reviews,
      dr('reviews', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] }),
      vs('reviews', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] }),
    ))).toStrictEqual([]);
  });
});

describe('IST0101 ReferencedResourceNotFound', () => {
  test('a subset the DestinationRule does not define', () => {
    expect(found(objs(
      ...reviews,
      dr('reviews', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] }),
      vs('reviews', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v4' } }] }] }),
    ), 'IST0101')).toStrictEqual(['[IST0101] VirtualService \'reviews\' routes to subset \'v4\' which DestinationRule \'reviews\' does not define']);
  });

  test('a subset of a Service of the app without any DestinationRule', () => {
    expect(found(objs(...reviews, vs('reviews', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] })), 'IST0101'))
      .toStrictEqual(['[IST0101] VirtualService \'reviews\' routes to subset \'v1\' of \'reviews\', but no DestinationRule defines subsets for it']);
  });

  test('a gateway named without the namespace the app declares it in', () => {
    expect(found(objs(
      gw('web', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] }, 'istio-system'),
      vs('shop', { hosts: ['shop.example.com'], gateways: ['web'], http: [{ route: [{ destination: { host: 'shop.example.com' } }] }] }, 'shop'),
    ), 'IST0101')).toStrictEqual([
      '[IST0101] VirtualService \'shop\' binds to gateway \'web\', which is not in namespace \'shop\'; the app declares it in \'istio-system\': write \'istio-system/web\'',
    ]);
  });

  test('a Service missing from a namespace the app creates; nothing said of namespaces it does not own', () => {
    const route = vs('r', { hosts: ['a'], http: [{ route: [{ destination: { host: 'ghost' } }] }] }, 'shop');
    expect(found(objs({ kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } }, route), 'IST0101'))
      .toStrictEqual(['[IST0101] VirtualService \'r\' routes to host \'ghost\' (http[0]), but namespace \'shop\', which this app creates, has no such Service']);
    expect(found(objs(route), 'IST0101')).toStrictEqual([]);
  });
});

describe('VirtualService checks', () => {
  test('IST0109: two VirtualServices of the mesh gateway for one host; alternatives of one object (same name, other files) are not a conflict', () => {
    const a = vs('reviews', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }] }] });
    const b = vs('reviews-canary', { hosts: ['reviews.default.svc.cluster.local'], http: [{ route: [{ destination: { host: 'reviews' } }] }] });
    expect(found(objs(...reviews, a, b), 'IST0109')).toStrictEqual([
      '[IST0109] The VirtualServices \'default/reviews\', \'default/reviews-canary\' bound to the mesh gateway define the same host \'reviews.default\': merge them into one',
      '[IST0109] The VirtualServices \'default/reviews\', \'default/reviews-canary\' bound to the mesh gateway define the same host \'reviews.default\': merge them into one',
    ]);
    expect(found([...objs(...reviews, a), { ...objs(a)[0], file: 'other' }], 'IST0109')).toStrictEqual([]);
  });

  test('IST0112: a Service with several ports and no port chosen', () => {
    const twoPorts = svc('web', [{ name: 'http', port: 80 }, { name: 'https', port: 443 }]);
    expect(found(objs(twoPorts, vs('web', { hosts: ['web'], http: [{ route: [{ destination: { host: 'web' } }] }] })), 'IST0112'))
      .toStrictEqual(['[IST0112] VirtualService \'web\' routes to \'web\' (http[0]), which exposes ports 80, 443, without choosing one']);
    expect(found(objs(twoPorts, vs('web', { hosts: ['web'], http: [{ route: [{ destination: { host: 'web', port: { number: 80 } } }] }] })), 'IST0112')).toStrictEqual([]);
  });

  test('IST0122: regular expressions Envoy\'s RE2 refuses', () => {
    expect(found(objs(vs('r', { hosts: ['a'], http: [{ match: [{ uri: { regex: '/(?!admin).*' }, headers: { 'x-id': { regex: '(a' } } }], route: [{ destination: { host: 'a' } }] }] })), 'IST0122'))
      .toStrictEqual([
        '[IST0122] VirtualService \'r\' http[0].match[0].uri: regular expression \'/(?!admin).*\' is invalid (RE2 has no lookaround)',
        expect.stringMatching(/^\[IST0122\] VirtualService 'r' http\[0\]\.match\[0\]\.headers\.x-id: regular expression '\(a' is invalid \(.+\)$/),
      ]);
    expect(found(objs(vs('r', { hosts: ['a'], http: [{ match: [{ uri: { regex: '/api/v[0-9]+/.*' } }], route: [{ destination: { host: 'a' } }] }] })), 'IST0122')).toStrictEqual([]);
  });

  test('IST0130 and IST0131: rules after a catch-all, and repeated matches', () => {
    const m = { headers: { 'end-user': { exact: 'jason' } } };
    const objects = objs(vs('r', {
      hosts: ['a'],
      http: [{ match: [m], route: [{ destination: { host: 'a' } }] }, { match: [m], route: [{ destination: { host: 'b' } }] }, { route: [{ destination: { host: 'a' } }] },
        { name: 'late', route: [{ destination: { host: 'b' } }] }],
    }));
    expect(found(objects, 'IST0130')).toStrictEqual(['[IST0130] VirtualService \'r\' rule http[3] \'late\' is never used: rule http[2] before it matches every request']);
    expect(found(objects, 'IST0131')).toStrictEqual(['[IST0131] VirtualService \'r\' http[1].match[0] is never used: rule http[0] has the same match']);
  });

  test('IST0132: a host the gateway does not serve (wildcards and namespace prefixes understood)', () => {
    const gateway = gw('web', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop/*.example.com'] }] });
    expect(found(objs(gateway, vs('r', { hosts: ['api.example.com', 'example.org'], gateways: ['default/web'], http: [{ route: [{ destination: { host: 'a' } }] }] }, 'shop')), 'IST0132'))
      .toStrictEqual(['[IST0132] VirtualService \'r\' hosts \'example.org\' are not served by gateway \'default/web\' (it serves \'shop/*.example.com\')']);
    expect(found(objs(gateway, vs('r', { hosts: ['api.example.com'], gateways: ['default/web'], http: [{ route: [{ destination: { host: 'a' } }] }] }, 'other')), 'IST0132'))
      .toHaveLength(1);
  });

  test('IST0149: routing on JWT claims at a gateway no RequestAuthentication covers', () => {
    const gateway = gw('web', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] });
    const route = vs('r', { hosts: ['a.example.com'], gateways: ['web'], http: [{ match: [{ headers: { '@request.auth.claims.groups': { exact: 'admin' } } }], route: [{ destination: { host: 'a' } }] }] });
    expect(found(objs(gateway, route), 'IST0149')).toStrictEqual([
      '[IST0149] VirtualService \'r\' routes on the JWT claim \'@request.auth.claims.groups\' at gateway \'web\', but no RequestAuthentication selects the gateway\'s pods ({"istio":"ingressgateway"}): '
      + 'the claims are only available once a RequestAuthentication validates the token',
    ]);
    const ra = { kind: 'RequestAuthentication', metadata: { name: 'jwt' }, spec: { selector: { matchLabels: { istio: 'ingressgateway' } }, jwtRules: [{ issuer: 'https://idp' }] } };
    expect(found(objs(gateway, route, ra), 'IST0149')).toStrictEqual([]);
  });
});

describe('DestinationRule checks', () => {
  test('IST0128 and IST0129: TLS origination without a CA', () => {
    const objects = objs(dr('ext', {
      host: 'api.example.com',
      trafficPolicy: { tls: { mode: 'SIMPLE' }, portLevelSettings: [{ port: { number: 8443 }, tls: { mode: 'MUTUAL', clientCertificate: '/c', privateKey: '/k' } }] },
    }));
    expect(found(objects, 'IST0128')).toStrictEqual(['[IST0128] DestinationRule \'ext\' has TLS mode SIMPLE but no caCertificates (or credentialName) to verify host \'api.example.com\'']);
    expect(found(objects, 'IST0129')).toStrictEqual(['[IST0129] DestinationRule \'ext\' has TLS mode MUTUAL on port 8443 but no caCertificates (or credentialName) to verify host \'api.example.com\'']);
    expect(found(objs(dr('ext', { host: 'api.example.com', trafficPolicy: { tls: { mode: 'SIMPLE', caCertificates: '/ca.pem' } } })))).toStrictEqual([]);
  });

  test('IST0173: a subset selecting none of its Service\'s pods', () => {
    expect(found(objs(...reviews, dr('reviews', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] })), 'IST0173'))
      .toStrictEqual(['[IST0173] DestinationRule \'reviews\' subset \'v2\' ({"version":"v2"}) selects none of the pods of Service \'reviews\'']);
  });

  test('IST0174: a host that is none of the Services the app declares in its namespace', () => {
    expect(found(objs(...reviews, dr('ratings', { host: 'ratings' })), 'IST0174'))
      .toStrictEqual(['[IST0174] DestinationRule \'ratings\' is for host \'ratings\', which is none of the Services of namespace \'default\' (\'reviews\')']);
    expect(found(objs(dr('ratings', { host: 'ratings' })), 'IST0174')).toStrictEqual([]);
  });
});

describe('Kubernetes object checks (Istio charts)', () => {
  test('IST0102: a namespace without injection label; IST0123: with both labels', () => {
    expect(found(objs({ kind: 'Namespace', metadata: { name: 'shop' } }), 'IST0102')).toStrictEqual([
      '[IST0102] Namespace \'shop\' is not enabled for Istio injection: label it istio-injection=enabled (MeshNamespace does), or istio-injection=disabled to say it needs none',
    ]);
    expect(found(objs({ kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio-injection': 'enabled', 'istio.io/rev': 'canary' } } }))).toStrictEqual([
      '[IST0123] Namespace \'shop\' has both istio-injection=enabled and istio.io/rev=canary: keep one',
    ]);
  });

  test('IST0116 and IST0137: Services selecting one workload with clashing ports', () => {
    const objects = objs(
      deploy('web', { app: 'web' }),
      svc('web', [{ name: 'http', port: 80, targetPort: 8080 }]),
      svc('web-grpc', [{ name: 'grpc', port: 80, targetPort: 9090 }], { app: 'web' }),
      svc('web-alt', [{ name: 'http-alt', port: 8000, targetPort: 8080 }], { app: 'web' }),
    );
    expect(found(objects, 'IST0116')).toStrictEqual(['[IST0116] Deployment \'web\' is selected by Services using port 80 with different protocols: web (http); web-grpc (grpc)']);
    expect(found(objects, 'IST0137')).toStrictEqual(['[IST0137] Deployment \'web\' is selected by Services sending target port 8080 from different ports: web (80); web-alt (8000)']);
  });

  test('IST0118: a port name that hides its protocol (appProtocol is enough)', () => {
    expect(found(objs(svc('db', [{ name: 'postgres', port: 5432 }, { name: 'metrics', port: 9090, appProtocol: 'http' }])), 'IST0118')).toStrictEqual([
      '[IST0118] Service \'db\' port 5432 is named \'postgres\', which does not follow Istio\'s <protocol>[-<suffix>] convention: name it e.g. \'http-postgres\' or set appProtocol',
    ]);
  });

  test('IST0144: user 1337 in a pod or an application container', () => {
    expect(found(objs(deploy('web', { app: 'web' }, { securityContext: { runAsUser: 1337 }, containers: [{ name: 'app', securityContext: { runAsUser: 1337 } }] })), 'IST0144')).toStrictEqual([
      '[IST0144] Deployment \'web\' runs its pods as user 1337, which is reserved for the Istio sidecar',
      '[IST0144] Deployment \'web\' container \'app\' runs as user 1337, which is reserved for the Istio sidecar',
    ]);
  });

  test('not applied to objects of Linkerd or mesh-less charts', () => {
    const linkerd = objs({ kind: 'Namespace', metadata: { name: 'shop' } }, svc('db', [{ name: 'postgres', port: 5432 }])).map(o => ({ ...o, mesh: 'linkerd' }));
    expect(found(linkerd)).toStrictEqual([]);
  });
});

describe('annotation checks', () => {
  const annotated = (podAnnotations: { [k: string]: string }, own?: { [k: string]: string }) =>
    objs({ ...deploy('web', { app: 'web' }, undefined, podAnnotations), metadata: { name: 'web', annotations: own } });

  test('IST0107: a pod annotation on the Deployment\'s own metadata', () => {
    expect(found(annotated({}, { 'sidecar.istio.io/proxyCPU': '100m' }), 'IST0107'))
      .toStrictEqual(['[IST0107] Deployment \'web\' metadata.annotations: annotation \'sidecar.istio.io/proxyCPU\' applies to pods (a workload\'s spec.template.metadata) only']);
  });

  test('IST0108: an unknown annotation in an Istio domain (a typo)', () => {
    expect(found(annotated({ 'sidecar.istio.io/proxyCpu': '100m' }), 'IST0108'))
      .toStrictEqual(['[IST0108] Deployment \'web\' spec.template.metadata.annotations: unknown Istio annotation \'sidecar.istio.io/proxyCpu\'']);
  });

  test('IST0125: a known annotation with a value Istio cannot use; IST0135: a deprecated one', () => {
    const objects = annotated({ 'sidecar.istio.io/inject': 'yes', 'traffic.sidecar.istio.io/excludeOutboundPorts': '80;443' });
    expect(found(objects, 'IST0125')).toStrictEqual([
      '[IST0125] Deployment \'web\' spec.template.metadata.annotations: annotation \'sidecar.istio.io/inject\' must be one of true, false: got \'yes\'',
      '[IST0125] Deployment \'web\' spec.template.metadata.annotations: annotation \'traffic.sidecar.istio.io/excludeOutboundPorts\' must be \'*\' or a comma-separated list of port numbers: got \'80;443\'',
    ]);
    expect(found(objects, 'IST0135')).toStrictEqual([
      '[IST0135] Deployment \'web\' spec.template.metadata.annotations: annotation \'sidecar.istio.io/inject\' is deprecated: use the pod label sidecar.istio.io/inject instead',
    ]);
  });
});

describe('gateway, policy and telemetry checks', () => {
  const server = (port: number, hosts: string[]) => ({ port: { number: port, name: `p${port}`, protocol: 'HTTP' }, hosts });

  test('IST0145: two gateways of one workload on one port with overlapping hosts', () => {
    expect(found(objs(
      gw('a', { selector: { istio: 'ingressgateway' }, servers: [server(80, ['*.example.com'])] }),
      gw('b', { selector: { istio: 'ingressgateway' }, servers: [server(80, ['shop.example.com'])] }),
      gw('c', { selector: { istio: 'ingressgateway' }, servers: [server(8080, ['shop.example.com'])] }),
    ), 'IST0145')).toStrictEqual([
      '[IST0145] Gateway \'a\' conflicts with gateway \'default/b\' (selector {"istio":"ingressgateway"}, port 80, hosts *.example.com)',
      '[IST0145] Gateway \'b\' conflicts with gateway \'default/a\' (selector {"istio":"ingressgateway"}, port 80, hosts *.example.com)',
    ]);
  });

  test('IST0162: a gateway port its workload\'s Service (in the app) does not expose', () => {
    expect(found(objs(
      gw('a', { selector: { istio: 'ingressgateway' }, servers: [server(8080, ['*']), server(9000, ['*'])] }),
      svc('istio-ingressgateway', [{ name: 'http2', port: 80, targetPort: 8080 }], { istio: 'ingressgateway' }),
    ), 'IST0162')).toStrictEqual([
      '[IST0162] Gateway \'a\' listens on port 9000, which Service \'istio-ingressgateway\' of its workload ({"istio":"ingressgateway"}) does not expose',
    ]);
  });

  test('IST0127: a policy selecting none of the namespace\'s workloads', () => {
    const policy = { kind: 'AuthorizationPolicy', metadata: { name: 'p' }, spec: { selector: { matchLabels: { app: 'ratings' } }, action: 'ALLOW' } };
    expect(found(objs(...reviews, policy), 'IST0127'))
      .toStrictEqual(['[IST0127] AuthorizationPolicy \'p\' selects {"app":"ratings"}, which matches none of the workloads in namespace \'default\'']);
    expect(found(objs(policy), 'IST0127')).toStrictEqual([]);
  });

  test('IST0111 and IST0160: several namespace-wide Sidecars or Telemetries in a namespace', () => {
    const t = (name: string) => ({ kind: 'Telemetry', metadata: { name, namespace: 'istio-system' }, spec: { tracing: [{ randomSamplingPercentage: 1 }] } });
    const s = (name: string) => ({ kind: 'Sidecar', metadata: { name }, spec: { egress: [{ hosts: ['./*'] }] } });
    const objects = objs(t('a'), t('b'), s('x'), s('y'));
    expect(found(objects, 'IST0160')).toStrictEqual(Array(2).fill(
      '[IST0160] The Telemetry resources \'a\', \'b\' in namespace \'istio-system\' have no workload selector: Istio applies only one of them (give each a selector or merge them)'));
    expect(found(objects, 'IST0111')).toHaveLength(2);
  });

  test('IST0157: a Telemetry with empty providers', () => {
    expect(found(objs({ kind: 'Telemetry', metadata: { name: 't' }, spec: { tracing: [{ providers: [] }] } }), 'IST0157'))
      .toStrictEqual(['[IST0157] Telemetry \'t\' in namespace \'default\' has empty providers in tracing: it will be ignored']);
  });

  test('IST0134: a TCP ServiceEntry without addresses', () => {
    const se = (ports: object[], addresses?: string[]) => ({ kind: 'ServiceEntry', metadata: { name: 'db' }, spec: { hosts: ['db.example.com'], addresses, ports, resolution: 'DNS' } });
    expect(found(objs(se([{ number: 5432, name: 'tcp', protocol: 'TCP' }])), 'IST0134'))
      .toStrictEqual(['[IST0134] ServiceEntry \'db\' serves TCP on port 5432 without addresses: give it addresses, or a protocol Istio can route by (HTTP, TLS)']);
    expect(found(objs(se([{ number: 443, name: 'tls', protocol: 'TLS' }])), 'IST0134')).toStrictEqual([]);
  });
});

describe('the report', () => {
  test('levels, promotion of warnings, and stable output', () => {
    const objects = objs(dr('ext', { host: 'api.example.com', trafficPolicy: { tls: { mode: 'SIMPLE' } } }), svc('db', [{ name: 'pg', port: 5432 }]));
    const report = analyze(objects);
    expect(report.findings.map(f => `${f.level} ${f.code}`)).toStrictEqual(['Info IST0118', 'Warning IST0128']);
    expect(analyze(objects, { warningsAsErrors: true }).findings.map(f => f.level)).toStrictEqual([FindingLevel.INFO, FindingLevel.ERROR]);
    expect(JSON.stringify(analyze(objects).toJson())).toBe(JSON.stringify(report.toJson()));
    expect(report.toJson().summary).toStrictEqual({ errors: 0, warnings: 1, info: 1, suppressed: 0 });
  });
});
