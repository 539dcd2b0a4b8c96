import { DestinationModel, HttpRouteModel, MatchModel } from '../../lib/render/model';
import { carryServiceRoutes } from '../../lib/render/service-routes';

const svc = { name: 'reviews', namespace: 'shop' };
const to = (subset?: string, weight?: number): DestinationModel => ({
  service: svc, onlyPort: 9080, ...(subset ? { subset } : {}), ...(weight !== undefined ? { weight } : {}),
});
const whole: DestinationModel = { service: svc, onlyPort: 9080, port: 9080 };
const gw = (match: MatchModel[], extra: Partial<HttpRouteModel> = {}): HttpRouteModel => ({ match, destinations: [whole], ...extra });
const rule = (match: MatchModel[], destinations: DestinationModel[] = [to('v1')], extra: Partial<HttpRouteModel> = {}): HttpRouteModel => ({ match, destinations, ...extra });

/** The gateway routes carrying `routes` of reviews for their destination 0 (a whole-service destination). */
function carry(gateway: HttpRouteModel[], routes: HttpRouteModel[]) {
  const out = carryServiceRoutes(gateway, (_, k) => (gateway[0].destinations[k] === whole ? { service: 'reviews', routes } : undefined));
  return { matches: out.routes.map(c => c.route.match), routes: out.routes.map(c => c.route), notes: out.notes.map(n => `${n.text}; ${n.fix}`), about: out.notes };
}

describe('carryServiceRoutes', () => {
  test('headers on one name: the narrower holds; values that cannot both hold drop the combination, without a note', () => {
    const { matches, notes } = carry([gw([{ headers: { 'x-user': { prefix: 'team-' } } }])], [
      rule([{ headers: { 'x-user': { exact: 'team-a' } } }]),
      rule([{ headers: { 'x-user': { exact: 'guest' } } }]),
    ]);
    expect(matches).toStrictEqual([[{ headers: { 'x-user': { exact: 'team-a' } } }]]);
    expect(notes).toStrictEqual([]);
  });

  test('absent headers on one name: the broader holds; callers\' labels merge, and differ only to drop; a mesh-only gateway condition is not carried', () => {
    const { matches } = carry([gw([{ withoutHeaders: { 'x-debug': { prefix: '1' } }, sourceLabels: { istio: 'ingressgateway' } }])], [
      rule([{ withoutHeaders: { 'x-debug': { exact: '1' } }, sourceLabels: { team: 'a' }, gateways: ['mesh'] }]),
      rule([{ sourceLabels: { istio: 'egressgateway' } }]),
    ]);
    expect(matches).toStrictEqual([[{ withoutHeaders: { 'x-debug': { prefix: '1' } }, sourceLabels: { team: 'a', istio: 'ingressgateway' } }]]);
  });

  test('a service route\'s port is the port the gateway sends to: the same one holds (and is not written), another never does', () => {
    const { matches } = carry([gw([])], [rule([{ port: 9090 }], [to('v2')]), rule([{ port: 9080 }], [to('v1')])]);
    expect(matches).toStrictEqual([[]]);
  });

  test('a regex is read as far as its literal prefix: disjoint from a path elsewhere, noted where it may overlap', () => {
    const { matches, notes, about } = carry([gw([{ uri: { prefix: '/reviews' } }, { uri: { exact: '/api/v1' } }])], [rule([{ uri: { regex: '^/api/v?[0-9]' } }])]);
    expect(matches).toStrictEqual([]);
    expect(notes).toStrictEqual([
      'routes[0] match (path exact /api/v1) and reviews\'s routes[0] match (path regex ^/api/v?[0-9]) could both hold, but exact /api/v1 and regex ^/api/v?[0-9] '
      + 'overlap without one containing the other, and one match holds one condition on it: gateway requests that match both skip that route of \'reviews\'; '
      + 'make the gateway route\'s match (path exact /api/v1) contain, or fall within, reviews\'s routes[0] match (path regex ^/api/v?[0-9]), or say so with followServiceRoutes: false',
    ]);
    // the gateway route's second match (index 1) is the one noted
    expect(about.map(n => [n.route, n.about])).toStrictEqual([[0, { match: 1 }]]);
  });

  test('case-insensitive paths: contained case-insensitively; one case-insensitive and one not, noted unless they cannot meet', () => {
    const { matches, notes } = carry([gw([{ uri: { prefix: '/Reviews' }, ignoreUriCase: true }])], [
      rule([{ uri: { prefix: '/reviews/V2' }, ignoreUriCase: true }], [to('v2')]),
      rule([{ uri: { prefix: '/ratings' } }], [to('v3')]),
      rule([{ uri: { prefix: '/reviews/v3' } }], [to('v3')]),
    ]);
    expect(matches).toStrictEqual([[{ uri: { prefix: '/reviews/V2' }, ignoreUriCase: true }]]);
    expect(notes.map(n => n.slice(n.indexOf('but '), n.indexOf('; make')))).toStrictEqual([
      'but one path condition is case-insensitive and the other is not: gateway requests that match both skip that route of \'reviews\'',
    ]);
  });

  test('a redirect of the service is carried where the gateway sends to the service alone, without forwarding policies', () => {
    const { routes } = carry([gw([{ uri: { prefix: '/old' } }], { timeout: '5s', headers: { response: { set: { a: 'b' } } } })],
      [rule([], [], { redirect: { uri: '/new' } })]);
    expect(routes).toStrictEqual([{ match: [{ uri: { prefix: '/old' } }], destinations: [], redirect: { uri: '/new' }, headers: { response: { set: { a: 'b' } } } }]);
  });

  test('an exact gateway path rewritten: the service\'s path condition holds for all its requests or none', () => {
    const { routes } = carry([gw([{ uri: { exact: '/shop/reviews' } }], { rewrite: { uri: '/reviews' } })], [
      rule([{ uri: { prefix: '/ratings' } }], [to('v3')]),
      rule([{ uri: { prefix: '/reviews' } }], [to('v2')], { rewrite: { uri: '/r', authority: 'reviews.internal' } }),
    ]);
    expect(routes).toStrictEqual([{ match: [{ uri: { exact: '/shop/reviews' } }], destinations: [{ ...to('v2'), port: 9080 }], rewrite: { uri: '/r', authority: 'reviews.internal' } }]);
  });

  test('what cannot be carried as a whole leaves the gateway route as written, with a note: a delegating route, two services with routes', () => {
    const g = gw([]);
    const delegating = carry([g], [rule([], [], { delegate: { name: 'team' } })]);
    expect(delegating.routes).toStrictEqual([g]);
    expect(delegating.about.map(n => n.about)).toStrictEqual(['destinations']);
    expect(delegating.notes).toStrictEqual(['routes[0] sends to \'reviews\' without its routes: its routes[0] delegates to \'team\', which a gateway route cannot carry; '
      + 'forward to its versions, or say so with followServiceRoutes: false']);
    const ratings: DestinationModel = { service: { name: 'ratings', namespace: 'shop' }, port: 9080, weight: 50 };
    const both = carryServiceRoutes([{ match: [], destinations: [{ ...whole, weight: 50 }, ratings] }], () => ({ service: 'x', routes: [rule([])] }));
    expect(both.routes.map(c => c.route.destinations)).toStrictEqual([[{ ...whole, weight: 50 }, ratings]]);
    expect(both.notes[0].text).toMatch(/^routes\[0\] sends to 'x' and 'x' without its routes: it splits traffic between several services with routes of their own/);
  });

  test('a gateway route that redirects or delegates, or a destination without routes, is kept as it is', () => {
    const routes: HttpRouteModel[] = [{ match: [], destinations: [], redirect: { scheme: 'https' } }, rule([], [to('v1')])];
    expect(carryServiceRoutes(routes, () => undefined).routes.map(c => c.route)).toStrictEqual(routes);
  });
});
