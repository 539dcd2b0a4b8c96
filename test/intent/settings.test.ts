import { App, Chart } from 'cdk8s';
import { IstioApiVersion, MeshChart, MeshService, MeshSettings, MeshValidationError, RouteAction } from '../../lib';
import { synthObjects } from '../support/synth';

function service(chart: Chart) {
  const s = new MeshService(chart, 'shop', { ports: [{ port: 80 }] });
  s.addVersion('v1', { image: 'shop:1.0' });
  s.addRoute({ action: RouteAction.forward(s.version('v1')) });
}

const istioVersions = (objects: { apiVersion: string }[]) =>
  [...new Set(objects.filter(o => o.apiVersion.includes('istio.io')).map(o => o.apiVersion))];

describe('Istio API version setting', () => {
  test('defaults to v1', () => {
    expect(istioVersions(synthObjects(app => service(new Chart(app, 'c'))))).toStrictEqual(['networking.istio.io/v1']);
  });

  test.each([IstioApiVersion.V1BETA1, IstioApiVersion.V1ALPHA3])('a MeshChart sets %s for everything in it', v => {
    expect(istioVersions(synthObjects(app => service(new MeshChart(app, 'c', { istioApiVersion: v }))))).toStrictEqual([`networking.istio.io/${v}`]);
  });

  test('set once on the app, applies to every chart; a chart may override it', () => {
    const objects = synthObjects(app => {
      MeshSettings.apply(app, { istioApiVersion: IstioApiVersion.V1ALPHA3 });
      service(new Chart(app, 'a'));
      service(new MeshChart(app, 'b', { istioApiVersion: IstioApiVersion.V1 }));
    });
    expect(istioVersions(objects)).toStrictEqual(['networking.istio.io/v1alpha3', 'networking.istio.io/v1']);
  });

  test('fails if set after constructs were added to the scope', () => {
    const app = new App();
    new Chart(app, 'early');
    expect(() => MeshSettings.apply(app, { istioApiVersion: IstioApiVersion.V1BETA1 })).toThrow(MeshValidationError);
    expect(() => MeshSettings.apply(app, { istioApiVersion: IstioApiVersion.V1BETA1 }))
      .toThrow("[(app)] 'istioApiVersion' must be set before constructs are added to the scope: got 'v1beta1'; call MeshSettings.apply on '(app)' before adding 'early'");
  });

  test('fails if the version is not one Istio serves', () => {
    expect(() => MeshSettings.apply(new App(), { istioApiVersion: 'v2' as IstioApiVersion }))
      .toThrow("[(app)] MeshSettings.apply: 'props.istioApiVersion' must be one of 'v1', 'v1alpha3', 'v1beta1': got 'v2'; did you mean 'v1'?");
  });
});

describe('object identity within a chart', () => {
  test('fails if two constructs emit the same kind and name into one chart', () => {
    const chart = new Chart(new App(), 'c');
    new MeshService(chart, 'shop', { ports: [{ port: 80 }] });
    expect(() => new MeshService(chart, 'shop2', { name: 'shop', ports: [{ port: 80 }] })).toThrow(
      "[c/shop2] 'name' must be unique among the Services of a chart: got 'shop'; 'c/shop' already emits Service 'shop': give one of them another name, or move it to another chart");
  });

  test('fails if two services share a ServiceAccount name in one chart', () => {
    const chart = new Chart(new App(), 'c');
    new MeshService(chart, 'a', { serviceAccountName: 'shared' });
    expect(() => new MeshService(chart, 'b', { serviceAccountName: 'shared' })).toThrow(/^\[c\/b\] 'name' must be unique among the ServiceAccounts of a chart: got 'shared'/);
  });

  test('the same name in other charts or other namespaces is fine (alternative scenarios)', () => {
    const app = new App();
    const a = new Chart(app, 'a');
    new MeshService(a, 'shop', { ports: [{ port: 80 }] });
    new MeshService(new Chart(app, 'b'), 'shop', { ports: [{ port: 80 }] });
    new MeshService(a, 'shop-other', { name: 'shop', namespace: { name: 'other' }, ports: [{ port: 80 }] });
    expect(app.charts).toHaveLength(2);
  });
});
