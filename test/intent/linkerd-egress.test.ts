import { App } from 'cdk8s';
import {
  EgressNetwork, EgressProtocol, EgressTrafficPolicy, MeshChart, MeshProvider, MeshService, Protocol, RouteAction, ServiceEntry, ServiceRouting,
} from '../../lib';
import { errorOf } from '../support/errors';
import { expectSchemaValid } from '../support/schemas';
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
      spec: { parentRefs: [{ ...ref, port: 443 }], hostnames: ['api.github.com'], rules: [{ backendRefs: [{ ...ref, port: 443 }] }] },
    });
    expect(only(objects, 'HTTPRoute').spec).toStrictEqual({ parentRefs: [{ ...ref, port: 80 }], hostnames: ['httpbin.org'], rules: [{ backendRefs: [{ ...ref, port: 80 }] }] });
    expect(only(objects, 'TCPRoute').spec).toStrictEqual({ parentRefs: [{ ...ref, port: 5432 }], rules: [{ backendRefs: [{ ...ref, port: 5432 }] }] });
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
    expect(errorOf(() => e.allow({ port: 443 }))).toBe('[c/e] \'hosts\' must hold at least one host for TLS: got []; name the external hosts, or use EgressProtocol.TCP for a whole port');
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
