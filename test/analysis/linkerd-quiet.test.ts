import { objectsOfYaml } from '../../lib/analysis/load';
import { analyze } from '../../lib/analysis/run';

const found = (yaml: string, code: string) => analyze(objectsOfYaml(yaml, 'test.yaml'), { world: 'closed' }).findings.filter(f => f.code === code);

const NS = (name: string, inject?: string) => `
apiVersion: v1
kind: Namespace
metadata: { name: ${name}${inject ? `, annotations: { linkerd.io/inject: ${inject} }` : ''} }
---`;
const deploy = (name: string, namespace: string, podInject?: string, sa = name) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} }${podInject ? `, annotations: { linkerd.io/inject: ${podInject} }` : ''} }
    spec: { serviceAccountName: ${sa}, containers: [{ name: ${name}, image: '${name}:1.0' }] }
---`;
const authn = (refs: string) => `
apiVersion: policy.linkerd.io/v1alpha1
kind: MeshTLSAuthentication
metadata: { name: web-callers, namespace: shop }
spec: ${refs}
`;
const WEB_REF = '{ identityRefs: [{ kind: ServiceAccount, name: web, namespace: frontend }] }';

describe('MK0040 LinkerdCallerNotMeshed', () => {
  test('fails if a MeshTLSAuthentication admits a ServiceAccount whose pods are not meshed', () => {
    const [f, ...rest] = found(NS('shop', 'enabled') + NS('frontend') + deploy('web', 'frontend') + authn(WEB_REF), 'MK0040');
    expect(rest).toHaveLength(0);
    expect(f.message).toBe("[MK0040] MeshTLSAuthentication 'web-callers' admits ServiceAccount 'web' of namespace 'frontend', whose pods (Deployment 'web') "
      + 'are not meshed by Linkerd: their requests carry no mTLS identity, so the authorization never admits them (linkerd2 policy-controller authorizes by '
      + "the client's meshed identity: policy-controller/core/src/inbound.rs, ClientAuthentication::TlsAuthenticated); "
      + "annotate namespace 'frontend' (or the pod template of Deployment 'web') with linkerd.io/inject: enabled");
    expect(f).toMatchObject({ field: 'spec.identityRefs[0].name', value: 'web', level: 'Warning' });
  });

  test('fails if an identity string or an AuthorizationPolicy\'s ServiceAccount names unmeshed pods (a pod\'s disabled wins over its namespace)', () => {
    const ids = found(NS('shop', 'enabled') + NS('frontend', 'enabled') + deploy('web', 'frontend', 'disabled')
      + authn('{ identities: [web.frontend.serviceaccount.identity.linkerd.cluster.local] }'), 'MK0040');
    expect(ids.map(f => [f.field, f.value])).toStrictEqual([['spec.identities[0]', 'web.frontend.serviceaccount.identity.linkerd.cluster.local']]);
    const ap = found(`${NS('shop', 'enabled') + NS('frontend')}${deploy('web', 'frontend')}
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: { name: allow-web, namespace: shop }
spec:
  targetRef: { group: policy.linkerd.io, kind: Server, name: api }
  requiredAuthenticationRefs: [{ kind: ServiceAccount, name: web, namespace: frontend }]
`, 'MK0040');
    expect(ap.map(f => [f.object, f.field, f.value])).toStrictEqual([['AuthorizationPolicy shop/allow-web', 'spec.requiredAuthenticationRefs[0].name', 'web']]);
  });

  test('stays quiet if the caller is meshed by its namespace or its pod, or has no pod here', () => {
    expect(found(NS('shop', 'enabled') + NS('frontend', 'enabled') + deploy('web', 'frontend') + authn(WEB_REF), 'MK0040')).toHaveLength(0);
    expect(found(NS('shop', 'enabled') + NS('frontend') + deploy('web', 'frontend', 'enabled') + authn(WEB_REF), 'MK0040')).toHaveLength(0);
    expect(found(NS('shop', 'enabled') + NS('frontend') + deploy('api', 'frontend') + authn(WEB_REF), 'MK0040')).toHaveLength(0);
  });
});

const egress = (name: string, spec: string) => `
apiVersion: policy.linkerd.io/v1alpha1
kind: EgressNetwork
metadata: { name: ${name}, namespace: shop }
spec: ${spec}
---`;

describe('MK0041 EgressNetworksOverlap', () => {
  test('fails if two EgressNetworks of a namespace both cover every external address', () => {
    const [f, ...rest] = found(egress('all-out', '{ trafficPolicy: Allow }') + egress('internet', "{ trafficPolicy: Deny, networks: [{ cidr: 0.0.0.0/0 }, { cidr: '::/0' }] }"), 'MK0041');
    expect(rest).toHaveLength(0);
    expect(f.message).toBe("[MK0041] EgressNetwork 'internet' and EgressNetwork 'all-out' of namespace 'shop' both cover every external address (0.0.0.0/0, ::/0): "
      + 'Linkerd sends each external call to the older of the two, so one of them never applies '
      + '(linkerd2 policy-controller/k8s/index/src/outbound/index/egress_network.rs, compare_matched_egress_network); '
      + "merge EgressNetwork 'internet' into 'all-out', or give it the networks it is meant for in spec.networks");
    expect(f).toMatchObject({ object: 'EgressNetwork shop/internet', field: 'spec.networks', value: '["0.0.0.0/0","::/0"]' });
  });

  test('stays quiet if one network is narrower, has exceptions, covers the other family, or lives in another namespace', () => {
    const all = egress('all-out', '{ trafficPolicy: Allow }');
    expect(found(all + egress('partners', '{ trafficPolicy: Deny, networks: [{ cidr: 203.0.113.0/24 }] }'), 'MK0041')).toHaveLength(0);
    expect(found(all + egress('most', '{ trafficPolicy: Deny, networks: [{ cidr: 0.0.0.0/0, except: [10.0.0.0/8] }] }'), 'MK0041')).toHaveLength(0);
    expect(found(egress('v4', '{ trafficPolicy: Deny, networks: [{ cidr: 0.0.0.0/0 }] }') + egress('v6', "{ trafficPolicy: Deny, networks: [{ cidr: '::/0' }] }"), 'MK0041')).toHaveLength(0);
    expect(found(all + all.replace('namespace: shop', 'namespace: linkerd-egress'), 'MK0041')).toHaveLength(0);
  });

  test('stays quiet if the two are one object, written again by another file (a task\'s later step)', () => {
    expect(found(egress('all-out', '{ trafficPolicy: Allow }') + egress('all-out', '{ trafficPolicy: Deny }'), 'MK0041')).toHaveLength(0);
  });
});

describe('MK0042 LinkerdPolicyReferenceNotFound', () => {
  const AP = (target: string, auth = '{ group: policy.linkerd.io, kind: MeshTLSAuthentication, name: callers }') => `
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: { name: allow, namespace: shop }
spec:
  targetRef: ${target}
  requiredAuthenticationRefs: [${auth}]
---`;
  const AUTHN = (sa: string) => `
apiVersion: policy.linkerd.io/v1alpha1
kind: MeshTLSAuthentication
metadata: { name: callers, namespace: shop }
spec:
  identityRefs: [{ kind: ServiceAccount, name: ${sa} }]
---`;
  const SERVER = `
apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: { name: reviews-http, namespace: shop }
spec: { podSelector: { matchLabels: { app: reviews } }, port: 9080 }
---`;
  const base = NS('shop', 'enabled') + deploy('web', 'shop') + deploy('reviews', 'shop');
  const server = '{ group: policy.linkerd.io, kind: Server, name: reviews-http }';

  test('fails if an AuthorizationPolicy targets a Server that does not exist', () => {
    const [f, ...rest] = found(base + AUTHN('web') + AP('{ group: policy.linkerd.io, kind: Server, name: reviews-api }') + SERVER, 'MK0042');
    expect(rest).toHaveLength(0);
    expect(f.message).toBe("[MK0042] AuthorizationPolicy 'shop/allow' names Server 'reviews-api', which does not exist: Linkerd's policy controller applies the policy "
      + 'to nothing it can resolve, so it authorizes nobody and the traffic it meant to allow stays refused where the default denies (linkerd2 '
      + "policy-controller/k8s/index/src/inbound/index.rs resolves targets and authentications by name in the policy's namespace) (mesh-kit MK0042); "
      + "create Server 'reviews-api' in namespace 'shop', or target one that exists ('reviews-http')");
    expect(f).toMatchObject({ object: 'AuthorizationPolicy shop/allow', field: 'spec.targetRef.name', value: 'reviews-api' });
  });

  test('fails if it requires an authentication that does not exist, or an authentication names an account nothing runs as', () => {
    expect(found(base + SERVER + AP(server), 'MK0042').map(f => [f.field, f.value])).toStrictEqual([['spec.requiredAuthenticationRefs[0].name', 'callers']]);
    expect(found(base + SERVER + AUTHN('productpage') + AP(server), 'MK0042').map(f => [f.object, f.field, f.value, f.fix]))
      .toStrictEqual([['MeshTLSAuthentication shop/callers', 'spec.identityRefs[0].name', 'productpage',
        "create ServiceAccount 'productpage' in namespace 'shop' and run the callers as it, or name the account they run as"]]);
  });

  test('stays quiet if every reference exists (an account by its pods or its object), or names another namespace in an app that deploys part of a cluster', () => {
    expect(found(base + SERVER + AUTHN('web') + AP(server), 'MK0042')).toStrictEqual([]);
    const account = '\napiVersion: v1\nkind: ServiceAccount\nmetadata: { name: batch, namespace: shop }\n---';
    expect(found(base + account + SERVER + AUTHN('batch') + AP(server), 'MK0042')).toStrictEqual([]);
    const elsewhere = AUTHN('web').replace('name: web }', 'name: web, namespace: frontend }');
    expect(analyze(objectsOfYaml(base + SERVER + elsewhere + AP(server), 'test.yaml'), { world: 'partial' }).findings.filter(f => f.code === 'MK0042')).toStrictEqual([]);
    expect(found(base + SERVER + elsewhere + AP(server), 'MK0042').map(f => f.value)).toStrictEqual(['web']);
  });
});
