import * as path from 'path';
import { buildNginxCanary, buildNginxSplit } from '../../examples/nginx-split/app';
import { MeshApp } from '../../lib';
import { HAS_SHARED, SHARED_DIR, describeWithShared, extraFields, loadObjects, parseObjects } from '../support/shared';
import { synthFiles } from '../support/synth';

const files = synthFiles(app => buildNginxSplit(app));
const objects = parseObjects(files.get('nginx-split.k8s.yaml')!);

describe('nginx split example', () => {
  test('uses networking.istio.io/v1alpha3 for every Istio object, like the seed', () => {
    expect(objects.filter(o => o.apiVersion.includes('istio')).map(o => o.apiVersion)).toStrictEqual(Array(3).fill('networking.istio.io/v1alpha3'));
  });
});

/** What we add to the seed's Kubernetes objects, and why (each is a documented default). */
const EXTRA: { [id: string]: string[] } = {
  'ConfigMap/nginx-static-files': ['immutable'], // cdk8s-plus-27's ConfigMap writes immutable: false
  // app label: the Service selects on it; imagePullPolicy, resources, serviceAccountName: MeshService defaults;
  // topologySpreadConstraints: the default spread of a version with two or more replicas.
  'Deployment/nginx-v117': [
    'metadata.labels.app',
    'spec.template.spec.containers[0].imagePullPolicy',
    'spec.template.spec.containers[0].resources',
    'spec.template.spec.serviceAccountName',
    'spec.template.spec.topologySpreadConstraints',
  ],
  'Service/nginx-svc': ['metadata.labels.app'],
};
EXTRA['Deployment/nginx-v116'] = EXTRA['Deployment/nginx-v117'];

describeWithShared('nginx split reproduces the seed\'s manifests', () => {
  const refs = HAS_SHARED ? ['nginx-service-v1.yaml', 'nginx-virtual-service-v1.yaml']
    .flatMap(f => loadObjects(path.join(SHARED_DIR, 'reference', 'nginx-split', f))) : [];

  test('covers all 7 seed objects', () => expect(refs.length).toBe(7));

  test.each(refs.map(r => [`${r.kind}/${r.metadata.name}`, r] as const))('%s', (id, upstream) => {
    const ours = objects.find(o => o.kind === upstream.kind && o.metadata.name === upstream.metadata.name)!;
    expect(ours).toBeDefined();
    if (upstream.apiVersion.startsWith('networking.istio.io/')) {
      expect(ours.apiVersion).toBe(upstream.apiVersion);
      expect(ours.spec).toStrictEqual(upstream.spec);
      expect(ours.metadata).toStrictEqual(upstream.metadata);
    } else {
      expect(ours).toMatchObject(upstream);
      expect(extraFields(upstream, ours)).toStrictEqual(EXTRA[id]);
    }
  });
});

describe('nginx staged rollout (CanaryRelease)', () => {
  const staged = synthFiles(app => {
    const { nginx, gateway } = buildNginxSplit(app);
    buildNginxCanary(app, nginx, gateway);
  }, outdir => new MeshApp({ outdir }));

  test('90/10, 50/50 and 0/100 stages and the rollback, each a file', () => {
    const weights = (f: string) => {
      const vs = parseObjects(staged.get(f)!).find(o => o.kind === 'VirtualService')!;
      return (vs.spec as any).http.find((r: any) => r.name === 'canary-split').route.map((r: any) => `${r.destination.subset}=${r.weight}`);
    };
    expect([...staged.keys()].sort()).toStrictEqual([
      'nginx-canary.rollback.k8s.yaml', 'nginx-canary.stage-10.k8s.yaml', 'nginx-canary.stage-100.k8s.yaml', 'nginx-canary.stage-50.k8s.yaml', 'nginx-split.k8s.yaml',
    ]);
    expect(weights('nginx-canary.stage-10.k8s.yaml')).toStrictEqual(['v116=90', 'v117=10']);
    expect(weights('nginx-canary.stage-50.k8s.yaml')).toStrictEqual(['v116=50', 'v117=50']);
    expect(weights('nginx-canary.stage-100.k8s.yaml')).toStrictEqual(['v116=0', 'v117=100']);
    expect(weights('nginx-canary.rollback.k8s.yaml')).toStrictEqual(['v116=100', 'v117=0']);
  });
});

describe('the seed\'s Host:port trap', () => {
  test('a gateway or route host with the NodePort in it is a synth error that says why', () => {
    expect(() => synthFiles(app => {
      const { gateway } = buildNginxSplit(app);
      gateway.addServer({ port: 31380, hosts: ['nginx.hung.org.hk:31380'] });
    })).toThrow("[nginx-split/Gateway] 'servers.hosts' must be a DNS name, optionally starting with a '*.' wildcard label, or '*': got 'nginx.hung.org.hk:31380'; "
      + 'hosts never carry a port: reach the gateway on its service port (a LoadBalancer, or port-forward) so that clients send a Host header without the NodePort');
  });
});
