import * as path from 'path';
import { App } from 'cdk8s';
import { K8sObject, parseObjects } from '../support/shared';
import { only, synthFiles } from '../support/synth';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildBringYourOwn, buildStorefrontCanary } = require(path.join('..', '..', 'examples', 'bring-your-own', 'app'));

const files = synthFiles((app: App) => {
  const { storefront } = buildBringYourOwn(app);
  buildStorefrontCanary(app, storefront);
});
const shop = parseObjects(files.get('shop.k8s.yaml')!);
const deployment = (name: RegExp): K8sObject => {
  const found = shop.filter(o => o.kind === 'Deployment' && name.test(o.metadata.name));
  expect(found).toHaveLength(1);
  return found[0];
};
const template = (o: K8sObject) => (o.spec as any).template;

describe('bring-your-own example', () => {
  test('the cdk8s-plus storefront Deployments get the mesh labels and the service identity, their selectors untouched', () => {
    for (const v of ['v1', 'v2']) {
      const d = deployment(new RegExp(`storefront-${v}`));
      expect(template(d).metadata.labels).toMatchObject({ app: 'storefront', version: v });
      expect(Object.keys((d.spec as any).selector.matchLabels)).toStrictEqual(['cdk8s.io/metadata.addr']);
      expect(template(d).spec.serviceAccountName).toBe('storefront');
    }
    expect((only(shop, 'DestinationRule', 'storefront').spec as any).subsets.map((s: any) => s.name)).toStrictEqual(['v1', 'v2']);
    expect([...files.keys()].filter(f => f.startsWith('storefront-canary'))).toHaveLength(4);
  });

  test('the Included Helm Deployment gets the app label; its own ServiceAccount is the identity the authorization names', () => {
    const inventory = only(shop, 'Deployment', 'inventory');
    expect(template(inventory).metadata.labels).toStrictEqual({ 'app.kubernetes.io/name': 'inventory', 'app.kubernetes.io/instance': 'inventory', 'app': 'inventory' });
    expect((inventory.spec as any).selector.matchLabels).toStrictEqual({ 'app.kubernetes.io/name': 'inventory', 'app.kubernetes.io/instance': 'inventory' });
    expect((only(shop, 'AuthorizationPolicy', 'inventory').spec as any).rules[0].from[0].source.principals).toStrictEqual(['cluster.local/ns/shop/sa/storefront']);
  });

  test('checkout uses every workload essential', () => {
    const v2 = deployment(/^checkout-v2$/);
    const spec = template(v2).spec;
    for (const field of ['affinity', 'tolerations', 'nodeSelector', 'priorityClassName', 'topologySpreadConstraints', 'initContainers',
      'imagePullSecrets', 'terminationGracePeriodSeconds', 'volumes', 'serviceAccountName']) {
      expect(spec[field]).toBeDefined();
    }
    const main = spec.containers[0];
    for (const field of ['readinessProbe', 'livenessProbe', 'startupProbe', 'lifecycle', 'resources', 'args']) expect(main[field]).toBeDefined();
    expect(main.resources.limits).toStrictEqual({ cpu: '2', memory: '1Gi' });
    expect(spec.initContainers.map((c: any) => [c.name, c.restartPolicy])).toStrictEqual([['migrate', undefined], ['log-shipper', 'Always']]);
    expect(spec.serviceAccountName).toBe('checkout-v2');
    expect(spec.volumes.find((v: any) => v.name === 'tls').secret.optional).toBe(true);
    expect(spec.volumes.find((v: any) => v.name === 'config').projected.sources).toHaveLength(4);
    expect(template(v2).metadata.annotations['proxy.istio.io/config']).toBe('{"terminationDrainDuration":"45s"}');
    expect((v2.spec as any).replicas).toBeUndefined();
    expect(shop.filter(o => o.kind === 'HorizontalPodAutoscaler').map(o => o.metadata.name)).toStrictEqual(['checkout-v1', 'checkout-v2']);
    expect(shop.filter(o => o.kind === 'PodDisruptionBudget').map(o => [o.metadata.name, (o.spec as any).minAvailable ?? (o.spec as any).maxUnavailable]))
      .toStrictEqual([['checkout-v1', 2], ['checkout-v2', 1]]);
    const svc = only(shop, 'Service', 'checkout');
    expect(svc.spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', sessionAffinity: 'ClientIP' });
    expect(svc.metadata.labels).toMatchObject({ 'app.kubernetes.io/part-of': 'shop' });
  });

  test('payments: a DestinationRule and a route in the shop namespace, nothing deployed', () => {
    const dr = only(shop, 'DestinationRule', 'payments');
    expect(dr.metadata.namespace).toBe('shop');
    expect((dr.spec as any).host).toBe('payments.payments.svc.cluster.local');
    expect((dr.spec as any).trafficPolicy.portLevelSettings[0].port).toStrictEqual({ number: 9443 });
    expect(shop.filter(o => o.metadata.name === 'payments').map(o => o.kind).sort()).toStrictEqual(['DestinationRule', 'VirtualService']);
  });
});
