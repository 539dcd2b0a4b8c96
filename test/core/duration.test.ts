import { Duration } from 'cdk8s';
import { MeshChart, MeshNamespace, MeshProvider, MeshService, RetryOn, RouteAction, ServiceRouting, StringMatch, TrafficApi } from '../../lib';
import { durationString, millisOfDurationString, wholeUnits, wholeUnitsDurationString } from '../../lib/core/duration';
import { parseDuration } from '../../lib/dataplane/linkerd';
import { errorOf } from '../support/errors';
import { expectLinkerdValid, expectSchemaValid } from '../support/schemas';
import { only, synthObjects } from '../support/synth';

describe('durationString: the unit the user chose, as Istio writes durations', () => {
  test.each([
    ['Duration.minutes(3): minutes (circuit-breaking\'s baseEjectionTime: 3m)', Duration.minutes(3), '3m'],
    ['Duration.hours(1): hours', Duration.hours(1), '1h'],
    ['Duration.days(1): hours (Go and GEP-2257 have no days)', Duration.days(1), '24h'],
    ['Duration.millis(500): milliseconds', Duration.millis(500), '500ms'],
    ['Duration.millis(2000): milliseconds, as written', Duration.millis(2000), '2000ms'],
    ['Duration.seconds(3): seconds', Duration.seconds(3), '3s'],
    ['Duration.seconds(120): seconds, as written', Duration.seconds(120), '120s'],
    ['Duration.minutes(1.5): not whole minutes, so whole seconds', Duration.minutes(1.5), '90s'],
    ['Duration.seconds(0.5): seconds with protobuf JSON\'s fraction (request-timeouts: 0.5s)', Duration.seconds(0.5), '0.5s'],
    ['Duration.seconds(1.25): seconds with a fraction', Duration.seconds(1.25), '1.25s'],
    ['Duration.minutes(0.01): 600ms as seconds with a fraction', Duration.minutes(0.01), '0.6s'],
  ])('%s', (_name, d, written) => {
    expect(durationString('timeout', d)).toBe(written);
  });

  test.each([
    ['under 1ms', Duration.millis(0), '\'timeout\' must be a whole number of milliseconds, at least 1ms: got \'0ms\''],
    ['not whole milliseconds', Duration.millis(1.5), '\'timeout\' must be a whole number of milliseconds, at least 1ms: got \'1.5ms\''],
  ])('fails if %s', (_name, d, message) => {
    expect(errorOf(() => durationString('timeout', d))).toBe(message);
  });
});

describe('whole units, for the Gateway API (GEP-2257) and Linkerd (parse_duration), which have no fractions', () => {
  test.each([
    ['0.5s', '500ms'],
    ['1.25s', '1250ms'],
    ['0.001s', '1ms'],
    ['12.3s', '12300ms'],
    ['3m', '3m'],
    ['1h', '1h'],
    ['500ms', '500ms'],
    ['7s', '7s'],
  ])('wholeUnits(%s) is %s', (model, written) => {
    expect(wholeUnits(model)).toBe(written);
  });

  test('wholeUnitsDurationString keeps the unit written and writes a fraction of a second in milliseconds', () => {
    expect([Duration.minutes(3), Duration.seconds(0.5), Duration.millis(300)].map(d => wholeUnitsDurationString('d', d))).toStrictEqual(['3m', '500ms', '300ms']);
  });

  test('what it writes is a duration Linkerd parses', () => {
    expect(parseDuration(wholeUnitsDurationString('d', Duration.seconds(0.5)))).toStrictEqual({ ok: true, value: 500 });
  });

  test.each([
    ['3m', 180_000], ['1h', 3_600_000], ['0.5s', 500], ['7s', 7000], ['500ms', 500], ['24h', 86_400_000],
  ])('millisOfDurationString(%s) is %d', (model, ms) => {
    expect(millisOfDurationString(model)).toBe(ms);
  });

  test('millisOfDurationString of anything else is NaN', () => {
    expect([millisOfDurationString('1m30s'), millisOfDurationString('3'), millisOfDurationString('')]).toStrictEqual([NaN, NaN, NaN]);
  });
});

describe('the durations of rendered objects', () => {
  const reviews = (chart: MeshChart) => {
    const namespace = new MeshNamespace(chart, 'ns', { name: 'shop' });
    return new MeshService(chart, 'reviews', { namespace, ports: [{ port: 9080 }], image: 'ghcr.io/example/reviews:1.0.0' });
  };
  const timeoutRoute = (chart: MeshChart, retryOn?: RetryOn[]) => {
    const svc = reviews(chart);
    new ServiceRouting(chart, 'reviews-routes', {
      service: svc,
      routes: [{
        action: RouteAction.forward(svc),
        timeout: Duration.seconds(0.5),
        retries: { attempts: 2, perTryTimeout: Duration.seconds(0.25), retryOn },
      }],
    });
  };

  test('Istio: a VirtualService\'s timeout of Duration.seconds(0.5) is 0.5s, valid against the pinned CRDs and Istio\'s webhook rules', () => {
    const objects = expectSchemaValid(synthObjects(app => timeoutRoute(new MeshChart(app, 'c', { namespace: 'shop' }), [RetryOn.FIVE_XX])));
    const rule = (only(objects, 'VirtualService').spec as any).http[0];
    expect([rule.timeout, rule.retries.perTryTimeout]).toStrictEqual(['0.5s', '0.25s']);
  });

  test('the Gateway API: the same route\'s HTTPRoute timeouts are whole milliseconds (GEP-2257)', () => {
    const objects = expectSchemaValid(synthObjects(app => timeoutRoute(new MeshChart(app, 'c', { namespace: 'shop', trafficApi: TrafficApi.GATEWAY_API }))));
    expect((only(objects, 'HTTPRoute').spec as any).rules[0].timeouts).toStrictEqual({ request: '500ms', backendRequest: '250ms' });
  });

  test('Linkerd: the HTTPRoute timeout and the retry annotation are whole milliseconds', () => {
    const objects = expectLinkerdValid(synthObjects(app => timeoutRoute(new MeshChart(app, 'c', { namespace: 'shop', mesh: MeshProvider.LINKERD }), [RetryOn.FIVE_XX])));
    const route = only(objects, 'HTTPRoute');
    expect((route.spec as any).rules[0].timeouts).toStrictEqual({ request: '500ms' });
    expect((route.metadata.annotations as Record<string, string>)['retry.linkerd.io/timeout']).toBe('250ms');
  });

  test('Istio: an outlier detection\'s Duration.minutes(3) is 3m (the circuit-breaking task\'s baseEjectionTime)', () => {
    const objects = expectSchemaValid(synthObjects(app => {
      const chart = new MeshChart(app, 'c', { namespace: 'shop' });
      new MeshService(chart, 'httpbin', {
        namespace: new MeshNamespace(chart, 'ns', { name: 'shop' }),
        ports: [{ port: 8000 }],
        image: 'ghcr.io/example/httpbin:1.0.0',
        trafficPolicy: { outlierDetection: { consecutive5xxErrors: 1, interval: Duration.seconds(1), baseEjectionTime: Duration.minutes(3) } },
      });
    }));
    expect((only(objects, 'DestinationRule').spec as any).trafficPolicy.outlierDetection).toMatchObject({ interval: '1s', baseEjectionTime: '3m' });
  });

  test('Linkerd: Duration.minutes(3) as the minimum penalty is 3m, and above the default maximum (60s) also the maximum', () => {
    const objects = expectLinkerdValid(synthObjects(app => {
      const chart = new MeshChart(app, 'c', { namespace: 'shop', mesh: MeshProvider.LINKERD });
      new MeshService(chart, 'bb', { ports: [{ port: 8080 }], image: 'docker.io/buoyantio/bb:v0.0.6', trafficPolicy: { outlierDetection: { baseEjectionTime: Duration.minutes(3) } } });
    }));
    expect(only(objects, 'Service', 'bb').metadata.annotations).toStrictEqual({
      'balancer.linkerd.io/failure-accrual': 'consecutive',
      'balancer.linkerd.io/failure-accrual-consecutive-max-penalty': '3m',
      'balancer.linkerd.io/failure-accrual-consecutive-min-penalty': '3m',
    });
  });

  test('Linkerd: a fraction of a second as the minimum penalty is whole milliseconds', () => {
    const objects = expectLinkerdValid(synthObjects(app => {
      const chart = new MeshChart(app, 'c', { namespace: 'shop', mesh: MeshProvider.LINKERD });
      new MeshService(chart, 'bb', { ports: [{ port: 8080 }], image: 'docker.io/buoyantio/bb:v0.0.6', trafficPolicy: { outlierDetection: { baseEjectionTime: Duration.seconds(1.5) } } });
    }));
    expect((only(objects, 'Service', 'bb').metadata.annotations as Record<string, string>)['balancer.linkerd.io/failure-accrual-consecutive-min-penalty']).toBe('1500ms');
  });

  test('the Gateway API: a CORS maxAge of Duration.hours(24) is 86400 seconds', () => {
    const objects = synthObjects(app => {
      const chart = new MeshChart(app, 'c', { namespace: 'shop', trafficApi: TrafficApi.GATEWAY_API });
      const svc = reviews(chart);
      new ServiceRouting(chart, 'reviews-routes', {
        service: svc,
        routes: [{ action: RouteAction.forward(svc), cors: { allowOrigins: [StringMatch.exact('https://shop.example.com')], maxAge: Duration.hours(24) } }],
      });
    });
    expect((only(objects, 'HTTPRoute').spec as any).rules[0].filters[0].cors.maxAge).toBe(86_400);
  });
});
