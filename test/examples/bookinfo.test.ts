import * as path from 'path';
import { buildBookinfo } from '../../examples/bookinfo/app';
import { buildBookinfoSecurity } from '../../examples/bookinfo/security';
import { MeshApp } from '../../lib';
import { SchemaValidator, expectSchemaValid } from '../support/schemas';
import { HAS_SHARED, SHARED_DIR, describeWithShared, extraFields, loadObjects, parseObjects } from '../support/shared';
import { synthFiles } from '../support/synth';

const files = synthFiles(buildBookinfo);

describe('Bookinfo example', () => {
  test('writes one file for the platform, one for the gateway and one per routing scenario', () => {
    expect([...files.keys()]).toStrictEqual([
      'bookinfo-gateway.k8s.yaml',
      'bookinfo.k8s.yaml',
      'virtual-service-all-v1.k8s.yaml',
      'virtual-service-ratings-test-abort.k8s.yaml',
      'virtual-service-ratings-test-delay.k8s.yaml',
      'virtual-service-reviews-50-v3.k8s.yaml',
      'virtual-service-reviews-90-10.k8s.yaml',
      'virtual-service-reviews-test-v2.k8s.yaml',
      'virtual-service-reviews-v3.k8s.yaml',
    ]);
  });

  test('object identities are pinned (construct ids are deployment identity)', () => {
    const ids = Object.fromEntries([...files].map(([f, text]) => [f, parseObjects(text).map(o => `${o.kind}/${o.metadata.name}`)]));
    expect(ids).toStrictEqual({
      'bookinfo-gateway.k8s.yaml': ['Gateway/bookinfo-gateway', 'VirtualService/bookinfo'],
      'bookinfo.k8s.yaml': [
        'Service/details', 'ServiceAccount/bookinfo-details', 'DestinationRule/details', 'Deployment/details-v1',
        'Service/ratings', 'ServiceAccount/bookinfo-ratings', 'DestinationRule/ratings', 'Deployment/ratings-v1',
        'Service/reviews', 'ServiceAccount/bookinfo-reviews', 'DestinationRule/reviews',
        'Deployment/reviews-v1', 'Deployment/reviews-v2', 'Deployment/reviews-v3',
        'Service/productpage', 'ServiceAccount/bookinfo-productpage', 'DestinationRule/productpage', 'Deployment/productpage-v1',
      ],
      'virtual-service-all-v1.k8s.yaml': ['VirtualService/productpage', 'VirtualService/reviews', 'VirtualService/ratings', 'VirtualService/details'],
      'virtual-service-ratings-test-abort.k8s.yaml': ['VirtualService/ratings'],
      'virtual-service-ratings-test-delay.k8s.yaml': ['VirtualService/ratings'],
      'virtual-service-reviews-50-v3.k8s.yaml': ['VirtualService/reviews'],
      'virtual-service-reviews-90-10.k8s.yaml': ['VirtualService/reviews'],
      'virtual-service-reviews-test-v2.k8s.yaml': ['VirtualService/reviews'],
      'virtual-service-reviews-v3.k8s.yaml': ['VirtualService/reviews'],
    });
  });

  test('is deterministic: two synths give byte-identical YAML', () => {
    const again = synthFiles(buildBookinfo);
    expect([...again.entries()]).toStrictEqual([...files.entries()]);
  });
});

describeWithShared('the schema validator', () => {
  const validator = HAS_SHARED ? SchemaValidator.forSharedCrds('istio-crds.yaml') : undefined;

  test('rejects what the API server would (so the schema tests of every example can fail)', () => {
    const vs = parseObjects(files.get('virtual-service-reviews-v3.k8s.yaml')!)[0];
    const bad = { ...vs, spec: { ...(vs.spec as object), hots: ['reviews'] } };
    expect(validator!.validate(bad)).toStrictEqual(['VirtualService/reviews: /spec: must NOT have additional properties: \'hots\'']);
    const dep = parseObjects(files.get('bookinfo.k8s.yaml')!).find(o => o.kind === 'Deployment')!;
    expect(validator!.validate({ ...dep, spec: { ...(dep.spec as object), replicas: 'one' } })).toStrictEqual([
      'Deployment/details-v1: /spec/replicas: must be an integer: got \'one\'',
    ]);
    expect(validator!.validate({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toStrictEqual(['Widget/w: no schema known for example.com/v1 Widget']);
  });
});

/**
 * The upstream files and which synthesized file reproduces each: Istio objects must be equal in
 * `spec` (and metadata a superset); Kubernetes objects must contain every upstream field with the
 * same value; the extra fields may only be the documented hardening defaults.
 */
describeWithShared('Bookinfo reproduces Istio\'s reference manifests', () => {
  const ref = (f: string) => path.join(SHARED_DIR, 'reference', 'istio', 'bookinfo', f);
  const pairs: [string, string][] = [
    ['platform/bookinfo.yaml', 'bookinfo.k8s.yaml'],
    ['networking/destination-rule-all.yaml', 'bookinfo.k8s.yaml'],
    ['networking/bookinfo-gateway.yaml', 'bookinfo-gateway.k8s.yaml'],
    ['networking/virtual-service-all-v1.yaml', 'virtual-service-all-v1.k8s.yaml'],
    ['networking/virtual-service-reviews-test-v2.yaml', 'virtual-service-reviews-test-v2.k8s.yaml'],
    ['networking/virtual-service-reviews-50-v3.yaml', 'virtual-service-reviews-50-v3.k8s.yaml'],
    ['networking/virtual-service-reviews-90-10.yaml', 'virtual-service-reviews-90-10.k8s.yaml'],
    ['networking/virtual-service-reviews-v3.yaml', 'virtual-service-reviews-v3.k8s.yaml'],
  ];
  const cases = HAS_SHARED
    ? pairs.flatMap(([r, out]) => loadObjects(ref(r)).map(o => [`${r}: ${o.kind}/${o.metadata.name}`, o, out] as const))
    : [];

  test('covers every upstream platform and networking object', () => {
    expect(cases.length).toBe(28);
  });

  test.each(cases)('%s', (_name, upstream, outFile) => {
    const ours = parseObjects(files.get(outFile)!).find(o => o.kind === upstream.kind && o.metadata.name === upstream.metadata.name);
    expect(ours).toBeDefined();
    if (upstream.apiVersion.startsWith('networking.istio.io/')) {
      expect(ours!.apiVersion).toBe(upstream.apiVersion);
      expect(ours!.spec).toStrictEqual(upstream.spec);
      expect(ours!.metadata).toMatchObject(upstream.metadata);
    } else {
      expect(ours).toMatchObject(upstream);
      expect(extraFields(upstream, ours!)).toStrictEqual(HARDENING[upstream.kind]);
    }
  });
});

describeWithShared('Bookinfo without hardening equals Istio\'s platform manifest field for field', () => {
  const exact = synthFiles(app => buildBookinfo(app, { upstreamExact: true }));
  const upstream = HAS_SHARED ? loadObjects(path.join(SHARED_DIR, 'reference', 'istio', 'bookinfo', 'platform', 'bookinfo.yaml')) : [];
  const ours = parseObjects(exact.get('bookinfo.k8s.yaml') ?? '').filter(o => o.kind !== 'DestinationRule');

  test('same objects, in the same order, with exactly the same fields', () => {
    expect(upstream.length).toBe(14);
    expect(ours).toStrictEqual(upstream);
  });
});

/** The documented hardening defaults: the only fields we add to Bookinfo's Kubernetes objects. */
const HARDENING: { [kind: string]: string[] } = {
  Service: [],
  ServiceAccount: ['automountServiceAccountToken'],
  Deployment: [
    'spec.template.spec.containers[0].resources',
    'spec.template.spec.containers[0].securityContext',
    'spec.template.spec.securityContext',
  ],
};

describe('Bookinfo, zero trust (security.k8s.yaml)', () => {
  const app = new MeshApp({ analysis: { reportFile: '' } });
  buildBookinfoSecurity(app, buildBookinfo(app));
  const out = app.synthFiles();
  const objects = expectSchemaValid(parseObjects(out.get('security.k8s.yaml')!));

  test('STRICT mutual TLS, everything denied, each service opened to exactly its callers', () => {
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toStrictEqual([
      'PeerAuthentication/default', 'AuthorizationPolicy/allow-nothing', 'AuthorizationPolicy/productpage-allow',
      'AuthorizationPolicy/details-viewer', 'AuthorizationPolicy/reviews-viewer', 'AuthorizationPolicy/ratings-viewer',
    ]);
    const callers = objects.filter(o => o.kind === 'AuthorizationPolicy' && o.metadata.name !== 'allow-nothing').map(o => {
      const spec = o.spec as any;
      return `${spec.selector.matchLabels.app} <- ${spec.rules[0].from[0].source.principals[0]} ${spec.rules[0].to[0].operation.methods.join('+')}`;
    });
    expect(callers).toStrictEqual([
      'productpage <- cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account GET+POST',
      'details <- cluster.local/ns/default/sa/bookinfo-productpage GET',
      'reviews <- cluster.local/ns/default/sa/bookinfo-productpage GET',
      'ratings <- cluster.local/ns/default/sa/bookinfo-reviews GET',
    ]);
  });

  test('every policy selects workloads the app runs: the analysis finds only what istioctl says of upstream Bookinfo', () => {
    // IST0140, as istioctl analyze reports it for upstream bookinfo-gateway.yaml with virtual-service-all-v1.yaml:
    // the gateway's route to productpage has no subset, so productpage's own route rules do not apply to ingress traffic
    expect(app.report!.findings.map(f => `${f.code} ${f.object}`)).toStrictEqual(['IST0140 VirtualService bookinfo']);
  });
});
