import { REVIEWS_V1, ShapeFixture } from './fixture';

const REVIEWS = REVIEWS_V1;

const REVIEWS_DR = `
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: default }
spec: { host: reviews, subsets: [{ name: v1, labels: { version: v1 } }] }
`;

/** The ingress gateway's pod and a Gateway `istio-system/web` for every host. */
const INGRESS = `
---
apiVersion: v1
kind: Pod
metadata: { name: ingress, namespace: istio-system, labels: { istio: ingressgateway } }
spec: { containers: [{ name: app, image: 'x:1' }] }
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: web, namespace: istio-system }
spec:
  selector: { istio: ingressgateway }
  servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: ['./shop.example.com'] }]
`;

/** Sidecars or Telemetries: one selecting no pod, two selecting the reviews pod, two without a selector. */
function selectors(kind: 'Sidecar' | 'Telemetry'): string {
  const api = kind === 'Sidecar' ? 'networking.istio.io/v1' : 'telemetry.istio.io/v1';
  const sel = (labels: string) => (kind === 'Sidecar' ? `{ workloadSelector: { labels: ${labels} } }` : `{ selector: { matchLabels: ${labels} } }`);
  const one = (name: string, spec: string) => `---\napiVersion: ${api}\nkind: ${kind}\nmetadata: { name: ${name}, namespace: default }\nspec: ${spec}\n`;
  return REVIEWS + one('ghost', sel('{ app: ghost }')) + one('one', sel('{ app: reviews }')) + one('two', sel('{ version: v1 }'))
    + one('all-1', '{}') + one('all-2', '{}');
}

/** Inputs that make the checks of this part report (see finding-shape.test.ts). */
export const FIXTURES: readonly ShapeFixture[] = [
  // IST0106: an unknown field, a wrong type, a webhook rule, a missing field, an enumeration, a CEL rule, a label value,
  // a rule with its own fix, a format, a host form (lib/schema/problem-parts.ts)
  {
    code: 'IST0106',
    schemas: true,
    yaml: `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: typo, namespace: default }
spec: { hots: [reviews], http: [{ route: [{ destination: { host: reviews, port: { number: 'eighty' } } }] }] }
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: noname, namespace: default }
spec: { hosts: [api.example.com], ports: [{ number: 80 }], resolution: BOGUS }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: tls, namespace: default }
spec: { host: reviews, trafficPolicy: { tls: { mode: BOGUS } } }
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: web, namespace: default }
spec: { rules: [{ backendRefs: [{ name: web }] }] }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: sa, namespace: default, labels: { app: 'not a label value!' } }
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: gw, namespace: default }
spec: { selector: { istio: ingressgateway }, servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: [] }] }
---
apiVersion: v1
kind: Service
metadata: { name: svc, namespace: default }
spec: { ports: [{ port: 80, name: Bad_Name }] }
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: sc, namespace: default }
spec: { egress: [{ hosts: [bogus] }] }
`,
  },
  // schema.ts: Istio's match-list warnings
  ...['IST0130', 'IST0131'].map(code => ({
    code,
    yaml: `${REVIEWS}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: r, namespace: default }
spec:
  hosts: [reviews]
  http:
  - { match: [{ uri: { prefix: /orders } }], route: [{ destination: { host: reviews } }] }
  - { match: [{ uri: { prefix: /payments } }], route: [{ destination: { host: reviews } }] }
  - { match: [{ uri: { prefix: /orders/v2 } }], route: [{ destination: { host: reviews } }] }
  - { name: again, match: [{ uri: { prefix: /payments } }], route: [{ destination: { host: reviews } }] }
  - { route: [{ destination: { host: reviews } }] }
  - { name: late, route: [{ destination: { host: reviews } }] }
  - { name: after, match: [{ uri: { prefix: /late } }], route: [{ destination: { host: reviews } }] }
`,
  })),
  // service.ts
  {
    code: 'IST0118',
    yaml: `${REVIEWS}---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: default }
spec: { selector: { app: web }, ports: [{ name: web, port: 80 }, { port: 81 }] }
`,
  },
  {
    code: 'IST0150',
    yaml: `${REVIEWS}---
apiVersion: v1
kind: Service
metadata: { name: ext, namespace: default }
spec: { type: ExternalName, externalName: api.example.com, ports: [{ name: tcp, port: 443 }, { port: 80 }] }
`,
  },
  // serviceentry.ts
  {
    code: 'IST0134',
    yaml: `---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: tcp, namespace: default }
spec: { hosts: [db.example.com], ports: [{ number: 5432, name: p, protocol: TCP }, { number: 5433, name: q }] }
`,
  },
  {
    code: 'IST0177',
    yaml: ['a', 'b'].map((n, i) => `---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ${n}, namespace: default }
spec: { hosts: [db.example.com], ports: [{ number: 5432, name: p, protocol: ${i === 0 ? 'TLS' : 'HTTPS'} }] }
`).join(''),
  },
  // sidecar.ts
  { code: 'IST0101', analyzer: 'sidecar.SelectorAnalyzer', yaml: selectors('Sidecar') },
  { code: 'IST0110', yaml: selectors('Sidecar') },
  { code: 'IST0111', yaml: selectors('Sidecar') },
  {
    code: 'IST0167',
    yaml: `---
apiVersion: v1
kind: Namespace
metadata: { name: amb, labels: { istio.io/dataplane-mode: ambient } }
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: s, namespace: amb }
spec: {}
---
apiVersion: v1
kind: Pod
metadata: { name: app, namespace: amb, labels: { app: a } }
spec: { containers: [{ name: app, image: 'x:1' }] }
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: selecting, namespace: amb }
spec: { workloadSelector: { labels: { app: a } } }
`,
  },
  // telemetry.ts
  { code: 'IST0101', analyzer: 'telemetry.SelectorAnalyzer', yaml: selectors('Telemetry') },
  { code: 'IST0159', yaml: selectors('Telemetry') },
  { code: 'IST0160', yaml: selectors('Telemetry') },
  {
    code: 'IST0157',
    yaml: `---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: { name: t, namespace: default }
spec: { accessLogging: [{ filter: { expression: 'true' } }] }
`,
  },
  {
    code: 'IST0002',
    analyzer: 'telemetry.LightstepAnalyzer',
    yaml: `---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: { name: traces, namespace: default }
spec: { tracing: [{ providers: [{ name: ls }] }] }
---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: { name: mesh-default, namespace: istio-system }
spec: {}
`,
    options: { meshConfig: { extensionProviders: [{ name: 'ls', lightstep: { service: 'collector', port: 8080 } }] } },
  },
  // virtualservice.ts
  {
    code: 'IST0101',
    analyzer: 'virtualservice.DestinationHostAnalyzer',
    yaml: `${REVIEWS}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: r, namespace: default }
spec:
  hosts: [reviews]
  http:
  - { route: [{ destination: { host: ghost } }] }
  - { route: [{ destination: { host: reviews, port: { number: 1 } } }] }
  - { route: [{ destination: { host: reviews.default } }], mirror: { host: shadow } }
`,
  },
  {
    code: 'IST0101',
    analyzer: 'virtualservice.DestinationRuleAnalyzer',
    yaml: `${REVIEWS}${REVIEWS_DR}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: r, namespace: default }
spec:
  hosts: [reviews]
  http: [{ route: [{ destination: { host: reviews, subset: v4 } }], mirrors: [{ destination: { host: ratings, subset: v1 } }] }]
---
apiVersion: v1
kind: Service
metadata: { name: ratings, namespace: default }
spec: { selector: { app: ratings }, ports: [{ name: http, port: 9080 }] }
`,
  },
  {
    code: 'IST0112',
    yaml: `---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: default }
spec: { selector: { app: web }, ports: [{ name: http, port: 80 }, { name: https, port: 443 }] }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: web, namespace: default }
spec: { hosts: [web], http: [{ route: [{ destination: { host: web } }] }] }
`,
  },
  {
    code: 'IST0140',
    yaml: `${REVIEWS}${REVIEWS_DR}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: default }
spec: { hosts: [reviews], http: [{ route: [{ destination: { host: reviews, subset: v1 } }] }] }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ingress, namespace: default }
spec: { hosts: ['*'], gateways: [istio-system/web], http: [{ route: [{ destination: { host: reviews } }] }] }
`,
  },
  {
    code: 'IST0109',
    yaml: `${REVIEWS}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: a, namespace: default }
spec: { hosts: [reviews], http: [{ route: [{ destination: { host: reviews } }] }] }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: b, namespace: default }
spec: { hosts: [reviews.default.svc.cluster.local], http: [{ route: [{ destination: { host: reviews } }] }] }
`,
  },
  ...[['IST0101', 'virtualservice.GatewayAnalyzer'], ['IST0132', undefined]].map(([code, analyzer]) => ({
    code: code!,
    analyzer,
    yaml: `${INGRESS}---
apiVersion: v1
kind: Service
metadata: { name: shop, namespace: istio-system }
spec: { selector: { app: shop }, ports: [{ name: http, port: 80 }] }
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: other, namespace: default }
spec:
  selector: { istio: ingressgateway }
  servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: ['*'] }]
${[['none-served', '[other.example.com]', '[web]', 'istio-system'], ['other-namespace', '[shop.example.com]', '[istio-system/web]', 'default'],
      ['missing', '[shop.example.com]', '[nope]', 'istio-system'], ['elsewhere', '[shop.example.com]', '[other]', 'istio-system']].map(([n, hosts, gateways, ns]) => `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ${n}, namespace: ${ns} }
spec: { hosts: ${hosts}, gateways: ${gateways}, http: [{ route: [{ destination: { host: shop.istio-system.svc.cluster.local } }] }] }
`).join('')}`,
  })),
  {
    code: 'IST0165',
    yaml: `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: r, namespace: default }
spec: { hosts: [a.com], gateways: [istio-ingress/gw-istio-autogenerated-k8s-gateway-http], http: [{ route: [{ destination: { host: a.com } }] }] }
`,
  },
  {
    code: 'IST0149',
    yaml: `${REVIEWS}${INGRESS}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: claims, namespace: default }
spec:
  hosts: ['*']
  gateways: [istio-system/web]
  http: [{ match: [{ headers: { '@request.auth.claims.group': { exact: a } } }], route: [{ destination: { host: reviews } }] }]
`,
  },
];
