import * as path from 'path';
import { buildBookinfoGatewayApi } from '../../examples/bookinfo/gateway-api';
import { MeshApp } from '../../lib';
import { HAS_SHARED, SHARED_DIR, describeWithShared, extraFields, loadObjects, parseObjects } from '../support/shared';
import { synthFiles } from '../support/synth';

const files = synthFiles(app => buildBookinfoGatewayApi(app), outdir => new MeshApp({ outdir }));

describe('Bookinfo on the Gateway API', () => {
  test('writes its files under gateway-api/, with no Istio routing objects', () => {
    expect([...files.keys()]).toStrictEqual([
      'gateway-api/bookinfo-gateway.k8s.yaml', 'gateway-api/bookinfo.k8s.yaml', 'gateway-api/route-all-v1.k8s.yaml',
      'gateway-api/route-reviews-50-v3.k8s.yaml', 'gateway-api/route-reviews-90-10.k8s.yaml', 'gateway-api/route-reviews-test-v2.k8s.yaml', 'gateway-api/route-reviews-v1.k8s.yaml', 'gateway-api/route-reviews-v3.k8s.yaml',
    ]);
    const kinds = [...files.values()].flatMap(parseObjects).map(o => o.kind);
    expect(kinds.filter(k => ['VirtualService', 'DestinationRule'].includes(k))).toStrictEqual([]);
    expect(new Set(kinds)).toStrictEqual(new Set(['Service', 'ServiceAccount', 'Deployment', 'Gateway', 'HTTPRoute']));
  });
});

describeWithShared('Bookinfo on the Gateway API reproduces Istio\'s gateway-api samples and per-version Services', () => {
  const ref = (f: string) => path.join(SHARED_DIR, 'reference', 'istio', 'bookinfo', f);
  const pairs: [string, string][] = [
    ['gateway-api/bookinfo-gateway.yaml', 'gateway-api/bookinfo-gateway.k8s.yaml'],
    ['gateway-api/route-all-v1.yaml', 'gateway-api/route-all-v1.k8s.yaml'],
    ['gateway-api/route-reviews-50-v3.yaml', 'gateway-api/route-reviews-50-v3.k8s.yaml'],
    ['gateway-api/route-reviews-90-10.yaml', 'gateway-api/route-reviews-90-10.k8s.yaml'],
    ['gateway-api/route-reviews-v1.yaml', 'gateway-api/route-reviews-v1.k8s.yaml'],
    ['gateway-api/route-reviews-v3.yaml', 'gateway-api/route-reviews-v3.k8s.yaml'],
    ['platform/bookinfo-versions.yaml', 'gateway-api/bookinfo.k8s.yaml'],
  ];
  const cases = HAS_SHARED ? pairs.flatMap(([r, out]) => loadObjects(ref(r)).map(o => [`${r}: ${o.kind}/${o.metadata.name}`, o, out] as const)) : [];

  test('covers every upstream object (10 routes and gateway, 6 per-version Services)', () => expect(cases.length).toBe(16));

  test.each(cases)('%s', (_name, upstream, outFile) => {
    const ours = parseObjects(files.get(outFile)!).find(o => o.kind === upstream.kind && o.metadata.name === upstream.metadata.name)!;
    expect(ours).toBeDefined();
    if (upstream.apiVersion.startsWith('gateway.networking.k8s.io/')) {
      expect(ours.apiVersion).toBe(upstream.apiVersion);
      expect(ours.spec).toStrictEqual(upstream.spec);
      expect(ours.metadata).toStrictEqual(upstream.metadata);
    } else {
      expect(ours).toStrictEqual(upstream); // per-version Services: field for field
      expect(extraFields(upstream, ours)).toStrictEqual([]);
    }
  });
});
