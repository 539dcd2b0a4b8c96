import { App, Duration } from 'cdk8s';
import { HttpMatch, MeshChart, MeshProvider, MeshService, Protocol, RouteAction, ServiceRouting, ServiceRoutingProps, TrafficApi } from '../../lib';
import { errorOf } from '../support/errors';
import { expectLinkerdValid, expectSchemaValid } from '../support/schemas';
import { only, synthObjects } from '../support/synth';

/** reference/timeouts.md: schlep's route, with a request and a response timeout. */
function schlep(props: Partial<ServiceRoutingProps>, protocol = Protocol.HTTP, match = [HttpMatch.prefix('/')]) {
  return (app: App) => {
    const chart = new MeshChart(app, 'schlep', { mesh: MeshProvider.LINKERD, namespace: 'schlep' });
    const svc = MeshService.fromAttributes(chart, 'schlep', { name: 'schlep', namespace: 'schlep', ports: [{ port: 80, protocol }] });
    new ServiceRouting(chart, 'schlep-default', {
      service: svc,
      name: 'schlep-default',
      routes: [{ match, action: RouteAction.forward(svc), timeout: Duration.seconds(2) }],
      ...props,
    });
  };
}
const routeOf = (build: (app: App) => void, kind = 'HTTPRoute') => only(expectLinkerdValid(expectSchemaValid(synthObjects(build))), kind);

describe('ServiceRouting responseTimeout and idleTimeout: Linkerd\'s route timeouts (reference/timeouts.md)', () => {
  test('the response timeout as timeout.linkerd.io/response, the request timeout beside it, as the reference writes them', () => {
    const route = routeOf(schlep({ responseTimeout: Duration.seconds(1) }));
    expect(route.metadata.annotations).toStrictEqual({ 'timeout.linkerd.io/request': '2s', 'timeout.linkerd.io/response': '1s' });
    expect(route.spec).toStrictEqual({
      parentRefs: [{ group: 'core', kind: 'Service', name: 'schlep', port: 80 }],
      rules: [{ backendRefs: [{ name: 'schlep', port: 80 }] }], // a prefix '/' is every request: no matches written
    });
  });

  test('without them the request timeout stays the Gateway API\'s field (unchanged)', () => {
    const route = routeOf(schlep({}));
    expect(route.metadata.annotations).toBeUndefined();
    expect((route.spec as { rules: Array<{ timeouts: unknown }> }).rules[0].timeouts).toStrictEqual({ request: '2s' });
  });

  test('routes with different request timeouts keep them per rule; the idle timeout as timeout.linkerd.io/idle', () => {
    const route = routeOf(app => {
      const chart = new MeshChart(app, 'schlep', { mesh: MeshProvider.LINKERD, namespace: 'schlep' });
      const svc = MeshService.fromAttributes(chart, 'schlep', { name: 'schlep', namespace: 'schlep', ports: [{ port: 80 }] });
      new ServiceRouting(chart, 'r', {
        service: svc,
        idleTimeout: Duration.minutes(5),
        routes: [
          { match: [HttpMatch.prefix('/slow')], action: RouteAction.forward(svc), timeout: Duration.seconds(30) },
          { action: RouteAction.forward(svc), timeout: Duration.millis(500) },
        ],
      });
    });
    expect(route.metadata.annotations).toStrictEqual({ 'timeout.linkerd.io/idle': '5m' });
    expect((route.spec as { rules: Array<{ timeouts: unknown }> }).rules.map(r => r.timeouts)).toStrictEqual([{ request: '30s' }, { request: '500ms' }]);
  });

  test('a gRPC service\'s GRPCRoute: both as annotations', () => {
    const route = routeOf(schlep({ responseTimeout: Duration.millis(800) }, Protocol.GRPC, [HttpMatch.grpc('schlep.Schlep', 'Get')]), 'GRPCRoute');
    expect(route.metadata.annotations).toStrictEqual({ 'timeout.linkerd.io/request': '2s', 'timeout.linkerd.io/response': '800ms' });
  });
});

describe('responseTimeout and idleTimeout errors', () => {
  const routing = (chart: MeshChart, props: Partial<ServiceRoutingProps>) => {
    const svc = MeshService.fromAttributes(chart, 'schlep', { name: 'schlep', namespace: 'schlep', ports: [{ port: 80 }] });
    return new ServiceRouting(chart, 'r', { service: svc, routes: [{ action: RouteAction.forward(svc) }], ...props });
  };

  test('refused under Istio\'s API and the Gateway API, which have no response timeout', () => {
    expect(errorOf(() => routing(new MeshChart(new App(), 'c'), { responseTimeout: Duration.seconds(1) }))).toBe(
      '[c/r] \'responseTimeout\' cannot be expressed with the istio back-end: it is Linkerd\'s (timeout.linkerd.io/response on its routes); '
      + 'a route\'s timeout is the whole request\'s: got \'1s\'; set each route\'s timeout, or render this chart for MeshProvider.LINKERD');
    expect(errorOf(() => routing(new MeshChart(new App(), 'c', { trafficApi: TrafficApi.GATEWAY_API }), { idleTimeout: Duration.seconds(30) }))).toBe(
      '[c/r] \'idleTimeout\' cannot be expressed with the gateway-api back-end: it is Linkerd\'s (timeout.linkerd.io/idle on its routes); '
      + 'a route\'s timeout is the whole request\'s: got \'30s\'; set each route\'s timeout, or render this chart for MeshProvider.LINKERD');
  });
});
