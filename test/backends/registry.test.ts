import { App, Chart } from 'cdk8s';
import { DataPlane, MeshChart, MeshProvider, MeshService, MeshValidationError, TrafficApi } from '../../lib';
import { BACKENDS, BACKEND_NAMES, backendAt, backendNameOf, backendNamed } from '../../lib/backends/registry';

describe('back-end registry', () => {
  test('lists every back-end, each under its own name', () => {
    expect(BACKEND_NAMES).toStrictEqual(['istio', 'gateway-api', 'linkerd', 'none']);
    for (const name of BACKEND_NAMES) expect(BACKENDS[name].name).toBe(name);
    expect(BACKEND_NAMES.map(n => backendNamed(n))).toStrictEqual(BACKEND_NAMES.map(n => BACKENDS[n]));
  });

  test.each([
    [{ mesh: MeshProvider.ISTIO }, 'istio'],
    [{ mesh: MeshProvider.ISTIO, trafficApi: TrafficApi.GATEWAY_API }, 'gateway-api'],
    [{ mesh: MeshProvider.ISTIO, dataPlane: DataPlane.AMBIENT }, 'gateway-api'],
    [{ mesh: MeshProvider.ISTIO, dataPlane: DataPlane.AMBIENT, trafficApi: TrafficApi.ISTIO }, 'istio'],
    [{ mesh: MeshProvider.LINKERD }, 'linkerd'],
    [{ mesh: MeshProvider.LINKERD, trafficApi: TrafficApi.GATEWAY_API }, 'linkerd'],
    [{ mesh: MeshProvider.NONE }, 'none'],
  ])('a chart with %j renders for %s', (settings, name) => {
    expect(backendAt(new MeshChart(new App(), 'c', settings)).name).toBe(name);
  });

  test('a chart without settings renders for Istio\'s API', () => {
    expect(backendAt(new Chart(new App(), 'c')).name).toBe('istio');
  });

  test('fails if a back-end name is unknown, listing the known ones (never Istio by default)', () => {
    expect(() => backendNamed('consul')).toThrow(MeshValidationError);
    expect(() => backendNamed('consul'))
      .toThrow("'backend' must be one of the registered back-ends: got 'consul'; use one of 'istio', 'gateway-api', 'linkerd', 'none'");
    expect(() => backendNamed('toString')).toThrow("'backend' must be one of the registered back-ends: got 'toString'");
    expect(() => backendNamed(undefined as unknown as string)).toThrow("'backend' must be one of the registered back-ends: got undefined");
  });

  test('fails if the mesh is not a MeshProvider (JavaScript, a context value set by hand)', () => {
    expect(() => backendNameOf({ mesh: 'consul' as MeshProvider, trafficApi: TrafficApi.ISTIO }))
      .toThrow("'mesh' must be a MeshProvider: no back-end renders another mesh: got 'consul'; use one of MeshProvider.ISTIO, MeshProvider.LINKERD, MeshProvider.NONE");
  });

  test('fails if a construct is added under a mesh no back-end renders, naming it, rather than rendering Istio', () => {
    const chart = new Chart(new App(), 'c');
    chart.node.setContext('@mesh-kit/core:mesh', 'consul');
    expect(() => backendAt(chart)).toThrow("[c] 'mesh' must be a MeshProvider: no back-end renders another mesh: got 'consul'");
    expect(() => new MeshService(chart, 'shop', { ports: [{ port: 80 }] }))
      .toThrow("[c/shop] 'mesh' must be a MeshProvider: no back-end renders another mesh: got 'consul'");
  });
});
