import { Problem } from '../../lib/core/errors';
import { checkHostsServed, checkPortName, checkRouteWeights, checkWeight, duplicates, hostsIntersect, percentWeightProblems } from '../../lib/validation/rules';

/** The validators return problem objects: their texts, as the errors show them. */
const texts = (problems: readonly Problem[]): string[] => problems.map(p => p.message);

describe('hostsIntersect (binding a VirtualService host to a Gateway host)', () => {
  test.each([
    ['nginx.example.com', '*.example.com', true],
    ['a.b.example.com', '*.example.com', true],
    ['example.com', '*.example.com', false],
    ['nginx.example.org', '*.example.com', false],
    ['anything.io', '*', true],
    ['*', '*.example.com', true],
    ['*.example.com', '*.a.example.com', true],
    ['*.example.com', '*.example.org', false],
    ['NGINX.Example.com', 'nginx.example.com', true],
    ['nginx.example.com', 'nginx.example.co', false],
    ['xexample.com', '*.example.com', false],
  ])('%s ~ %s: %s', (a, b, expected) => {
    expect(hostsIntersect(a, b)).toBe(expected);
    expect(hostsIntersect(b, a)).toBe(expected);
  });
});

describe('checkRouteWeights', () => {
  const d = (weight?: number) => ({ service: { name: 's' }, weight });
  test('a single destination needs no weight', () => expect(checkRouteWeights('r', [d()])).toStrictEqual([]));
  test('weights that add up to 100 pass', () => expect(checkRouteWeights('r', [d(90), d(10)])).toStrictEqual([]));
  test('a 100/0 split passes', () => expect(checkRouteWeights('r', [d(100), d(0)])).toStrictEqual([]));
  test('fails if a weight is missing in a split', () => {
    expect(texts(checkRouteWeights('r', [d(50), d()]))).toStrictEqual(["'r.weight' must be given for every destination of a weighted route: got [50, 'none']"]);
  });
  test('fails if there is no destination', () => {
    expect(texts(checkRouteWeights('r', []))).toStrictEqual(["'r' must have at least one destination: got 0"]);
  });
  test('fails if a weight is fractional', () => {
    expect(texts(checkWeight('w', 12.5))).toStrictEqual(["'w' must be a whole number between 0 and 100: got 12.5; round it to a whole share, e.g. 13"]);
  });
  test('weights are proportions: any total passes, up to 1,000,000 each', () => {
    expect(checkRouteWeights('r', [d(40), d(50051)])).toStrictEqual([]);
    expect(checkRouteWeights('r', [d(1_000_000), d(1)])).toStrictEqual([]);
    expect(texts(checkRouteWeights('r', [d(1_000_001), d(1)]))).toStrictEqual(["'r[0].weight' must be a whole number between 0 and 1000000: got 1000001; lower it to 1000000 at most, scaling the other weights alike to keep the shares"]);
  });
  test('fails if every weight is 0', () => {
    expect(texts(checkRouteWeights('r', [d(0), d(0)]))).toStrictEqual(["'r.weight' must not all be 0: the route would send its requests nowhere: got '0 + 0'; give at least one destination a weight"]);
  });
  test('returns each problem as data: field, rule, value and fix', () => {
    const [p] = percentWeightProblems('r', [d(90), d(20)]);
    expect(Problem.isProblem(p)).toBe(true);
    expect({ field: p.field, rule: p.rule, value: p.value }).toStrictEqual({
      field: 'r.weight',
      rule: 'must add up to 100 under Istio\'s API (TrafficApi.ISTIO): a VirtualService\'s weights are percentages (Istio before 1.15 refuses any other total)',
      value: '90 + 20 = 110',
    });
  });
});

describe('percentWeightProblems (Istio\'s API)', () => {
  const d = (weight?: number) => ({ service: { name: 's' }, weight });
  test('a single destination, or weights adding up to 100, pass', () => {
    expect(percentWeightProblems('r', [d()])).toStrictEqual([]);
    expect(percentWeightProblems('r', [d(40)])).toStrictEqual([]);
    expect(percentWeightProblems('r', [d(100), d(0)])).toStrictEqual([]);
  });
  test('fails if the weights add up to anything else, naming the back-end that needs it', () => {
    expect(texts(percentWeightProblems('r', [d(40), d(50051)]))).toStrictEqual(["'r.weight' must add up to 100 under Istio's API (TrafficApi.ISTIO): a VirtualService's weights "
      + "are percentages (Istio before 1.15 refuses any other total): got '40 + 50051 = 50091'; adjust the weights so that they total 100, or render this chart with "
      + 'TrafficApi.GATEWAY_API or for MeshProvider.LINKERD, which read weights as proportions']);
  });
});

describe('checkPortName', () => {
  const port = (name: string, appProtocol?: string) => ({ name, port: 80, appProtocol });
  test.each(['http', 'http-web', 'http-'])('accepts %s for an http port', name => expect(checkPortName('p', port(name), 'http')).toStrictEqual([]));
  test('accepts any name when appProtocol is set', () => expect(checkPortName('p', port('web', 'http'), 'http')).toStrictEqual([]));
  test('fails if the name has another protocol\'s prefix', () => {
    expect(checkPortName('p', port('http2-x'), 'http')).toHaveLength(1);
  });
});

describe('checkHostsServed', () => {
  const server = (...hosts: string[]) => [{ port: 80, portName: 'http', protocol: 'HTTP', hosts }];
  test.each([
    ['a.com', 'shop', 'istio-system', true],
    ['*/a.com', 'shop', 'istio-system', true],
    ['shop/a.com', 'shop', 'istio-system', true],
    ['shop/a.com', 'other', 'istio-system', false],
    ['./a.com', 'istio-system', 'istio-system', true],
    ['./a.com', 'shop', 'istio-system', false],
  ])('server host %s admits a route in %s (gateway in %s): %s', (host, route, gateway, ok) => {
    expect(checkHostsServed('hosts', ['a.com'], server(host), 'gw', { route, gateway }).length === 0).toBe(ok);
  });

  test('names the namespace that a namespaced server host admits', () => {
    expect(texts(checkHostsServed('hosts', ['a.com'], server('shop/a.com'), 'gw', { route: 'other', gateway: 'istio-system' }))).toStrictEqual([
      "'hosts' must be served by gateway 'gw' to the route's namespace 'other': got 'a.com'; the gateway serves it only to ['shop/a.com']: move the route there or widen the server host to '*/a.com'",
    ]);
  });

  test('names every unserved host', () => {
    const servers = [{ port: 80, portName: 'http', protocol: 'HTTP', hosts: ['ns/*.a.com'] }];
    expect(texts(checkHostsServed('hosts', ['x.a.com', 'b.com', 'c.com'], servers, 'gw', { route: 'ns' }))).toStrictEqual([
      "'hosts' must be served by gateway 'gw': got 'b.com'; the gateway serves ['*.a.com']: add the host to a gateway server or use a host it serves",
      "'hosts' must be served by gateway 'gw': got 'c.com'; the gateway serves ['*.a.com']: add the host to a gateway server or use a host it serves",
    ]);
  });
});

test('duplicates lists each repeated name once', () => {
  expect(duplicates(['a', 'b', 'a', 'a', 'c', 'b'])).toStrictEqual(['a', 'b']);
});
