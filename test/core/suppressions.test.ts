import { App, Chart } from 'cdk8s';
import { MeshService, Protocol, RouteAction, ServiceRouting, Suppressions } from '../../lib';
import { errorOf } from '../support/errors';
import { only, synthError, synthObjects } from '../support/synth';

function twoPortService(chart: Chart) {
  const s = new MeshService(chart, 'web', { ports: [{ port: 80 }, { port: 443, name: 'https', protocol: Protocol.HTTPS }] });
  s.addVersion('v1', { image: 'web:1.0' });
  return s;
}

describe('Suppressions', () => {
  test('a route to a multi-port service without a port fails (IST0112), in the mesh too', () => {
    expect(synthError(app => {
      const chart = new Chart(app, 'c');
      const web = twoPortService(chart);
      new ServiceRouting(chart, 'r', { service: web, routes: [{ action: RouteAction.forward(web) }] });
    })).toContain("[c/r] [IST0112] 'routes[0].port' must be given: service 'web' exposes several ports: got 'none'");
  });

  test('a suppression with a reason accepts it, on the construct or an ancestor', () => {
    const objects = synthObjects(app => {
      const chart = new Chart(app, 'c');
      const web = twoPortService(chart);
      Suppressions.add(chart, 'IST0112', 'the seed manifest omits the port; both ports serve the same site');
      new ServiceRouting(chart, 'r', { service: web, routes: [{ action: RouteAction.forward(web) }] });
    });
    expect(only(objects, 'VirtualService').spec).toStrictEqual({ hosts: ['web'], http: [{ route: [{ destination: { host: 'web' } }] }] });
  });

  test('find returns the nearest suppression', () => {
    const chart = new Chart(new App(), 'c');
    const web = twoPortService(chart);
    Suppressions.add(chart, 'IST0112', 'chart-wide');
    Suppressions.add(web, 'IST0112', 'this one');
    expect(Suppressions.find(web, 'IST0112')).toStrictEqual({ code: 'IST0112', reason: 'this one' });
    expect(Suppressions.find(chart, 'IST0112')).toStrictEqual({ code: 'IST0112', reason: 'chart-wide' });
    expect(Suppressions.find(chart, 'IST0130')).toBeUndefined();
  });

  test('fails if the code is not one the analysis reports (naming the valid codes) or the reason is empty', () => {
    const chart = new Chart(new App(), 'c');
    expect(errorOf(() => Suppressions.add(chart, 'port', 'x'))).toMatch(/^'code' must be a code the analysis reports: got 'port'; the codes are IST0002, IST0101, .*, KIA0106, .*MK0011, MK0012, MK0013, MK0014, MK0015, MK0020, MK0023, MK0024, MK0025, MK0026, MK0027, MK0028, MK0029, MK0030, MK0040, MK0041, MK0042, MK0057, MK0058, MK0059$/);
    // IST0122 (InvalidRegexp) was retired by Istio (istio/istio#51164); IST9999 is no code at all
    expect(errorOf(() => Suppressions.add(chart, 'IST0122', 'x'))).toMatch(/^'code' must be a code the analysis reports: got 'IST0122'/);
    expect(errorOf(() => Suppressions.add(chart, 'IST9999', 'x'))).toMatch(/^'code' must be a code the analysis reports: got 'IST9999'/);
    expect(errorOf(() => Suppressions.add(chart, 'IST0112', ' '))).toBe("'reason' must say why the finding is accepted: got ' '");
  });
});
