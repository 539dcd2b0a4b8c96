import { App } from 'cdk8s';
import { HttpMatch, MeshChart, MeshChartProps, MeshService, Protocol, RouteAction, ServiceRouting, TcpMatch, TrafficApi } from '../../lib';
import { SchemaValidation } from '../../lib/schema/schema-validation';
import { errorOf } from '../support/errors';
import { only, synthError, synthObjects } from '../support/synth';

const pinned = SchemaValidation.pinned();

function echo(app: App, props: MeshChartProps = {}) {
  const chart = new MeshChart(app, 'c', { namespace: 'shop', ...props });
  const s = new MeshService(chart, 'tcp-echo', { ports: [{ port: 9000, protocol: Protocol.TCP }, { port: 9001, protocol: Protocol.TCP, name: 'tcp-other' }] });
  s.addVersion('v1', { image: 'docker.io/istio/tcp-echo-server:1.3', args: ['9000,9001', 'one'] });
  s.addVersion('v2', { image: 'docker.io/istio/tcp-echo-server:1.3', args: ['9000,9001', 'two'] });
  return { chart, s };
}

describe('TCP routes (Istio\'s TCP traffic shifting)', () => {
  test('weighted tcp routes, by port and caller, in the VirtualService; schema-valid', () => {
    const objects = synthObjects(app => {
      const { chart, s } = echo(app);
      const r = new ServiceRouting(chart, 'shift', { service: s });
      r.addTcpRoute({ match: [TcpMatch.of({ port: 9001, sourceLabels: { app: 'tester' } })], action: RouteAction.forward(s.version('v2'), { port: 9001 }) });
      r.addTcpRoute({ action: RouteAction.weightedForward([{ target: s.version('v1'), weight: 80 }, { target: s.version('v2'), weight: 20 }], { port: 9000 }) });
    });
    expect(objects.flatMap(o => pinned.validate(o as never).problems)).toStrictEqual([]);
    expect(only(objects, 'VirtualService').spec).toStrictEqual({
      hosts: ['tcp-echo'],
      tcp: [
        { match: [{ port: 9001, sourceLabels: { app: 'tester' } }], route: [{ destination: { host: 'tcp-echo', port: { number: 9001 }, subset: 'v2' } }] },
        {
          route: [
            { destination: { host: 'tcp-echo', port: { number: 9000 }, subset: 'v1' }, weight: 80 },
            { destination: { host: 'tcp-echo', port: { number: 9000 }, subset: 'v2' }, weight: 20 },
          ],
        },
      ],
    });
  });

  test('an HTTP route on a TCP-only service, a TCP route on an HTTP port: errors naming both (Istio would ignore them)', () => {
    expect(synthError(app => {
      const { chart, s } = echo(app);
      new ServiceRouting(chart, 'r', { service: s, routes: [{ action: RouteAction.forward(s.version('v1'), { port: 9000 }) }] });
    })).toContain("[c/r] 'routes[0]' is an HTTP route, but port 9000 of service 'tcp-echo' is tcp: Istio would ignore the route: got 9000; use addTcpRoute() for TCP ports");
    expect(synthError(app => {
      const chart = new MeshChart(app, 'c');
      const web = new MeshService(chart, 'web', { ports: [{ port: 80 }] });
      web.addVersion('v1', { image: 'x/y:1' });
      new ServiceRouting(chart, 'r', { service: web, tcpRoutes: [{ action: RouteAction.forward(web.version('v1')) }] });
    })).toContain("[c/r] 'tcpRoutes[0]' is a TCP route, but service 'web' has no port of that protocol (80/http): Istio would ignore the route: got '80/http'; use addRoute() for HTTP ports");
  });

  test('a redirect is not a TCP action, nor a URI match a TCP condition; the Gateway API takes one TCP route without matches', () => {
    const app = new App();
    const { chart, s } = echo(app);
    const r = new ServiceRouting(chart, 'r', { service: s });
    expect(errorOf(() => r.addTcpRoute({ action: RouteAction.redirect({ scheme: 'https' }) }))).toBe("[c/r] 'tcpRoutes[0].action' must forward: a redirect is HTTP: got 'redirect'; use RouteAction.forward() or weightedForward()");
    // as JavaScript or JSON-loaded config can pass it
    expect(errorOf(() => r.addTcpRoute({ match: [HttpMatch.prefix('/echo') as unknown as TcpMatch], action: RouteAction.forward(s.version('v1')) }))).toBe(
      "[c/r] ServiceRouting.addTcpRoute: 'route.match[0]' must be a TcpMatch: got a HttpMatch; build it with TcpMatch.of()");
    expect(synthError(a => {
      const { chart: c, s: e } = echo(a, { trafficApi: TrafficApi.GATEWAY_API });
      new ServiceRouting(c, 'r', {
        service: e,
        tcpRoutes: [
          { match: [TcpMatch.of({ port: 9001 })], action: RouteAction.forward(e.version('v2'), { port: 9001 }) },
          { action: RouteAction.forward(e.version('v1'), { port: 9000 }) },
        ],
      });
    })).toContain("[c/r] 'tcpRoutes' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API): a TCPRoute holds one rule: got 2; "
      + 'put each route in a routing of its own (one TCPRoute or TLSRoute per ServiceRouting), or render this chart with TrafficApi.ISTIO');
    expect(errorOf(() => TcpMatch.of({}))).toMatch(/^TcpMatch.of: 'options' must hold at least one of port, sourceLabels, sourceNamespace/);
    expect(errorOf(() => TcpMatch.of({ port: 0 }))).toBe("TcpMatch.of: 'port' must be a port number (a whole number from 1 to 65535): got 0");
    expect(errorOf(() => TcpMatch.of({ sourceLabels: { 'bad key!': 'x' } }))).toMatch(/^TcpMatch.of: 'sourceLabels.bad key!' must be a label key/);
  });
});
