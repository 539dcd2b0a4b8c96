import { App } from 'cdk8s';
import {
  EgressNetwork, EgressProtocol, EgressTrafficPolicy, HeaderMatch, HttpMatch, Mesh, MeshApp, MeshChart, MeshNamespace, MeshProvider,
  MeshService, Protocol, RouteAction, ServiceEntry, ServiceRouting,
} from '../../lib';
import { errorOf } from '../support/errors';
import { expectLinkerdValid, expectSchemaValid } from '../support/schemas';
import { only, synthError, synthObjects } from '../support/synth';

const l5d = (app: App) => new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD, namespace: 'shop' });

describe('EgressNetwork (Linkerd egress control)', () => {
  test('deny by default; routes let out TLS by SNI, HTTP by Host and a TCP port, as Linkerd\'s egress reference writes them', () => {
    const objects = expectSchemaValid(synthObjects(app => {
      const egress = new EgressNetwork(l5d(app), 'egress', { networks: [{ cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] }] });
      egress.allow({ hosts: ['api.github.com'], port: 443 });
      egress.allow({ hosts: ['httpbin.org'], port: 80, protocol: EgressProtocol.HTTP });
      egress.allow({ port: 5432, protocol: EgressProtocol.TCP, name: 'postgres' });
    }));
    expect(only(objects, 'EgressNetwork')).toStrictEqual({
      apiVersion: 'policy.linkerd.io/v1alpha1',
      kind: 'EgressNetwork',
      metadata: { name: 'egress', namespace: 'shop' },
      spec: { trafficPolicy: 'Deny', networks: [{ cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] }] },
    });
    const ref = { group: 'policy.linkerd.io', kind: 'EgressNetwork', name: 'egress' };
    expect(only(objects, 'TLSRoute')).toStrictEqual({
      apiVersion: 'gateway.networking.k8s.io/v1alpha2',
      kind: 'TLSRoute',
      metadata: { name: 'egress-api-github-com-443', namespace: 'shop' },
      spec: { parentRefs: [{ ...ref, port: 443 }], hostnames: ['api.github.com'], rules: [{ backendRefs: [{ ...ref }] }] },
    });
    expect(only(objects, 'HTTPRoute').spec).toStrictEqual({ parentRefs: [{ ...ref, port: 80 }], hostnames: ['httpbin.org'], rules: [{ backendRefs: [{ ...ref }] }] });
    expect(only(objects, 'TCPRoute').spec).toStrictEqual({ parentRefs: [{ ...ref, port: 5432 }], rules: [{ backendRefs: [{ ...ref }] }] });
  });

  test('bad input: overlapping networks, an exception outside its network, hosts on TCP, none on TLS; Istio has ServiceEntry instead', () => {
    const chart = () => l5d(new App());
    expect(errorOf(() => new EgressNetwork(chart(), 'e', { networks: [{ cidr: '10.0.0.0/8' }, { cidr: '10.2.0.0/16' }] }))).toBe(
      '[c/e] \'networks[1].cidr\' must not overlap networks[0] (\'10.0.0.0/8\'): an address would be covered twice: got \'10.2.0.0/16\'; merge them into one block, with except for what to leave out');
    expect(errorOf(() => new EgressNetwork(chart(), 'e', { networks: [{ cidr: 'fd00::/8', except: ['10.0.0.0/8'] }] }))).toBe(
      '[c/e] \'networks[0].except[0]\' must be within \'fd00::/8\': got \'10.0.0.0/8\'; name a block inside the network, or leave it out');
    const e = new EgressNetwork(chart(), 'e', { trafficPolicy: EgressTrafficPolicy.ALLOW });
    expect(errorOf(() => e.allow({ hosts: ['db.example.com'], port: 5432, protocol: EgressProtocol.TCP }))).toBe(
      '[c/e] \'hosts\' cannot be given for TCP: a TCP connection carries no host name: got [\'db.example.com\']; use EgressProtocol.TLS (SNI) or HTTP, or leave out hosts');
    e.allow({ hosts: ['a.example.com'], port: 443 });
    expect(errorOf(() => e.allow({ hosts: ['a.example.com'], port: 443 }))).toBe(
      '[c/e] \'name\' must be unique among the routes of the egress network: got \'e-a-example-com-443\'; give the route a name of its own (allow({ name }))');
    expect(errorOf(() => new EgressNetwork(new MeshChart(new App(), 'c'), 'e'))).toBe(
      '[c/e] \'mesh\' must be Linkerd: EgressNetwork is Linkerd\'s egress control: got \'istio\'; '
      + 'under Istio declare the external services with ServiceEntry (and outboundTrafficPolicy: REGISTRY_ONLY, or SidecarScoping registryOnly)');
  });
});

describe('ServiceEntry under Linkerd: the same intent as routes of an EgressNetwork', () => {
  test('HTTPS ports by SNI, HTTP ports by Host, attached to the egress network given', () => {
    const objects = expectSchemaValid(synthObjects(app => {
      const chart = l5d(app);
      const egress = new EgressNetwork(chart, 'egress');
      new ServiceEntry(chart, 'github', { hosts: ['api.github.com', 'github.com'], ports: [{ number: 443 }, { number: 80, protocol: Protocol.HTTP }], egressNetwork: egress });
    }));
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toStrictEqual(['EgressNetwork/egress', 'TLSRoute/egress-github-443', 'HTTPRoute/egress-github-80']);
    expect((only(objects, 'TLSRoute').spec as { hostnames: unknown }).hostnames).toStrictEqual(['api.github.com', 'github.com']);
  });

  test('bad input: no egress network, Istio-only settings, a TCP port, an egress network under Istio, a route to the entry', () => {
    const chart = () => l5d(new App());
    expect(errorOf(() => new ServiceEntry(chart(), 'e', { hosts: ['api.github.com'] }))).toBe(
      '[c/e] \'egressNetwork\' must be given under the Linkerd back-end: Linkerd lets hosts out by routes of an EgressNetwork: got \'none\'; pass egressNetwork: new EgressNetwork(chart, \'egress\')');
    const c = chart();
    const egress = new EgressNetwork(c, 'egress');
    expect(errorOf(() => new ServiceEntry(c, 'e', { hosts: ['a.example.com'], egressNetwork: egress, tlsOrigination: {} }))).toBe(
      '[c/e] \'tlsOrigination\' cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): it is an Istio ServiceEntry setting: got \'tlsOrigination\'; '
      + 'remove it, or render this chart for MeshProvider.ISTIO');
    expect(errorOf(() => new ServiceEntry(c, 'db', { hosts: ['db.example.com'], egressNetwork: egress, ports: [{ number: 5432, protocol: Protocol.TCP }] }))).toBe(
      '[c/db] \'ports.protocol\' cannot be expressed with the Linkerd back-end by host: a tcp route would let every host out on port 5432: got \'tcp\'; '
      + 'use EgressNetwork.allow({ port: 5432, protocol: EgressProtocol.TCP }) if that is meant');
    expect(synthError(app => {
      const l = l5d(app);
      const entry = new ServiceEntry(l, 'api', { hosts: ['api.example.com'], ports: [{ number: 80, protocol: Protocol.HTTP }], egressNetwork: new EgressNetwork(l, 'egress') });
      const web = new MeshService(l, 'web', { image: 'docker.io/library/nginx:1.27', ports: [{ port: 80 }] });
      new ServiceRouting(l, 'r', { service: web, routes: [{ action: RouteAction.forward(entry) }] });
    })).toContain('[c/r] \'routes[0].destination\' cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): Linkerd routes to external hosts through an '
      + 'EgressNetwork, not a Service\'s routes: got \'api.example.com\'; let the host out with ServiceEntry egressNetwork (or EgressNetwork.allow()), or render this chart for MeshProvider.ISTIO');
    expect(errorOf(() => new ServiceEntry(new MeshChart(new App(), 'c'), 'e', { hosts: ['a.example.com'], egressNetwork: egress }))).toBe(
      '[c/e] \'egressNetwork\' is Linkerd\'s: under Istio the ServiceEntry itself lets the hosts out: got \'c/egress\'; leave it out');
  });
});

describe('egress by port, as Linkerd\'s managing-egress-traffic task writes it (linkerd.io 2-edge tasks/managing-egress-traffic.md)', () => {
  const ns = 'egress-test';
  const ref = { group: 'policy.linkerd.io', kind: 'EgressNetwork', name: 'all-egress-traffic' };
  /** The task's "redirecting egress traffic back to the cluster": HTTP to httpbin.org/get out, all TLS out, the rest of port 80 to internal-egress. */
  function task(app: App) {
    const chart = new MeshChart(app, ns, { mesh: MeshProvider.LINKERD, namespace: ns });
    new MeshNamespace(chart, 'Namespace', { name: ns }); // linkerd.io/inject: enabled
    new MeshService(chart, 'client', { image: 'docker.io/curlimages/curl:8.11.0', ports: [{ port: 8080 }] });
    // the task's internal service names its port 'one': Istio's port naming is not Linkerd's
    const internal = new MeshService(chart, 'internal-egress', { image: 'docker.io/buoyantio/bb:v0.0.5', ports: [{ port: 80, name: 'one' }] });
    const egress = new EgressNetwork(chart, 'all-egress-traffic', { trafficPolicy: EgressTrafficPolicy.DENY });
    egress.allow({ name: 'httpbin-get', protocol: EgressProtocol.HTTP, port: 80, match: [HttpMatch.prefix('/get')] });
    egress.allow({ name: 'tls-egress', port: 443 });
    egress.allow({ name: 'unencrypted-http', protocol: EgressProtocol.HTTP, port: 80, action: RouteAction.forward(internal) });
    return egress;
  }

  test('routes without hostnames, with a path match and with a Service backend, valid against what Linkerd 2.20 reads', () => {
    const objects = expectLinkerdValid(expectSchemaValid(synthObjects(app => { task(app); })));
    expect(only(objects, 'HTTPRoute', 'httpbin-get')).toStrictEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'httpbin-get', namespace: ns },
      spec: { parentRefs: [{ ...ref, port: 80 }], rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/get' } }], backendRefs: [{ ...ref }] }] },
    });
    expect(only(objects, 'TLSRoute', 'tls-egress')).toStrictEqual({
      apiVersion: 'gateway.networking.k8s.io/v1alpha2',
      kind: 'TLSRoute',
      metadata: { name: 'tls-egress', namespace: ns },
      spec: { parentRefs: [{ ...ref, port: 443 }], rules: [{ backendRefs: [{ ...ref }] }] },
    });
    expect(only(objects, 'HTTPRoute', 'unencrypted-http').spec).toStrictEqual({
      parentRefs: [{ ...ref, port: 80 }], rules: [{ backendRefs: [{ name: 'internal-egress', port: 80 }] }],
    });
  });

  test('the data-plane model: /get goes out, other HTTP on port 80 to internal-egress, every TLS host out on 443', () => {
    const app = new MeshApp({ outdir: '/tmp/mesh-kit-egress-test' });
    task(app);
    const mesh = Mesh.fromApp(app);
    const get = mesh.request({ from: `${ns}/client`, host: 'httpbin.org', port: 80, path: '/get' });
    expect(get).toMatchObject({ outcome: 'routed', route: { kind: 'HTTPRoute', name: 'httpbin-get' }, destinations: [{ service: 'httpbin.org', port: 80, weight: 100 }] });
    const other = mesh.request({ from: `${ns}/client`, host: 'google.com', port: 80, path: '/' });
    expect(other).toMatchObject({ outcome: 'routed', route: { kind: 'HTTPRoute', name: 'unencrypted-http' } });
    expect(other.destinations.map(d => [d.service, d.weight])).toStrictEqual([[`${ns}/internal-egress`, 100]]);
    for (const host of ['httpbin.org', 'github.com']) {
      expect(mesh.request({ from: `${ns}/client`, host, port: 443, protocol: 'tls' })).toMatchObject({ outcome: 'routed', route: { kind: 'TLSRoute', name: 'tls-egress' } });
    }
    // TCP on another port: no route takes it and the network denies it
    expect(mesh.request({ from: `${ns}/client`, host: 'db.example.com', port: 5432, protocol: 'tcp' }).outcome).toBe('denied');
  });

  test('default names without hosts: <network>-<protocol>-<port>; weighted Service backends; header and query matches', () => {
    const objects = expectLinkerdValid(synthObjects(app => {
      const chart = new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD, namespace: 'shop' });
      const gw = new MeshService(chart, 'egress-gateway', { image: 'docker.io/library/nginx:1.27', ports: [{ port: 8080 }] });
      const old = new MeshService(chart, 'egress-old', { image: 'docker.io/library/nginx:1.27', ports: [{ port: 8080 }] });
      const egress = new EgressNetwork(chart, 'egress');
      egress.allow({ port: 443 });
      egress.allow({
        protocol: EgressProtocol.HTTP,
        port: 80,
        match: [HttpMatch.exact('/status', { headers: [HeaderMatch.exact('x-env', 'prod')] })],
        action: RouteAction.weightedForward([{ target: gw, weight: 40 }, { target: old, weight: 60 }]),
      });
    }));
    expect(objects.filter(o => o.kind.endsWith('Route')).map(o => `${o.kind}/${o.metadata.name}`)).toStrictEqual(['TLSRoute/egress-tls-443', 'HTTPRoute/egress-http-80']);
    expect((only(objects, 'HTTPRoute').spec as { rules: unknown }).rules).toStrictEqual([{
      matches: [{ path: { type: 'Exact', value: '/status' }, headers: [{ name: 'x-env', value: 'prod' }] }],
      backendRefs: [{ name: 'egress-gateway', port: 8080, weight: 40 }, { name: 'egress-old', port: 8080, weight: 60 }],
    }]);
  });

  test('fails if a match is given for TLS or TCP, holds what an HTTPRoute cannot, or the action is not a forward to the cluster\'s Services', () => {
    const c = new MeshChart(new App(), 'c', { mesh: MeshProvider.LINKERD, namespace: 'shop' });
    const e = new EgressNetwork(c, 'e');
    const api = new ServiceEntry(c, 'api', { hosts: ['api.example.com'], egressNetwork: e });
    const multi = new MeshService(c, 'multi', { image: 'docker.io/library/nginx:1.27', ports: [{ port: 80 }, { port: 8080, name: 'http-admin' }] });
    expect(errorOf(() => e.allow({ port: 443, match: [HttpMatch.prefix('/get')] }))).toBe(
      '[c/e] \'match\' cannot be given for TLS: only HTTP requests are matched (a TLSRoute has no matches): got 1; use EgressProtocol.HTTP, or leave out match');
    expect(errorOf(() => e.allow({ port: 80, protocol: EgressProtocol.HTTP, match: [HttpMatch.prefix('/get', { ignoreUriCase: true })] }))).toBe(
      '[c/e] \'match[0].ignoreUriCase\' cannot be expressed in a route of Linkerd\'s EgressNetwork (a Gateway API HTTPRoute): path matches are case-sensitive: got true; remove it');
    expect(errorOf(() => e.allow({ port: 80, protocol: EgressProtocol.HTTP, match: [HttpMatch.headers(HeaderMatch.prefix('x-env', 'pr'))] }))).toBe(
      '[c/e] \'match[0].headers\' cannot be expressed in a route of Linkerd\'s EgressNetwork (a Gateway API HTTPRoute): header matches are exact or regular expressions: '
      + 'got \'x-env prefix pr\'; use HeaderMatch.regex(\'x-env\', \'^pr\')');
    expect(errorOf(() => e.allow({ port: 80, protocol: EgressProtocol.HTTP, action: RouteAction.redirect({ uri: '/blocked' }) }))).toBe(
      '[c/e] \'action\' must forward to Services of the cluster: an egress route sends out, or to Services: got \'redirect\'; '
      + 'use RouteAction.forward(service) or weightedForward(), or leave out action to let the traffic out');
    expect(errorOf(() => e.allow({ port: 80, protocol: EgressProtocol.HTTP, action: RouteAction.forward(api) }))).toBe(
      '[c/e] \'action\' must name Services of the cluster: an external host is what the EgressNetwork lets out: got \'api.example.com\'; leave out action to let the traffic out to it');
    expect(errorOf(() => e.allow({ port: 80, protocol: EgressProtocol.HTTP, action: RouteAction.forward(multi) }))).toBe(
      '[c/e] \'action\' must be given for a Service backend of an egress route: service \'multi\' exposes several ports: got \'none\'; pass RouteAction.forward(target, { port })');
  });
});
