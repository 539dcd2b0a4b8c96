import { App, Chart } from 'cdk8s';
import { MeshNamespace, MeshValidationError, NamespaceInjection } from '../../lib';
import { only, synthObjects } from '../support/synth';

describe('MeshNamespace', () => {
  test.each([
    ['default (enabled)', undefined, { 'istio-injection': 'enabled' }],
    ['enabled', NamespaceInjection.enabled(), { 'istio-injection': 'enabled' }],
    ['a revision', NamespaceInjection.revision('1-24'), { 'istio.io/rev': '1-24' }],
    ['disabled', NamespaceInjection.disabled(), { 'istio-injection': 'disabled' }],
  ])('injection %s writes its label', (_name, injection, labels) => {
    const objects = synthObjects(app => new MeshNamespace(new Chart(app, 'c'), 'bookinfo', { injection }));
    expect(only(objects, 'Namespace')).toStrictEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bookinfo', labels } });
  });

  test('keeps further labels; the injection label wins', () => {
    const objects = synthObjects(app => new MeshNamespace(new Chart(app, 'c'), 'ns', {
      name: 'shop', labels: { 'team': 'payments', 'istio-injection': 'disabled' },
    }));
    expect(only(objects, 'Namespace').metadata).toStrictEqual({ name: 'shop', labels: { 'team': 'payments', 'istio-injection': 'enabled' } });
  });

  test('fails if the name is not a DNS-1123 label', () => {
    expect(() => new MeshNamespace(new Chart(new App(), 'c'), 'Shop')).toThrow(MeshValidationError);
    expect(() => new MeshNamespace(new Chart(new App(), 'c'), 'Shop')).toThrow(/^\[c\/Shop\] 'name' must be a DNS-1123 label .*: got 'Shop'; write it as 'shop'$/);
    expect(() => MeshNamespace.fromName('a_b')).toThrow(/^\w+\.\w+: 'namespace' must be a DNS-1123 label .*: got 'a_b'; write it as 'a-b'$/);
  });
});
