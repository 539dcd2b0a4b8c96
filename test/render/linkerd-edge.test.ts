import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as YAML from 'yaml';
import { LinkerdVersion, MeshApp, MeshChart, MeshProvider, MeshService, RouteAction, ServiceRouting } from '../../lib';
import { synthError, synthFiles } from '../support/synth';

function shop(chart: Chart) {
  const svc = new MeshService(chart, 'shop', { ports: [{ port: 8080, name: 'http' }] });
  svc.addVersion('v1', { image: 'shop:1.0' });
  svc.addVersion('v2', { image: 'shop:2.0' });
  return svc;
}

/** A Linkerd chart whose route gets a rule name by escape hatch: a field of Gateway API v1.3 and later, not of v1.2.1. */
function namedRule(linkerdVersion: LinkerdVersion) {
  return (app: MeshApp) => {
    const chart = new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD, namespace: 'shop', linkerdVersion });
    const svc = shop(chart);
    const routing = new ServiceRouting(chart, 'r', { service: svc, routes: [{ action: RouteAction.forward(svc.version('v1')) }] });
    ApiObject.of(routing.resource).addJsonPatch(JsonPatch.add('/spec/rules/0/name', 'all-v1'));
  };
}

describe('LinkerdVersion.EDGE_26_8: the edge line reads Gateway API v1.5.1', () => {
  test('routes are the Gateway API\'s, attached to the Service, as with Linkerd 2.20', () => {
    const files = synthFiles(app => {
      const chart = new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD, namespace: 'shop', linkerdVersion: LinkerdVersion.EDGE_26_8 });
      const svc = shop(chart);
      new ServiceRouting(chart, 'r', { service: svc, routes: [{ action: RouteAction.weightedForward([{ target: svc.version('v1'), weight: 90 }, { target: svc.version('v2'), weight: 10 }]) }] });
    }, outdir => new MeshApp({ outdir }));
    const route = YAML.parseAllDocuments(files.get('c.k8s.yaml')!).map(d => d.toJS()).find(o => o.kind === 'HTTPRoute');
    expect([route.apiVersion, route.spec.parentRefs]).toStrictEqual(['gateway.networking.k8s.io/v1', [{ group: 'core', kind: 'Service', name: 'shop', port: 8080 }]]);
  });

  test('a rule name (newer than v1.2.1, in v1.5.1) is valid for the edge line, refused for Linkerd 2.20', () => {
    const files = synthFiles(namedRule(LinkerdVersion.EDGE_26_8), outdir => new MeshApp({ outdir }));
    expect(files.get('c.k8s.yaml')).toContain('name: all-v1');
    expect(synthError(namedRule(LinkerdVersion.V2_20), outdir => new MeshApp({ outdir })))
      .toContain('[IST0106] HTTPRoute \'shop\' does not match its schema (Gateway API v1.2.1, which Linkerd 2.20 reads');
  });
});
