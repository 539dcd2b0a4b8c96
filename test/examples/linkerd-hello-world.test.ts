import * as path from 'path';
import { buildLinkerd1, buildLinkerd2, buildLinkerd2Split } from '../../examples/linkerd-hello-world/app';
import { Linkerd1Router, Linkerd1ServiceType, MeshApp, MeshChart, MeshProvider } from '../../lib';
import { HAS_SHARED, K8sObject, SHARED_DIR, describeWithShared, extraFields, loadObjects, parseObjects } from '../support/shared';
import { only, synthFiles, synthObjects } from '../support/synth';

const files = synthFiles(app => {
  const { world } = buildLinkerd2(app);
  buildLinkerd2Split(app, world);
  buildLinkerd1(app);
}, outdir => new MeshApp({ outdir }));
const file = (f: string) => parseObjects(files.get(f)!);

describe('Linkerd hello/world, Linkerd 2 flavour', () => {
  const objects = file('linkerd2/hello-world.k8s.yaml');

  test('hello, and world with a Service per version; every pod injected by annotation', () => {
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toStrictEqual([
      // three replicas each, as upstream: a PodDisruptionBudget (maxUnavailable 1) per version, mesh-kit's documented default
      'Service/hello', 'ServiceAccount/hello', 'Deployment/hello', 'PodDisruptionBudget/hello', 'Service/hello-v1',
      'Service/world', 'ServiceAccount/world', 'Deployment/world-v1', 'PodDisruptionBudget/world-v1', 'Service/world-v1',
      'Deployment/world-v2', 'PodDisruptionBudget/world-v2', 'Service/world-v2',
      'HTTPRoute/world', 'Server/world-7778', 'MeshTLSAuthentication/world', 'AuthorizationPolicy/world-7778',
    ]);
    for (const d of objects.filter(o => o.kind === 'Deployment')) {
      expect((d.spec as any).template.metadata.annotations).toStrictEqual({ 'linkerd.io/inject': 'enabled' });
    }
  });

  test('per-request routing: x-world-version: v2 goes to world-v2, everything else to world-v1', () => {
    expect(only(objects, 'HTTPRoute').spec).toStrictEqual({
      parentRefs: [{ group: 'core', kind: 'Service', name: 'world', port: 7778 }],
      rules: [
        { matches: [{ headers: [{ name: 'x-world-version', value: 'v2' }] }], backendRefs: [{ name: 'world-v2', port: 7778 }] },
        { backendRefs: [{ name: 'world-v1', port: 7778 }], timeouts: { request: '5s' } },
      ],
    });
  });

  test('only hello may call world, on its named container port', () => {
    expect(only(objects, 'Server').spec).toStrictEqual({ podSelector: { matchLabels: { app: 'world' } }, port: 'service', proxyProtocol: 'HTTP/1', accessPolicy: 'deny' });
    expect(only(objects, 'MeshTLSAuthentication').spec).toStrictEqual({ identityRefs: [{ kind: 'ServiceAccount', name: 'hello', namespace: 'default' }] });
    expect((only(objects, 'AuthorizationPolicy').spec as any).targetRef).toStrictEqual({ group: 'policy.linkerd.io', kind: 'Server', name: 'world-7778' });
  });

  test('the weighted split variant: one HTTPRoute per stage and the rollback', () => {
    const weights = (f: string) => (only(file(f), 'HTTPRoute').spec as any).rules[0].backendRefs.map((b: any) => `${b.name}=${b.weight}`).join(',');
    expect(['stage-10', 'stage-50', 'stage-100', 'rollback'].map(s => weights(`linkerd2-world-split.${s}.k8s.yaml`))).toStrictEqual([
      // the stable share goes to world itself, which selects v1 alone (Linkerd's traffic-shifting task)
      'world=90,world-v2=10', 'world=50,world-v2=50', 'world=0,world-v2=100', 'world=100,world-v2=0',
    ]);
  });
});

describe('Linkerd hello/world, Linkerd 1 flavour (legacy)', () => {
  const objects = file('linkerd1/hello-world.k8s.yaml');

  test('the router routes world to world-v1 and clients reach it through http_proxy on their node', () => {
    const config = (only(objects, 'ConfigMap', 'l5d-config').data as any)['config.yaml'] as string;
    expect(config).toContain('    /host/world => /srv/world-v1;');
    const env = (only(objects, 'Deployment', 'hello').spec as any).template.spec.containers[0].env;
    expect(env.map((e: any) => e.name)).toStrictEqual(['NODE_NAME', 'POD_IP', 'http_proxy']);
    expect(env[2]).toStrictEqual({ name: 'http_proxy', value: '$(NODE_NAME):4140' });
  });

  test('no mesh objects at all (Linkerd 1 routes by dtab)', () => {
    expect(objects.filter(o => /istio|linkerd\.io|gateway/.test(o.apiVersion))).toStrictEqual([]);
  });
});

/** What we add to the seed's objects, and why (each a documented default). */
const WORKLOAD_EXTRA = [
  'spec.selector', // apps/v1 Deployments need one (ReplicationControllers did not)
  'spec.template.metadata.labels.version', // MeshService labels each version
  'spec.template.spec.containers[0].imagePullPolicy', 'spec.template.spec.containers[0].resources', 'spec.template.spec.containers[0].securityContext',
  'spec.template.spec.securityContext', 'spec.template.spec.serviceAccountName', // restricted hardening, own ServiceAccount
  'spec.template.spec.topologySpreadConstraints', // the default spread of a version with two or more replicas
];

describeWithShared('Linkerd hello/world reproduces the seed', () => {
  const ref = (f: string) => (HAS_SHARED ? loadObjects(path.join(SHARED_DIR, 'reference', 'linkerd1', f)) : []);
  const l1 = file('linkerd1/hello-world.k8s.yaml');
  const find = (objects: K8sObject[], kind: string, name: string) => objects.find(o => o.kind === kind && o.metadata.name === name)!;

  test('covers the 6 app objects of hello-world.yml and world-v2.yml', () => expect([...ref('hello-world.yml'), ...ref('world-v2.yml')].length).toBe(6));

  test.each([...ref('hello-world.yml'), ...ref('world-v2.yml')].map(r => [`${r.kind}/${r.metadata.name}`, r] as const))('%s', (_id, upstream) => {
    if (upstream.kind === 'ReplicationController') {
      const d = find(l1, 'Deployment', upstream.metadata.name);
      const rc = upstream.spec as any;
      expect((d.spec as any).replicas).toBe(rc.replicas);
      expect((d.spec as any).template).toMatchObject(rc.template);
      expect(extraFields({ spec: { template: rc.template, replicas: rc.replicas } }, d).filter(f => f.startsWith('spec.'))).toStrictEqual(WORKLOAD_EXTRA);
    } else {
      const s = find(l1, 'Service', upstream.metadata.name);
      expect(s).toMatchObject(upstream);
      expect(extraFields(upstream, s)).toStrictEqual(['metadata.labels']); // app/service labels of every MeshService
    }
  });

  test('linkerd.yml: the l5d-config routing table exactly, the Service, the RBAC and the DaemonSet pod template', () => {
    const upstream = ref('linkerd.yml');
    expect(find(l1, 'ConfigMap', 'l5d-config').data).toStrictEqual(find(upstream, 'ConfigMap', 'l5d-config').data);
    expect(find(l1, 'Service', 'l5d')).toMatchObject(find(upstream, 'Service', 'l5d'));
    for (const kind of ['ClusterRole', 'ClusterRoleBinding']) {
      for (const u of upstream.filter(o => o.kind === kind)) {
        const { apiVersion: _a, ...rest } = u;
        expect(find(l1, kind, u.metadata.name)).toMatchObject(rest);
        expect(find(l1, kind, u.metadata.name).apiVersion).toBe('rbac.authorization.k8s.io/v1'); // v1beta1 is gone since Kubernetes 1.22
      }
    }
    const ds = find(l1, 'DaemonSet', 'l5d');
    expect(ds.apiVersion).toBe('apps/v1'); // extensions/v1beta1 is gone since Kubernetes 1.16
    expect((ds.spec as any).template).toMatchObject((find(upstream, 'DaemonSet', 'l5d').spec as any).template);
  });

  test('with legacyApiVersions, the router is linkerd.yml object for object (extensions/v1beta1, rbac v1beta1)', () => {
    const legacy = synthObjects(app => {
      new Linkerd1Router(new MeshChart(app, 'c', { mesh: MeshProvider.NONE }), 'l5d', {
        routes: [{ from: '/host/world', to: '/srv/world-v1' }], serviceType: Linkerd1ServiceType.LOAD_BALANCER, legacyApiVersions: true,
      });
    });
    const upstream = ref('linkerd.yml');
    expect(legacy.map(o => `${o.apiVersion} ${o.kind}/${o.metadata.name}`).sort()).toStrictEqual(upstream.map(o => `${o.apiVersion} ${o.kind}/${o.metadata.name}`).sort());
    for (const u of upstream) expect(find(legacy, u.kind, u.metadata.name)).toMatchObject(u);
  });

  test('linkerd-ingress.yml: every object present, Service ports equal', () => {
    const upstream = ref('linkerd-ingress.yml');
    const ingress = file('linkerd1/linkerd-ingress.k8s.yaml');
    for (const u of upstream) expect(find(ingress, u.kind, u.metadata.name)).toBeDefined();
    expect((find(ingress, 'Service', 'l5d').spec as any).ports).toStrictEqual((find(upstream, 'Service', 'l5d').spec as any).ports);
  });
});
