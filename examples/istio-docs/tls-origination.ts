/**
 * Istio's egress TLS origination task (tasks/traffic-management/egress/egress-tls-origination), as a user following it
 * would write it with mesh-kit's typed constructs: edition.cnn.com let out on 80 (HTTP) and 443 (HTTPS, passed through
 * by SNI) (`egress-tls-origination.k8s.yaml`), then the application's plain-HTTP calls on 80 sent to 443 with TLS
 * opened by the sidecar, for a subset of the host only (`egress-tls-origination.origination.k8s.yaml`): the
 * application's own HTTPS calls on 443 keep their single TLS.
 */
import { App } from 'cdk8s';
import { taskChart } from './chart';
import {
  ClientTls, DestinationPolicy, HttpMatch, LoadBalancer, MeshNamespace, Protocol, RouteAction, ServiceEntry, ServiceEntryResolution, ServiceRouting,
  TlsMatch,
} from '@mesh-kit/core';

export function tlsOrigination(app: App): void {
  const ns = MeshNamespace.fromName('default');
  const entry = (chart: ReturnType<typeof taskChart>) => new ServiceEntry(chart, 'edition-cnn-com', {
    name: 'edition-cnn-com',
    namespace: ns.name,
    // visible as the mesh decides (the task writes no exportTo)
    exportTo: [],
    hosts: ['edition.cnn.com'],
    ports: [{ number: 80, name: 'http-port', protocol: Protocol.HTTP }, { number: 443, name: 'https-port', protocol: Protocol.HTTPS }],
    resolution: ServiceEntryResolution.DNS,
  });

  const simple = taskChart(app, 'egress-tls-origination');
  const cnn = entry(simple);
  new ServiceRouting(simple, 'edition-cnn-com-routes', {
    service: cnn,
    name: 'edition-cnn-com',
    tlsRoutes: [{ match: [TlsMatch.sni(['edition.cnn.com'], { port: 443 })], action: RouteAction.weightedForward([{ target: cnn, weight: 100 }], { port: 443 }) }],
  });

  const origination = taskChart(app, 'egress-tls-origination.origination');
  const cnnOrigination = entry(origination);
  new ServiceRouting(origination, 'edition-cnn-com-routes', {
    service: cnnOrigination,
    name: 'edition-cnn-com',
    routes: [{ match: [HttpMatch.where({ port: 80 })], action: RouteAction.forward(cnnOrigination.version('tls-origination'), { port: 443 }) }],
  });
  new DestinationPolicy(origination, 'edition-cnn-com-policy', {
    service: cnnOrigination,
    name: 'edition-cnn-com',
    subsets: [{
      name: 'tls-origination',
      // initiates HTTPS when accessing edition.cnn.com, on 443 only
      trafficPolicy: { loadBalancer: LoadBalancer.roundRobin(), ports: [{ port: 443, tls: ClientTls.simple() }] },
    }],
  });
}
