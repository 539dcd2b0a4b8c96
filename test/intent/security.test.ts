import { App } from 'cdk8s';
import {
  AuthorizationAction, AuthorizationPolicy, HeaderMatch, HttpMatch, IngressGateway, IngressGatewayRoute, IstioApiVersion, MeshApp, MeshChart,
  MeshProvider, MeshService, MtlsMode, PeerAuthentication, RequestAuthentication, RequestCondition, RequestSource, RouteAction, TrafficApi,
  WorkloadSelector,
} from '../../lib';
import { errorOf } from '../support/errors';
import { expectSchemaValid } from '../support/schemas';
import { K8sObject } from '../support/shared';
import { only, synthError, synthObjects } from '../support/synth';

function shop(chart: MeshChart) {
  const web = new MeshService(chart, 'web', { ports: [{ port: 80 }] });
  web.addVersion('v1', { image: 'nginx:1.27.0' });
  const api = new MeshService(chart, 'api', { ports: [{ port: 8080 }] });
  api.addVersion('v1', { image: 'api:1.0.0' });
  return { web, api };
}
const inShop = (build: (chart: MeshChart, s: ReturnType<typeof shop>) => void): K8sObject[] =>
  expectSchemaValid(synthObjects(app => { const chart = new MeshChart(app, 'c', { namespace: 'shop' }); build(chart, shop(chart)); }));
const named = (objects: K8sObject[], kind: string, name: string) => only(objects, kind, name);

describe('PeerAuthentication', () => {
  test('defaults: STRICT, named default, for the chart\'s namespace', () => {
    const objects = inShop(chart => { new PeerAuthentication(chart, 'mtls'); });
    expect(only(objects, 'PeerAuthentication')).toStrictEqual({
      apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'shop' }, spec: { mtls: { mode: 'STRICT' } },
    });
  });

  test('mesh-wide: default in Istio\'s root namespace', () => {
    const objects = inShop(chart => { PeerAuthentication.meshWide(chart, 'mesh'); });
    expect(only(objects, 'PeerAuthentication').metadata).toStrictEqual({ name: 'default', namespace: 'istio-system' });
  });

  test('a workload with a PERMISSIVE opt-out on one port', () => {
    const objects = inShop((chart, { api }) => {
      new PeerAuthentication(chart, 'api-mtls', { workload: WorkloadSelector.service(api), portLevelMtls: { 9090: MtlsMode.PERMISSIVE } });
    });
    expect(only(objects, 'PeerAuthentication')).toStrictEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'api-mtls', namespace: 'shop' },
      spec: { selector: { matchLabels: { app: 'api' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 9090: { mode: 'PERMISSIVE' } } },
    });
  });

  test('PERMISSIVE namespace-wide, as a documented opt-out; v1beta1 on old Istio APIs', () => {
    const objects = synthObjects(app => { new PeerAuthentication(new MeshChart(app, 'c', { istioApiVersion: IstioApiVersion.V1BETA1 }), 'm', { mode: MtlsMode.PERMISSIVE }); });
    expect(only(objects, 'PeerAuthentication')).toMatchObject({ apiVersion: 'security.istio.io/v1beta1', spec: { mtls: { mode: 'PERMISSIVE' } } });
  });

  test('fails if port-level modes are given without a workload, or keyed by something else than ports', () => {
    const chart = new MeshChart(new App(), 'c');
    expect(errorOf(() => new PeerAuthentication(chart, 'a', { portLevelMtls: { 8080: MtlsMode.DISABLE } })))
      .toBe('[c/a] \'portLevelMtls\' needs a workload selector: Istio ignores port-level modes on namespace-wide policies: got [8080]; set workload');
    expect(errorOf(() => new PeerAuthentication(chart, 'b', { workload: WorkloadSelector.labels({ app: 'x' }), portLevelMtls: { 0: MtlsMode.DISABLE } })))
      .toBe('[c/b] \'portLevelMtls\' must be keyed by port numbers (1-65535): got \'0\'');
  });

  test('fails under Linkerd, naming what to use', () => {
    expect(errorOf(() => new PeerAuthentication(new MeshChart(new App(), 'c', { mesh: MeshProvider.LINKERD }), 'm')))
      .toBe('[c/m] \'mesh\' PeerAuthentication cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): it is an Istio resource: got \'linkerd\'; '
        + 'Linkerd proxies always use mutual TLS between meshed pods; refuse plain text with ServiceAuthorization');
  });
});

describe('AuthorizationPolicy', () => {
  test('typed rules: a service\'s identity, namespaces, JWT principals, IP blocks; paths, methods, ports, hosts; JWT claims and headers', () => {
    const objects = inShop((chart, { web, api }) => {
      new AuthorizationPolicy(chart, 'api-allow', {
        workload: WorkloadSelector.service(api),
        rules: [
          { from: [RequestSource.service(web), RequestSource.namespaces('ops')], to: [{ methods: ['GET', 'POST'], paths: ['/api/*'], ports: [8080] }] },
          { from: [RequestSource.jwt('https://idp.example.com')], to: [{ hosts: ['api.example.com'] }], when: [RequestCondition.jwtClaim('groups', 'admin'), RequestCondition.header('X-Tenant', 'a', 'b')] },
          { from: [RequestSource.ipBlocks('10.0.0.0/8'), RequestSource.serviceAccount('prometheus', 'istio-system')] },
        ],
      });
    });
    expect(only(objects, 'AuthorizationPolicy').spec).toStrictEqual({
      selector: { matchLabels: { app: 'api' } },
      rules: [
        {
          from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }, { source: { namespaces: ['ops'] } }],
          to: [{ operation: { ports: ['8080'], methods: ['GET', 'POST'], paths: ['/api/*'] } }],
        },
        {
          from: [{ source: { requestPrincipals: ['https://idp.example.com/*'] } }],
          to: [{ operation: { hosts: ['api.example.com'] } }],
          when: [{ key: 'request.auth.claims[groups]', values: ['admin'] }, { key: 'request.headers[x-tenant]', values: ['a', 'b'] }],
        },
        { from: [{ source: { ipBlocks: ['10.0.0.0/8'] } }, { source: { principals: ['cluster.local/ns/istio-system/sa/prometheus'] } }] },
      ],
    });
  });

  test('deny all, then allow, in one call', () => {
    const objects = inShop((chart, { web, api }) => {
      AuthorizationPolicy.denyAllThenAllow(chart, 'shop-zero-trust', { allow: [{ from: [RequestSource.service(web)] }], workload: WorkloadSelector.service(api) });
    });
    expect(objects.filter(o => o.kind === 'AuthorizationPolicy').map(o => [o.metadata.name, o.spec])).toStrictEqual([
      ['allow-nothing', {}],
      ['shop-zero-trust-allow', { selector: { matchLabels: { app: 'api' } }, rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }] }] }],
    ]);
  });

  test('DENY and CUSTOM write their action (and provider); AUDIT too', () => {
    const objects = inShop((chart, { api }) => {
      new AuthorizationPolicy(chart, 'deny', { action: AuthorizationAction.DENY, workload: WorkloadSelector.service(api), rules: [{ to: [{ paths: ['/admin*'] }] }] });
      new AuthorizationPolicy(chart, 'ext', { action: AuthorizationAction.CUSTOM, provider: 'opa', rules: [{ to: [{ paths: ['/payments/*'] }] }] });
    });
    expect(named(objects, 'AuthorizationPolicy', 'deny').spec).toMatchObject({ action: 'DENY' });
    expect(named(objects, 'AuthorizationPolicy', 'ext').spec).toStrictEqual({ action: 'CUSTOM', provider: { name: 'opa' }, rules: [{ to: [{ operation: { paths: ['/payments/*'] } }] }] });
  });

  const chart = () => new MeshChart(new App(), 'c');
  test.each([
    ['a CUSTOM policy has no provider', () => new AuthorizationPolicy(chart(), 'p', { action: AuthorizationAction.CUSTOM, rules: [{}] }),
      '[c/p] \'provider\' must name the external authorizer of a CUSTOM policy: got \'none\'; an extensionProviders name of the mesh config'],
    ['a provider is given to another action', () => new AuthorizationPolicy(chart(), 'p', { provider: 'opa' }), '[c/p] \'provider\' is only for CUSTOM policies: got \'opa\''],
    ['a method is not an upper-case HTTP method', () => new AuthorizationPolicy(chart(), 'p', { rules: [{ to: [{ methods: ['get'] }] }] }),
      '[c/p] \'rules[0].to.methods\' must be HTTP methods in upper case (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, CONNECT, TRACE): got \'get\''],
    ['a path has a * in the middle', () => new AuthorizationPolicy(chart(), 'p', { rules: [{ to: [{ paths: ['/a/*/b'] }] }] }),
      '[c/p] \'rules[0].to.paths\' must start with \'/\' (or \'*\'), with \'*\' only first or last: got \'/a/*/b\''],
    ['a port is out of range', () => new AuthorizationPolicy(chart(), 'p', { rules: [{ to: [{ ports: [70000] }] }] }), '[c/p] \'rules[0].to.ports\' must be port numbers (1-65535): got 70000'],
    ['an operation restricts nothing', () => new AuthorizationPolicy(chart(), 'p', { rules: [{ to: [{}] }] }),
      '[c/p] \'rules[0].to\' must restrict at least one of paths, methods, ports, hosts: got \'{}\'; leave `to` out to match any operation'],
    ['an IP block is not one', () => RequestSource.ipBlocks('10.0.0.0/8', 'corp'), 'RequestSource.ipBlocks: \'ipBlocks\' must be IP addresses or CIDR blocks: got \'corp\'; e.g. \'10.0.0.0/8\''],
    ['a condition has no value', () => RequestCondition.jwtClaim('groups'), 'RequestCondition.jwtClaim: \'request.auth.claims[groups]\' must list at least one value: got []'],
  ])('fails if %s', (_n, fn, message) => {
    expect(errorOf(fn)).toBe(message);
  });

  test('fails at synth if a DENY policy has no rule (it would deny nothing)', () => {
    expect(synthError(app => { new AuthorizationPolicy(new MeshChart(app, 'c'), 'p', { action: AuthorizationAction.DENY }); }))
      .toBe('Validation failed with the following errors:\n  [c/p] \'rules\' must hold at least one rule: a DENY policy without rules matches nothing: got 0; add a rule, or use ALLOW without rules to allow nothing');
  });
});

describe('RequestAuthentication', () => {
  test('JWT rules for a gateway\'s pods (in istio-system by default)', () => {
    const objects = inShop(chart => {
      const gw = new IngressGateway(chart, 'gw', { servers: [{ port: 8080, hosts: ['shop.example.com'] }] });
      new RequestAuthentication(chart, 'jwt', {
        workload: WorkloadSelector.gateway(gw),
        jwtRules: [{ issuer: 'https://idp.example.com', jwksUri: 'https://idp.example.com/jwks.json', audiences: ['shop'], fromHeaders: [{ name: 'x-jwt', prefix: 'Bearer ' }], forwardOriginalToken: true }],
      });
    });
    expect(only(objects, 'RequestAuthentication')).toStrictEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'RequestAuthentication',
      metadata: { name: 'jwt', namespace: 'istio-system' },
      spec: {
        selector: { matchLabels: { istio: 'ingressgateway' } },
        jwtRules: [{ issuer: 'https://idp.example.com', jwksUri: 'https://idp.example.com/jwks.json', audiences: ['shop'], fromHeaders: [{ name: 'x-jwt', prefix: 'Bearer ' }], forwardOriginalToken: true }],
      },
    });
  });

  const chart = () => new MeshChart(new App(), 'c');
  test.each([
    ['there is no issuer', () => new RequestAuthentication(chart(), 'r', { jwtRules: [] }), '[c/r] \'jwtRules\' must hold at least one issuer: got []'],
    ['an issuer is repeated', () => new RequestAuthentication(chart(), 'r', { jwtRules: [{ issuer: 'a' }, { issuer: 'a' }] }),
      '[c/r] \'jwtRules[1].issuer\' must be unique: Istio uses one rule per issuer: got \'a\''],
    ['the keys are fetched in plain text', () => new RequestAuthentication(chart(), 'r', { jwtRules: [{ issuer: 'a', jwksUri: 'http://idp/jwks' }] }),
      '[c/r] \'jwtRules[0].jwksUri\' must be an https:// URL (keys fetched in plain text could be forged): got \'http://idp/jwks\''],
  ])('fails if %s', (_n, fn, message) => {
    expect(errorOf(fn)).toBe(message);
  });
});

describe('routing on JWT claims (IST0149)', () => {
  const build = (withAuthn: boolean, trafficApi?: TrafficApi) => {
    const app = new MeshApp({ analysis: { reportFile: '' } });
    const chart = new MeshChart(app, 'c', { trafficApi });
    const { web } = shop(chart);
    const gw = new IngressGateway(chart, 'gw', { servers: [{ port: 8080, hosts: ['shop.example.com'] }] });
    new IngressGatewayRoute(chart, 'admins', {
      gateway: gw,
      hosts: ['shop.example.com'],
      routes: [{ match: [HttpMatch.headers(HeaderMatch.jwtClaim('groups', 'admin'))], action: RouteAction.forward(web) }, { action: RouteAction.forward(web) }],
    });
    if (withAuthn) new RequestAuthentication(chart, 'jwt', { workload: WorkloadSelector.gateway(gw), jwtRules: [{ issuer: 'https://idp.example.com' }] });
    return app;
  };

  test('a claim match renders Istio\'s pseudo-header, and needs a RequestAuthentication on the gateway\'s pods', () => {
    const app = build(true);
    const files = app.synthFiles();
    expect(files.get('c.k8s.yaml')).toContain('"@request.auth.claims.groups":');
    expect(app.report!.findings.filter(f => f.level !== 'Info')).toStrictEqual([]);
    expect(() => build(false).synthFiles()).toThrow('[c/admins/VirtualService] [IST0149] VirtualService \'admins\' routes on the JWT claim \'@request.auth.claims.groups\' at gateway \'gw\', '
      + 'but no RequestAuthentication selects the gateway\'s pods ({"istio":"ingressgateway"}): the claims are only available once a RequestAuthentication validates the token');
  });

  test('fails if the claim is not a claim name, or under the Gateway API', () => {
    expect(errorOf(() => HeaderMatch.jwtClaim('a b', 'x'))).toBe('HeaderMatch.jwtClaim: \'jwtClaim\' must be a claim name (nested claims as a.b): got \'a b\'');
    expect(() => build(false, TrafficApi.GATEWAY_API).synthFiles()).toThrow('it does not route on JWT claims: got \'@request.auth.claims.groups\'');
  });
});
