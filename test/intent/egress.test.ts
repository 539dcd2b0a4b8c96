import { App } from 'cdk8s';
import { Mesh, MeshChart, MeshNamespace, MeshService, Protocol, ServiceEntry, ServiceEntryLocation, ServiceEntryResolution } from '../../lib';
import { errorOf } from '../support/errors';
import { expectSchemaValid } from '../support/schemas';
import { only, synthObjects } from '../support/synth';

const objectsOf = (build: (chart: MeshChart) => void) => expectSchemaValid(synthObjects(app => build(new MeshChart(app, 'c', { namespace: 'shop' }))));

describe('ServiceEntry', () => {
  test('defaults: HTTPS on 443, DNS, visible in its own namespace only; location not written (Istio\'s default, MESH_EXTERNAL)', () => {
    const objects = objectsOf(chart => { new ServiceEntry(chart, 'payments', { hosts: ['api.payments.example.com'] }); });
    expect(only(objects, 'ServiceEntry')).toStrictEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'payments', namespace: 'shop' },
      spec: {
        hosts: ['api.payments.example.com'],
        ports: [{ number: 443, name: 'https-443', protocol: 'HTTPS' }],
        resolution: 'DNS',
        exportTo: ['.'],
      },
    });
  });

  test('a TCP service with addresses, static resolution, exported wider', () => {
    const objects = objectsOf(chart => {
      new ServiceEntry(chart, 'db', {
        hosts: ['db.internal.example.com'],
        ports: [{ number: 5432, protocol: Protocol.TCP, name: 'tcp-postgres' }],
        addresses: ['10.1.2.3/32'],
        resolution: ServiceEntryResolution.STATIC,
        location: ServiceEntryLocation.MESH_INTERNAL,
        exportTo: ['*'],
      });
    });
    expect(only(objects, 'ServiceEntry').spec).toStrictEqual({
      hosts: ['db.internal.example.com'],
      addresses: ['10.1.2.3/32'],
      ports: [{ number: 5432, name: 'tcp-postgres', protocol: 'TCP' }],
      location: 'MESH_INTERNAL',
      resolution: 'STATIC',
      exportTo: ['*'],
    });
  });

  test('TLS origination: the app calls http on 80, the sidecar opens TLS to 443 and verifies the server', () => {
    const objects = objectsOf(chart => {
      new ServiceEntry(chart, 'payments', { hosts: ['api.payments.example.com'], tlsOrigination: { caCertificates: '/etc/ssl/certs/ca-certificates.crt' } });
    });
    expect((only(objects, 'ServiceEntry').spec as any).ports).toStrictEqual([
      { number: 80, name: 'http-80', protocol: 'HTTP', targetPort: 443 }, { number: 443, name: 'https-443', protocol: 'HTTPS' },
    ]);
    expect(only(objects, 'DestinationRule')).toStrictEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'payments-tls', namespace: 'shop' },
      spec: {
        host: 'api.payments.example.com',
        trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'SIMPLE', sni: 'api.payments.example.com', caCertificates: '/etc/ssl/certs/ca-certificates.crt' } }] },
      },
    });
  });

  test('through an egress gateway, with TLS originated there', () => {
    const objects = objectsOf(chart => {
      new ServiceEntry(chart, 'payments', { hosts: ['api.payments.example.com'], tlsOrigination: { credentialName: 'payments-ca' }, egressGateway: {} });
    });
    expect((only(objects, 'ServiceEntry').spec as any).exportTo).toStrictEqual(['.', 'istio-system']);
    expect((only(objects, 'DestinationRule').spec as any).trafficPolicy.portLevelSettings[0].port).toStrictEqual({ number: 443 });
    expect(only(objects, 'Gateway').spec).toStrictEqual({
      selector: { istio: 'egressgateway' }, servers: [{ port: { number: 80, name: 'http-80', protocol: 'HTTP' }, hosts: ['api.payments.example.com'] }],
    });
    expect(only(objects, 'VirtualService').spec).toStrictEqual({
      hosts: ['api.payments.example.com'],
      gateways: ['mesh', 'payments-egress'],
      exportTo: ['.', 'istio-system'],
      http: [
        { name: 'to-egress-gateway', match: [{ gateways: ['mesh'], port: 80 }], route: [{ destination: { host: 'istio-egressgateway.istio-system.svc.cluster.local', port: { number: 80 } } }] },
        { name: 'out', match: [{ gateways: ['payments-egress'], port: 80 }], route: [{ destination: { host: 'api.payments.example.com', port: { number: 443 } } }] },
      ],
    });
  });

  test('exportTo: [] writes no exportTo (the mesh\'s defaultServiceExportTo), on the entry and on its egress gateway route', () => {
    const plain = objectsOf(chart => { new ServiceEntry(chart, 'payments', { hosts: ['api.payments.example.com'], exportTo: [] }); });
    expect(only(plain, 'ServiceEntry').spec).toStrictEqual({ hosts: ['api.payments.example.com'], ports: [{ number: 443, name: 'https-443', protocol: 'HTTPS' }], resolution: 'DNS' });
    const viaGateway = objectsOf(chart => { new ServiceEntry(chart, 'payments', { hosts: ['api.payments.example.com'], exportTo: [], egressGateway: {} }); });
    expect((only(viaGateway, 'ServiceEntry').spec as any).exportTo).toBeUndefined();
    expect((only(viaGateway, 'VirtualService').spec as any).exportTo).toBeUndefined();
  });

  describe('the data-plane model reads an entry without exportTo as the mesh config\'s defaultServiceExportTo', () => {
    // REGISTRY_ONLY: a call out reaches the host only where the entry is visible
    const worldWith = (exportTo: string[] | undefined, defaultServiceExportTo?: string[]) => {
      const objects = synthObjects(app => {
        const chart = new MeshChart(app, 'c', { namespace: 'shop' });
        new MeshService(chart, 'web', { namespace: new MeshNamespace(chart, 'ns', { name: 'shop' }), ports: [{ port: 8080 }], image: 'ghcr.io/example/web:1.4.2' });
        const egress = new MeshChart(app, 'egress', { namespace: 'egress' });
        new ServiceEntry(egress, 'payments', { hosts: ['api.payments.example.com'], ...(exportTo ? { exportTo } : {}) });
      });
      const mesh = { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' }, ...(defaultServiceExportTo ? { defaultServiceExportTo } : {}) };
      const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: JSON.stringify(mesh) } };
      return Mesh.fromObjects([...objects, configMap]).request({ from: 'shop/web', host: 'api.payments.example.com', protocol: 'tls' });
    };

    test('[]: visible in every namespace (Istio\'s default \'*\'), so the other namespace\'s call goes out', () => {
      const r = worldWith([]);
      expect([r.outcome, r.envoy?.cluster]).toStrictEqual(['routed', 'outbound|443||api.payments.example.com']);
    });

    test('[] under a mesh config whose defaultServiceExportTo is [\'.\']: its own namespace only', () => {
      expect([worldWith([], ['.']).outcome, worldWith([], ['.']).envoy?.cluster]).toStrictEqual(['no-route', 'BlackHoleCluster']);
    });

    test('the default [\'.\']: its own namespace only, whatever the mesh config', () => {
      expect(worldWith(undefined).envoy?.cluster).toBe('BlackHoleCluster');
    });
  });

  const chart = () => new MeshChart(new App(), 'c');
  test.each([
    ['it opens egress to every host', () => new ServiceEntry(chart(), 's', { hosts: ['*'] }), '[c/s] \'hosts\' must not be \'*\': that would open egress to everything: got \'*\'; list the hosts'],
    ['a wildcard host is resolved by DNS', () => new ServiceEntry(chart(), 's', { hosts: ['*.example.com'] }),
      '[c/s] \'hosts\' must not hold wildcards with DNS resolution (there is no one address to resolve): got \'*.example.com\'; use ServiceEntryResolution.NONE'],
    ['TLS origination spans several hosts', () => new ServiceEntry(chart(), 's', { hosts: ['a.example.com', 'b.example.com'], tlsOrigination: {} }),
      '[c/s] \'hosts\' must hold one host with tlsOrigination or egressGateway (each host needs its own routes): got [\'a.example.com\', \'b.example.com\']; one ServiceEntry per host'],
    ['the egress gateway has no port it can route', () => new ServiceEntry(chart(), 's', { hosts: ['a.example.com'], ports: [{ number: 53, protocol: Protocol.UDP }], egressGateway: {} }),
      '[c/s] \'egressGateway\' routes HTTP, TLS and TCP ports: the service has none: got [\'udp-53\']; add a port of one of them'],
    ['the egress gateway port is out of range', () => new ServiceEntry(chart(), 's', { hosts: ['a.example.com'], egressGateway: { port: 70000 } }),
      '[c/s] \'egressGateway.port\' must be a port number (a whole number from 1 to 65535): got 70000'],
    ['the TLS origination port is taken', () => new ServiceEntry(chart(), 's', { hosts: ['a.example.com'], ports: [{ number: 80, protocol: Protocol.HTTP }], tlsOrigination: {} }),
      '[c/s] \'tlsOrigination.port\' must not be one of the ports given: got 80; it is added as the plain-HTTP port'],
    ['TLS origination through the gateway would encrypt the app\'s own HTTPS twice', () => new ServiceEntry(chart(), 's', { hosts: ['a.example.com'], tlsOrigination: {}, egressGateway: {} }),
      '[c/s] \'tlsOrigination\' with egressGateway and no credentialName, opens TLS on port 443 for the sidecars too: the application\'s own HTTPS calls on 443 '
      + 'would be encrypted twice: got \'https-443\'; give tlsOrigination.credentialName (the DestinationRule then selects the egress gateway\'s pods alone), or drop '
      + 'that port, or originate TLS for a subset: a DestinationPolicy of the entry, subsets: [{ name, trafficPolicy: { ports: [{ port, tls: ClientTls.simple() }] } }], '
      + 'and a route to entry.version(name)'],
  ])('fails if %s', (_n, fn, message) => {
    expect(errorOf(fn)).toBe(message);
  });
});

describe('ServiceEntry TLS origination beside the application\'s own HTTPS port', () => {
  test('from the sidecar, TLS is opened on the plain-HTTP port alone: the HTTPS port keeps its single TLS', () => {
    const objects = objectsOf(chart => {
      new ServiceEntry(chart, 's', { hosts: ['a.example.com'], ports: [{ number: 443, name: 'https', protocol: Protocol.HTTPS }], tlsOrigination: {} });
    });
    expect(objects.find(o => o.kind === 'DestinationRule')?.spec).toStrictEqual({
      host: 'a.example.com',
      trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'SIMPLE', sni: 'a.example.com' } }] },
    });
    expect(objects.find(o => o.kind === 'ServiceEntry')?.spec).toStrictEqual(expect.objectContaining({
      ports: [{ number: 80, name: 'http-80', protocol: 'HTTP', targetPort: 443 }, { number: 443, name: 'https', protocol: 'HTTPS' }],
    }));
  });

  test('through the egress gateway with credentialName, the rule selects the gateway\'s pods: accepted', () => {
    const chart = new MeshChart(new App(), 'c');
    expect(() => new ServiceEntry(chart, 's', { hosts: ['a.example.com'], tlsOrigination: { credentialName: 'ca' }, egressGateway: {} })).not.toThrow();
  });
});
