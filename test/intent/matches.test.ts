import { App } from 'cdk8s';
import { HeaderMatch, HttpMatch, MeshChart, MeshChartProps, MeshService, RouteAction, ServiceRouting, StringMatch, TrafficApi } from '../../lib';
import { SchemaValidation } from '../../lib/schema/schema-validation';
import { errorOf } from '../support/errors';
import { K8sObject } from '../support/shared';
import { only, synthError, synthObjects } from '../support/synth';

const pinned = SchemaValidation.pinned();

function routeWith(match: HttpMatch, props: MeshChartProps = {}): K8sObject[] {
  const objects = synthObjects(app => {
    const chart = new MeshChart(app, 'c', { namespace: 'shop', ...props });
    const web = new MeshService(chart, 'web', { ports: [{ port: 80 }] });
    web.addVersion('v1', { image: 'x/y:1' });
    web.addVersion('v2', { image: 'x/y:2' });
    new ServiceRouting(chart, 'r', { service: web, routes: [{ match: [match], action: RouteAction.forward(web.version('v2')) }, { action: RouteAction.forward(web.version('v1')) }] });
  });
  expect(objects.flatMap(o => pinned.validate(o as never).problems)).toStrictEqual([]);
  return objects;
}

describe('match conditions beyond path and headers', () => {
  test('Istio: query parameters, absent headers, port, the caller\'s labels and namespace', () => {
    const vs = only(routeWith(HttpMatch.prefix('/api', {
      queryParams: { debug: StringMatch.exact('1'), tenant: StringMatch.regex('^t-[0-9]+$') },
      withoutHeaders: [HeaderMatch.exact('x-internal', 'true')],
      port: 80,
      sourceLabels: { app: 'frontend' },
      sourceNamespace: 'edge',
    })), 'VirtualService');
    expect((vs.spec as any).http[0].match).toStrictEqual([{
      port: 80,
      queryParams: { debug: { exact: '1' }, tenant: { regex: '^t-[0-9]+$' } },
      sourceLabels: { app: 'frontend' },
      sourceNamespace: 'edge',
      uri: { prefix: '/api' },
      withoutHeaders: { 'x-internal': { exact: 'true' } },
    }]);
  });

  test('the Gateway API: query parameters as HTTPRoute queryParams', () => {
    const route = only(routeWith(HttpMatch.where({ queryParams: { debug: StringMatch.exact('1'), v: StringMatch.regex('^2') } }), { trafficApi: TrafficApi.GATEWAY_API }), 'HTTPRoute');
    expect((route.spec as any).rules[0].matches).toStrictEqual([{ queryParams: [{ name: 'debug', value: '1' }, { name: 'v', type: 'RegularExpression', value: '^2' }] }]);
  });

  test.each([
    [{ withoutHeaders: [HeaderMatch.exact('x', '1')] }, 'withoutHeaders', 'it matches no absent header'],
    [{ sourceLabels: { app: 'a' } }, 'sourceLabels', 'routes do not match on the caller\'s labels'],
    [{ sourceNamespace: 'edge' }, 'sourceNamespace', 'routes do not match on the caller\'s namespace'],
    [{ port: 80 }, 'port', 'cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API) per match'],
  ])('the Gateway API cannot express %j: a synth error naming it (%s)', (options, field, words) => {
    const message = synthError(app => {
      const chart = new MeshChart(app, 'c', { trafficApi: TrafficApi.GATEWAY_API });
      const web = new MeshService(chart, 'web', { ports: [{ port: 80 }] });
      web.addVersion('v1', { image: 'x/y:1' });
      new ServiceRouting(chart, 'r', { service: web, routes: [{ match: [HttpMatch.where(options)], action: RouteAction.forward(web.version('v1')) }] });
    });
    expect(message).toContain(`'routes[0].match.${field}'`);
    expect(message).toContain(words);
  });

  test('bad conditions', () => {
    expect(errorOf(() => HttpMatch.where({}))).toMatch(/^HttpMatch.where: 'options' must hold at least one condition/);
    expect(errorOf(() => HttpMatch.where({ queryParams: { q: StringMatch.prefix('a') } })))
      .toBe("HttpMatch.where: 'queryParams.q' must be exact or a regex (Istio and the Gateway API match no prefix of a query parameter): got 'a'");
    expect(errorOf(() => HttpMatch.where({ sourceNamespace: 'Edge' }))).toMatch(/^HttpMatch.where: 'sourceNamespace' must be a DNS-1123 label/);
    expect(errorOf(() => HttpMatch.where({ port: 70000 }))).toBe("HttpMatch.where: 'port' must be a port number (a whole number from 1 to 65535): got 70000");
  });
});

describe('exportTo on VirtualService and DestinationRule (item 8)', () => {
  test('written when asked, on the VirtualService, the service\'s DestinationRule and a DestinationPolicy; Istio\'s default otherwise', () => {
    const objects = synthObjects(app => {
      const chart = new MeshChart(app, 'c', { namespace: 'shop' });
      const web = new MeshService(chart, 'web', { ports: [{ port: 80 }], exportTo: ['.', 'edge'] });
      web.addVersion('v1', { image: 'x/y:1' });
      new ServiceRouting(chart, 'r', { service: web, exportTo: ['.'], routes: [{ action: RouteAction.forward(web.version('v1')) }] });
      const other = new MeshService(chart, 'other', { ports: [{ port: 80 }] });
      other.addVersion('v1', { image: 'x/y:1' });
    });
    expect((only(objects, 'VirtualService').spec as any).exportTo).toStrictEqual(['.']);
    expect((only(objects, 'DestinationRule', 'web').spec as any).exportTo).toStrictEqual(['.', 'edge']);
    expect((only(objects, 'DestinationRule', 'other').spec as any).exportTo).toBeUndefined();
    expect(objects.flatMap(o => pinned.validate(o as never).problems)).toStrictEqual([]);
  });

  test('bad lists, and back-ends without it', () => {
    const app = new App();
    const chart = new MeshChart(app, 'c');
    expect(errorOf(() => new MeshService(chart, 'a', { ports: [{ port: 80 }], exportTo: ['*', '.'] })))
      .toBe("[c/a] 'exportTo' must not combine '*' with other entries (it already means every namespace): got ['*', '.']");
    expect(errorOf(() => new MeshService(chart, 'b', { ports: [{ port: 80 }], exportTo: ['Edge'] }))).toBe("[c/b] 'exportTo' must hold '.', '*' or namespace names: got 'Edge'");
    expect(synthError(a => {
      const c = new MeshChart(a, 'c', { trafficApi: TrafficApi.GATEWAY_API });
      const web = new MeshService(c, 'web', { ports: [{ port: 80 }], exportTo: ['.'] });
      web.addVersion('v1', { image: 'x/y:1' });
    })).toContain("[c/web] 'exportTo' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API): it is a DestinationRule setting");
  });
});
