import * as fs from 'fs';
import * as path from 'path';
import { buildBookinfoMesh } from '../../examples/bookinfo/ambient';
import { DataPlane, MeshApp } from '../../lib';
import { HAS_SHARED, SHARED_DIR, describeWithShared, loadObjects, parseObjects } from '../support/shared';
import { synthFiles } from '../support/synth';

const files = synthFiles(app => {
  buildBookinfoMesh(app, DataPlane.AMBIENT);
  buildBookinfoMesh(app, DataPlane.SIDECAR);
}, outdir => new MeshApp({ outdir }));
const objects = (file: string) => parseObjects(files.get(file)!);
const ids = (file: string) => objects(file).map(o => `${o.kind}/${o.metadata.name}`);

describe('Bookinfo in ambient mode, and the same code with sidecars', () => {
  test('one setting, two outputs', () => {
    expect([...files.keys()]).toStrictEqual([
      'ambient/bookinfo-gateway.k8s.yaml', 'ambient/bookinfo.k8s.yaml', 'ambient/route-reviews-90-10.k8s.yaml', 'ambient/security.k8s.yaml',
      'sidecar/bookinfo-gateway.k8s.yaml', 'sidecar/bookinfo.k8s.yaml', 'sidecar/route-reviews-90-10.k8s.yaml', 'sidecar/security.k8s.yaml',
    ]);
  });

  test('ambient: the namespace enrolled, no sidecar labels; waypoints; per-version Services and HTTPRoutes instead of subsets', () => {
    const platform = objects('ambient/bookinfo.k8s.yaml');
    expect(platform.find(o => o.kind === 'Namespace')!.metadata.labels).toStrictEqual({ 'istio.io/dataplane-mode': 'ambient' });
    expect(platform.filter(o => o.kind === 'DestinationRule')).toStrictEqual([]);
    expect(platform.filter(o => o.kind === 'Gateway').map(o => o.metadata.name)).toStrictEqual(['bookinfo-details', 'bookinfo-reviews', 'ratings-waypoint', 'productpage-waypoint']);
    const svc = (n: string) => platform.find(o => o.kind === 'Service' && o.metadata.name === n)!.metadata.labels;
    expect(svc('details')).toMatchObject({ 'istio.io/use-waypoint': 'bookinfo-details' });
    // L7 authorization gave productpage and ratings a waypoint each; ingress goes through it
    expect(svc('productpage')).toMatchObject({ 'istio.io/use-waypoint': 'productpage-waypoint', 'istio.io/ingress-use-waypoint': 'true' });
    expect(ids('ambient/route-reviews-90-10.k8s.yaml')).toStrictEqual(['HTTPRoute/reviews']);
  });

  test('zero trust under ambient: L4 in ztunnel (selector), L7 in the waypoints (targetRefs), each workload admitting only its waypoint', () => {
    const sec = objects('ambient/security.k8s.yaml');
    const policy = (n: string) => sec.find(o => o.metadata.name === n)!.spec as any;
    expect(policy('allow-nothing')).toStrictEqual({});
    expect(policy('reviews-viewer').targetRefs).toStrictEqual([{ group: '', kind: 'Service', name: 'reviews' }]);
    expect(policy('reviews-viewer').selector).toBeUndefined();
    expect(policy('reviews-waypoint-bypass')).toStrictEqual({
      action: 'DENY', rules: [{ from: [{ source: { notPrincipals: ['cluster.local/ns/ambient/sa/bookinfo-reviews'] } }] }], selector: { matchLabels: { app: 'reviews' } },
    });
    expect(policy('productpage-allow').rules[0].from[0].source.principals).toStrictEqual(['cluster.local/ns/ambient/sa/bookinfo-gateway-istio']);
  });

  test('sidecar: the same services and policies for sidecars (injection label, DestinationRules, selectors)', () => {
    const platform = objects('sidecar/bookinfo.k8s.yaml');
    expect(platform.find(o => o.kind === 'Namespace')!.metadata.labels).toStrictEqual({ 'istio-injection': 'enabled' });
    expect(platform.filter(o => o.kind === 'Gateway')).toStrictEqual([]);
    expect((objects('sidecar/security.k8s.yaml').find(o => o.metadata.name === 'reviews-viewer')!.spec as any).selector).toStrictEqual({ matchLabels: { app: 'reviews' } });
  });
});

describeWithShared('Bookinfo in ambient mode reproduces Istio\'s ambient reference (conformance.py\'s rules)', () => {
  const dir = path.join(SHARED_DIR, 'reference', 'istio', 'ambient');
  const refs = HAS_SHARED ? fs.readdirSync(dir).sort().flatMap(f => loadObjects(path.join(dir, f)).map(o => [f, o] as const)) : [];
  const ours = [...files].filter(([f]) => f.startsWith('ambient/')).flatMap(([, text]) => parseObjects(text));

  test('the reference holds 26 objects', () => expect(refs).toHaveLength(26));

  test.each(refs.map(([f, o]) => [`${f}: ${o.kind}/${o.metadata.name}`, o] as const))('%s', (_, ref) => {
    const group = (v: string) => (v.includes('/') ? v.split('/')[0] : '');
    const match = ours.filter(o => o.kind === ref.kind && o.metadata.name === ref.metadata.name && group(o.apiVersion) === group(ref.apiVersion));
    expect(match).toHaveLength(1);
    const { namespace: _ns, ...refMeta } = ref.metadata as { namespace?: string };
    expect(match[0].metadata).toMatchObject(refMeta);
    // Istio and Gateway API objects: the same spec; core Kubernetes objects: the reference's fields (hardening may be added)
    if (group(ref.apiVersion).includes('.')) expect(match[0].spec).toStrictEqual(ref.spec);
    else expect(match[0]).toMatchObject({ ...ref, metadata: refMeta });
  });
});
