import { App } from 'cdk8s';
import {
  AuthorizationMode, AuthorizedClient, DataPlane, DefaultInboundPolicy, IstioApiVersion, Mesh, MeshChart, MeshNamespace, MeshProvider, MeshService,
  Protocol, ServiceAuthorization, Waypoint,
} from '../../lib';
import { errorOf } from '../support/errors';
import { expectSchemaValid } from '../support/schemas';
import { only, synthObjects } from '../support/synth';

function services(chart: MeshChart) {
  const web = new MeshService(chart, 'web', { ports: [{ port: 80 }] });
  web.addVersion('v1', { image: 'nginx:1.27.0' });
  const api = new MeshService(chart, 'api', { ports: [{ port: 8080, containerPortName: 'http-api' }, { port: 9000, protocol: Protocol.GRPC, targetPort: 9001 }] });
  api.addVersion('v1', { image: 'api:1.0.0' });
  return { web, api };
}

describe('ServiceAuthorization under Linkerd', () => {
  const objects = expectSchemaValid(synthObjects(app => {
    const chart = new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD, namespace: 'shop' });
    const { web, api } = services(chart);
    new ServiceAuthorization(chart, 'api-callers', {
      service: api,
      allowFrom: [AuthorizedClient.service(web), AuthorizedClient.serviceAccount('reporter', 'ops'), AuthorizedClient.namespace('monitoring')],
    });
  })).filter(o => o.apiVersion.startsWith('policy.linkerd.io'));

  test('a Server per port (deny by default, protocol from the port), one MeshTLSAuthentication, an AuthorizationPolicy per Server', () => {
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toStrictEqual([
      'Server/api-8080', 'Server/api-9001', 'MeshTLSAuthentication/api', 'AuthorizationPolicy/api-8080', 'AuthorizationPolicy/api-9001',
    ]);
    expect(only(objects, 'Server', 'api-8080').spec).toStrictEqual({ podSelector: { matchLabels: { app: 'api' } }, port: 'http-api', proxyProtocol: 'HTTP/1', accessPolicy: 'deny' });
    expect(only(objects, 'Server', 'api-9001').spec).toStrictEqual({ podSelector: { matchLabels: { app: 'api' } }, port: 9001, proxyProtocol: 'gRPC', accessPolicy: 'deny' });
    expect(only(objects, 'MeshTLSAuthentication').spec).toStrictEqual({
      identityRefs: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }, { kind: 'ServiceAccount', name: 'reporter', namespace: 'ops' }, { kind: 'Namespace', name: 'monitoring' }],
    });
    expect(only(objects, 'AuthorizationPolicy', 'api-9001')).toStrictEqual({
      apiVersion: 'policy.linkerd.io/v1alpha1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'api-9001', namespace: 'shop' },
      spec: {
        targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'api-9001' },
        requiredAuthenticationRefs: [{ group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: 'api' }],
      },
    });
  });

  test('any meshed caller: identities [*]; only the ports asked for', () => {
    const objects2 = expectSchemaValid(synthObjects(app => {
      const chart = new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD });
      new ServiceAuthorization(chart, 'a', { service: services(chart).api, allowFrom: [AuthorizedClient.anyMeshed()], ports: [9000], name: 'api-grpc' });
    })).filter(o => o.apiVersion.startsWith('policy.linkerd.io'));
    expect(objects2.map(o => `${o.kind}/${o.metadata.name}`)).toStrictEqual(['Server/api-grpc-9001', 'MeshTLSAuthentication/api-grpc', 'AuthorizationPolicy/api-grpc-9001']);
    expect(only(objects2, 'MeshTLSAuthentication').spec).toStrictEqual({ identities: ['*'] });
  });
});

describe('ServiceAuthorization under Istio', () => {
  test('an ALLOW AuthorizationPolicy on the service\'s pods: principals, namespaces, ports', () => {
    const objects = expectSchemaValid(synthObjects(app => {
      const chart = new MeshChart(app, 'c', { namespace: 'shop' });
      const { web, api } = services(chart);
      new ServiceAuthorization(chart, 'api-callers', { service: api, allowFrom: [AuthorizedClient.service(web), AuthorizedClient.namespace('monitoring')] });
    }));
    expect(only(objects, 'AuthorizationPolicy')).toStrictEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'api', namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: 'api' } },
        action: 'ALLOW',
        rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }, { source: { namespaces: ['monitoring'] } }], to: [{ operation: { ports: ['8080', '9001'] } }] }],
      },
    });
  });

  test('security.istio.io/v1beta1 for charts on older Istio APIs (there is no v1alpha3 security API)', () => {
    const objects = synthObjects(app => {
      const chart = new MeshChart(app, 'c', { istioApiVersion: IstioApiVersion.V1ALPHA3 });
      new ServiceAuthorization(chart, 'a', { service: services(chart).web, allowFrom: [AuthorizedClient.anyMeshed()] });
    });
    expect(only(objects, 'AuthorizationPolicy').apiVersion).toBe('security.istio.io/v1beta1');
    expect((only(objects, 'AuthorizationPolicy').spec as any).rules[0].from).toStrictEqual([{ source: { principals: ['*'] } }]);
  });
});

describe('ServiceAuthorization under Istio ambient', () => {
  const build = (waypoint: boolean) => (app: App) => {
    const chart = new MeshChart(app, 'c', { namespace: 'shop', dataPlane: DataPlane.AMBIENT });
    const namespace = new MeshNamespace(chart, 'ns', { name: 'shop' });
    const wp = waypoint ? new Waypoint(chart, 'wp', { name: 'waypoint', namespace }) : undefined;
    const web = new MeshService(chart, 'web', { namespace, ports: [{ port: 80 }], image: 'web:1.0' });
    new MeshService(chart, 'other', { namespace, ports: [{ port: 80 }], image: 'other:1.0' });
    const api = new MeshService(chart, 'api', { namespace, ports: [{ port: 8080, targetPort: 9000 }], image: 'api:1.0', ...(wp ? { waypoint: wp } : {}) });
    new ServiceAuthorization(chart, 'api-callers', { service: api, allowFrom: [AuthorizedClient.service(web)] });
  };

  test('with a waypoint: the waypoint enforces it (targetRefs, the Service\'s ports); the pods admit only the waypoint', () => {
    const objects = expectSchemaValid(synthObjects(build(true)));
    const policies = objects.filter(o => o.kind === 'AuthorizationPolicy').map(o => [o.metadata.name, o.spec]);
    expect(policies).toStrictEqual([
      ['api-waypoint-bypass', { action: 'DENY', rules: [{ from: [{ source: { notPrincipals: ['cluster.local/ns/shop/sa/waypoint'] } }] }], selector: { matchLabels: { app: 'api' } } }],
      ['api-from-waypoint', { action: 'ALLOW', rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/waypoint'] } }] }], selector: { matchLabels: { app: 'api' } } }],
      ['api', {
        targetRefs: [{ group: '', kind: 'Service', name: 'api' }],
        action: 'ALLOW',
        rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { ports: ['8080'] } }] }],
      }],
    ]);
  });

  test('the model: the named caller gets in through the waypoint, another is refused there; without a waypoint, ztunnel decides', () => {
    for (const waypoint of [true, false]) {
      const app = new App();
      build(waypoint)(app);
      const mesh = Mesh.fromApp(app);
      const allowed = mesh.request({ from: 'shop/web', host: 'api', port: 8080 });
      expect([allowed.outcome, allowed.destinations[0].authorization?.enforcedBy]).toStrictEqual(['routed', 'ztunnel']);
      const refused = mesh.request({ from: 'shop/other', host: 'api', port: 8080 });
      expect([refused.outcome, refused.destinations[0].authorization?.enforcedBy]).toStrictEqual(['denied', waypoint ? 'waypoint' : 'ztunnel']);
    }
  });
});

describe('ServiceAuthorization errors', () => {
  const chartFor = (mesh = MeshProvider.LINKERD) => new MeshChart(new App(), 'c', { mesh });

  test('fails if no caller is named', () => {
    const chart = chartFor();
    expect(errorOf(() => new ServiceAuthorization(chart, 'a', { service: services(chart).web, allowFrom: [] })))
      .toBe('[c/a] \'allowFrom\' must name at least one caller: got []; name the callers to let in, the requests some callers may make in allowRequests, '
      + 'or (Linkerd) an accessPolicy that admits callers (no caller would refuse every request)');
  });

  test('fails if a caller is named twice', () => {
    const chart = chartFor();
    expect(errorOf(() => new ServiceAuthorization(chart, 'a', { service: services(chart).web, allowFrom: [AuthorizedClient.namespace('ops'), AuthorizedClient.namespace('ops')] })))
      .toBe('[c/a] \'allowFrom\' must name each caller once: got \'namespace ops\'');
  });

  test('fails if a port is not the service\'s', () => {
    const chart = chartFor();
    expect(errorOf(() => new ServiceAuthorization(chart, 'a', { service: services(chart).api, allowFrom: [AuthorizedClient.anyMeshed()], ports: [9001] })))
      .toBe('[c/a] \'ports\' must be ports of service \'api\': got 9001; its ports are 8080, 9000');
  });

  test('fails if the chart has no mesh', () => {
    const chart = chartFor(MeshProvider.NONE);
    expect(errorOf(() => new ServiceAuthorization(chart, 'a', { service: services(chart).web, allowFrom: [AuthorizedClient.anyMeshed()] })))
      .toBe('[c/a] \'mesh\' ServiceAuthorization needs a mesh: this chart is rendered for MeshProvider.NONE: got \'none\'; render the chart for MeshProvider.ISTIO or LINKERD');
  });

  test('fails if a ServiceAccount or namespace name is invalid', () => {
    expect(errorOf(() => AuthorizedClient.serviceAccount('Reporter', 'ops'))).toMatch(/^\w+\.\w+: 'serviceAccount\.name' must be a DNS-1123 subdomain .*: got 'Reporter'; write it as 'reporter'$/);
    expect(errorOf(() => AuthorizedClient.namespace('Ops'))).toMatch(/^\w+\.\w+: 'namespace' must be a DNS-1123 label .*: got 'Ops'; write it as 'ops'$/);
  });
});

describe('observe before enforcing, callers by network, default inbound policy', () => {
  const build = (mesh: MeshProvider) => expectSchemaValid(synthObjects(app => {
    const chart = new MeshChart(app, 'c', { mesh, namespace: 'shop' });
    const { web } = services(chart);
    new ServiceAuthorization(chart, 'web-callers', {
      service: web,
      mode: AuthorizationMode.AUDIT,
      allowFrom: [AuthorizedClient.namespace('frontend'), AuthorizedClient.network('10.0.0.0/8', { except: ['10.1.0.0/16'] })],
    });
  }));

  test('Linkerd: Servers in audit mode; a NetworkAuthentication with its own AuthorizationPolicy beside the MeshTLSAuthentication', () => {
    const objects = build(MeshProvider.LINKERD).filter(o => o.apiVersion.startsWith('policy.linkerd.io'));
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toStrictEqual([
      'Server/web-80', 'MeshTLSAuthentication/web', 'NetworkAuthentication/web', 'AuthorizationPolicy/web-80', 'AuthorizationPolicy/web-80-networks',
    ]);
    expect((only(objects, 'Server').spec as { accessPolicy: string }).accessPolicy).toBe('audit');
    expect(only(objects, 'NetworkAuthentication').spec).toStrictEqual({ networks: [{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }] });
    expect((only(objects, 'AuthorizationPolicy', 'web-80-networks').spec as { requiredAuthenticationRefs: unknown }).requiredAuthenticationRefs)
      .toStrictEqual([{ group: 'policy.linkerd.io', kind: 'NetworkAuthentication', name: 'web' }]);
  });

  test('Istio: a dry-run ALLOW policy, the network as ipBlocks with notIpBlocks', () => {
    const policy = only(build(MeshProvider.ISTIO), 'AuthorizationPolicy');
    expect(policy.metadata.annotations).toStrictEqual({ 'istio.io/dry-run': 'true' });
    expect((policy.spec as { rules: Array<{ from: unknown }> }).rules[0].from).toStrictEqual([
      { source: { namespaces: ['frontend'] } }, { source: { ipBlocks: ['10.0.0.0/8'], notIpBlocks: ['10.1.0.0/16'] } },
    ]);
  });

  test('a network that is not a CIDR, an exception outside it; a default inbound policy on a Linkerd namespace, refused under Istio', () => {
    expect(errorOf(() => AuthorizedClient.network('10.0.0.0/33'))).toBe(
      'AuthorizedClient.network: \'network.cidr\' must be an IPv4 or IPv6 address or CIDR block: got \'10.0.0.0/33\'; e.g. \'10.0.0.0/8\' or \'fd00::/8\'');
    expect(errorOf(() => AuthorizedClient.network('10.0.0.0/8', { except: ['192.168.0.0/16'] }))).toBe(
      'AuthorizedClient.network: \'network.except[0]\' must be within the network \'10.0.0.0/8\': got \'192.168.0.0/16\'; name an address block inside it, or leave it out');
    const ns = only(synthObjects(app => {
      new MeshNamespace(new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD }), 'ns', { name: 'shop', defaultInboundPolicy: DefaultInboundPolicy.CLUSTER_AUTHENTICATED });
    }), 'Namespace');
    expect(ns.metadata.annotations).toStrictEqual({ 'linkerd.io/inject': 'enabled', 'config.linkerd.io/default-inbound-policy': 'cluster-authenticated' });
    // and on one workload's pods
    const deployment = only(synthObjects(app => {
      new MeshService(new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD }), 'db', {
        image: 'docker.io/library/postgres:16.4', ports: [{ port: 5432, protocol: Protocol.TCP }], defaultInboundPolicy: DefaultInboundPolicy.DENY,
      });
    }), 'Deployment');
    expect((deployment.spec as { template: { metadata: { annotations: unknown } } }).template.metadata.annotations)
      .toStrictEqual({ 'config.linkerd.io/default-inbound-policy': 'deny' });
    expect(errorOf(() => new MeshNamespace(new MeshChart(new App(), 'c'), 'ns', { defaultInboundPolicy: DefaultInboundPolicy.DENY }))).toBe(
      '[c/ns] \'defaultInboundPolicy\' cannot be expressed with the istio back-end: it is Linkerd\'s (config.linkerd.io/default-inbound-policy): got \'deny\'; '
      + 'under Istio use PeerAuthentication (STRICT) and AuthorizationPolicy.denyAllThenAllow(), or render this chart for MeshProvider.LINKERD');
  });
});

describe('rate limits (Linkerd HTTPLocalRateLimitPolicy)', () => {
  test('on each Server of the authorization: overall, per client, and overrides by ServiceAccount', () => {
    const objects = expectSchemaValid(synthObjects(app => {
      const chart = new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD, namespace: 'shop' });
      const { web, api } = services(chart);
      new ServiceAuthorization(chart, 'api-callers', {
        service: api,
        ports: [8080],
        allowFrom: [AuthorizedClient.anyMeshed()],
        rateLimit: { requestsPerSecond: 100, perClient: 20, overrides: [{ clients: [AuthorizedClient.service(web)], requestsPerSecond: 50 }] },
      });
    }));
    expect(only(objects, 'HTTPLocalRateLimitPolicy')).toStrictEqual({
      apiVersion: 'policy.linkerd.io/v1alpha1',
      kind: 'HTTPLocalRateLimitPolicy',
      metadata: { name: 'api-8080', namespace: 'shop' },
      spec: {
        targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'api-8080' },
        total: { requestsPerSecond: 100 },
        identity: { requestsPerSecond: 20 },
        overrides: [{ requestsPerSecond: 50, clientRefs: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }] }],
      },
    });
  });

  test('an override for a ServiceAccount the app does not declare (emojivoto/default, a client of another repository) is accepted as named', () => {
    // Linkerd's rate-limiting task overrides the limit of `emojivoto/default`, the ServiceAccount of a client pod the
    // app does not declare: the analysis cannot check it exists, so it is written as named
    const objects = expectSchemaValid(synthObjects(app => {
      const chart = new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD, namespace: 'emojivoto' });
      const { api } = services(chart);
      new ServiceAuthorization(chart, 'a', {
        service: api,
        ports: [8080],
        allowFrom: [AuthorizedClient.anyMeshed()],
        rateLimit: { perClient: 4, overrides: [{ clients: [AuthorizedClient.serviceAccount('default', 'emojivoto'), AuthorizedClient.serviceAccount('loadgen', 'tools')], requestsPerSecond: 6 }] },
      });
    }));
    expect((only(objects, 'HTTPLocalRateLimitPolicy').spec as { overrides: unknown }).overrides).toStrictEqual([{
      requestsPerSecond: 6,
      clientRefs: [{ kind: 'ServiceAccount', name: 'default', namespace: 'emojivoto' }, { kind: 'ServiceAccount', name: 'loadgen', namespace: 'tools' }],
    }]);
  });

  test('bad input: an override naming a namespace or a network, a per-client rate above the overall one, TCP ports, Istio', () => {
    const ns = new MeshChart(new App(), 'c', { mesh: MeshProvider.LINKERD, namespace: 'shop' });
    expect(errorOf(() => new ServiceAuthorization(ns, 'a', {
      service: services(ns).api, allowFrom: [AuthorizedClient.anyMeshed()], rateLimit: { overrides: [{ clients: [AuthorizedClient.namespace('ops')], requestsPerSecond: 5 }] },
    }))).toBe('[c/a] \'rateLimit.overrides[0].clients[0]\' must be a caller identity: Linkerd overrides limits per ServiceAccount: got \'namespace ops\'; '
      + 'use AuthorizedClient.service(...) or AuthorizedClient.serviceAccount(name, namespace)');
    const chart = new MeshChart(new App(), 'c', { mesh: MeshProvider.LINKERD, namespace: 'shop' });
    expect(errorOf(() => new ServiceAuthorization(chart, 'a', {
      service: services(chart).api, allowFrom: [AuthorizedClient.anyMeshed()], rateLimit: { requestsPerSecond: 10, perClient: 20 },
    }))).toBe('[c/a] \'rateLimit.perClient\' must be at most the overall limit (10): Linkerd applies the overall limit first: got 20; lower it, or raise requestsPerSecond');
    const tcp = new MeshChart(new App(), 'c', { mesh: MeshProvider.LINKERD });
    const db = new MeshService(tcp, 'db', { image: 'docker.io/library/postgres:16.4', ports: [{ port: 5432, protocol: Protocol.TCP }] });
    expect(errorOf(() => new ServiceAuthorization(tcp, 'a', { service: db, allowFrom: [AuthorizedClient.anyMeshed()], rateLimit: { requestsPerSecond: 10 } }))).toBe(
      '[c/a] \'rateLimit\' must guard HTTP or gRPC ports only: a local rate limit counts requests, and port 5432 is tcp: got 5432; '
      + 'limit the ports with ports: [...], or put the rate limit on a ServiceAuthorization of the HTTP ports');
    const istio = new MeshChart(new App(), 'c');
    expect(errorOf(() => new ServiceAuthorization(istio, 'a', {
      service: services(istio).api, allowFrom: [AuthorizedClient.anyMeshed()], rateLimit: { requestsPerSecond: 10 },
    }))).toBe('[c/a] \'rateLimit\' cannot be expressed with the istio back-end: Istio has no rate-limit API (its local rate limit is an EnvoyFilter): got 10; '
      + 'remove it, or render this chart for MeshProvider.LINKERD (HTTPLocalRateLimitPolicy)');
  });
});
