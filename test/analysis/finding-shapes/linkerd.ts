import { ShapeFixture } from './fixture';

/** Inputs that make the Linkerd checks of issue 37 report (see finding-shape.test.ts). */
export const FIXTURES: readonly ShapeFixture[] = [
  {
    code: 'MK0040',
    yaml: `
apiVersion: v1
kind: Namespace
metadata: { name: shop, annotations: { linkerd.io/inject: enabled } }
---
apiVersion: v1
kind: Namespace
metadata: { name: frontend }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: frontend }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { serviceAccountName: web, containers: [{ name: web, image: 'web:1.0' }] }
---
apiVersion: policy.linkerd.io/v1alpha1
kind: MeshTLSAuthentication
metadata: { name: web-callers, namespace: shop }
spec:
  identityRefs: [{ kind: ServiceAccount, name: web, namespace: frontend }]
`,
  },
  {
    code: 'MK0041',
    yaml: `
apiVersion: policy.linkerd.io/v1alpha1
kind: EgressNetwork
metadata: { name: all-out, namespace: shop }
spec: { trafficPolicy: Allow }
---
apiVersion: policy.linkerd.io/v1alpha1
kind: EgressNetwork
metadata: { name: internet, namespace: shop }
spec:
  trafficPolicy: Deny
  networks: [{ cidr: 0.0.0.0/0 }, { cidr: '::/0' }]
`,
  },
  {
    code: 'MK0042',
    yaml: `
apiVersion: v1
kind: Namespace
metadata: { name: shop, annotations: { linkerd.io/inject: enabled } }
---
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: { name: allow, namespace: shop }
spec:
  targetRef: { group: policy.linkerd.io, kind: Server, name: reviews-http }
  requiredAuthenticationRefs: [{ group: policy.linkerd.io, kind: MeshTLSAuthentication, name: callers }]
`,
  },
];
