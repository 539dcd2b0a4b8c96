/**
 * Legacy: the Linkerd 1.x DaemonSet router of linkerd-examples (`k8s-daemonset`), rendered as plain
 * objects. Kept apart from the Linkerd 2 renderer: nothing else builds on it.
 *
 * @module
 */
import { metadataOf } from './metadata';
import { Manifest } from './model';

/** One dtab rule, `from => to`. */
export interface DentryModel {
  readonly from: string;
  readonly to: string;
}

/** What the l5d router is. */
export interface Linkerd1Model {
  readonly namespace?: string;
  /** The namespace whose Services the io.l5d.k8s namer discovers (and the DaemonSet transformer's). */
  readonly discoveryNamespace: string;
  /** Rules after the base dtab of both routers (`/srv`, `/host`, `/svc`). */
  readonly routes: DentryModel[];
  /** The ingress router's rules, when there is one. */
  readonly ingress?: { readonly routes: DentryModel[]; readonly port: number };
  readonly image: string;
  readonly kubectlImage: string;
  readonly serviceType: string;
  readonly orgId: string;
  readonly serviceAccount: { readonly name: string; readonly namespace: string };
  readonly legacyApiVersions: boolean;
}

export const L5D_PORTS = { outgoing: 4140, incoming: 4141, ingress: 4142, admin: 9990 } as const;

function dtab(rules: DentryModel[], indent: string): string {
  const width = Math.max(...rules.map(r => r.from.length));
  return rules.map(r => `${indent}${r.from.padEnd(width)} => ${r.to};`).join('\n');
}

function router(label: string, rules: DentryModel[], transformer: string, port: number, extra = ''): string {
  return [
    '- protocol: http',
    `  label: ${label}`,
    '  dtab: |',
    dtab(rules, '    '),
    '  interpreter:',
    '    kind: default',
    '    transformers:',
    transformer,
    '  servers:',
    `  - port: ${port}`,
    '    ip: 0.0.0.0',
  ].join('\n') + extra;
}

/** The router's `config.yaml`: admin, the k8s namer (through the kubectl proxy), telemetry, routers. */
export function linkerd1Config(m: Linkerd1Model): string {
  const base: DentryModel[] = [
    { from: '/srv', to: `/#/io.l5d.k8s/${m.discoveryNamespace}/http` },
    { from: '/host', to: '/srv' },
    { from: '/svc', to: '/host' },
  ];
  const toOtherNode = [
    '    - kind: io.l5d.k8s.daemonset',
    `      namespace: ${m.discoveryNamespace}`,
    '      port: incoming',
    '      service: l5d',
  ].join('\n');
  const routers = [
    ...(m.ingress ? [router('ingress', [base[0], ...m.ingress.routes, base[1], base[2]], toOtherNode, L5D_PORTS.ingress)] : []),
    router('outgoing', [...base, ...m.routes], toOtherNode, L5D_PORTS.outgoing,
      '\n  service:\n    responseClassifier:\n      kind: io.l5d.http.retryableRead5XX'),
    router('incoming', [...base, ...m.routes], '    - kind: io.l5d.k8s.localnode', L5D_PORTS.incoming),
  ];
  return [
    'admin:\n  ip: 0.0.0.0\n  port: 9990',
    'namers:\n- kind: io.l5d.k8s\n  host: localhost\n  port: 8001',
    'telemetry:\n- kind: io.l5d.prometheus\n- kind: io.l5d.recentRequests\n  sampleRate: 0.25',
    `usage:\n  orgId: ${m.orgId}`,
    `routers:\n${routers.join('\n\n')}`,
  ].join('\n\n');
}

const RBAC = (m: Linkerd1Model) => `rbac.authorization.k8s.io/${m.legacyApiVersions ? 'v1beta1' : 'v1'}`;

/** The two ClusterRoles and their bindings to the router's service account. */
export function renderLinkerd1Rbac(m: Linkerd1Model): Manifest[] {
  const roles: Array<[string, string, object[]]> = [
    ['linkerd-endpoints-reader', 'linkerd-role-binding', [
      { apiGroups: [''], resources: ['endpoints', 'services', 'pods'], verbs: ['get', 'watch', 'list'] },
      { apiGroups: ['extensions'], resources: ['ingresses'], verbs: ['get', 'watch', 'list'] },
    ]],
    ['namerd-dtab-storage', 'namerd-role-binding', [
      { apiGroups: ['l5d.io'], resources: ['dtabs'], verbs: ['get', 'watch', 'list', 'update', 'create'] },
    ]],
  ];
  return roles.flatMap(([role, binding, rules]) => [
    { apiVersion: RBAC(m), kind: 'ClusterRole', metadata: metadataOf(role, undefined), rules },
    {
      apiVersion: RBAC(m),
      kind: 'ClusterRoleBinding',
      metadata: metadataOf(binding, undefined),
      subjects: [{ kind: 'ServiceAccount', name: m.serviceAccount.name, namespace: m.serviceAccount.namespace }],
      roleRef: { kind: 'ClusterRole', name: role, apiGroup: 'rbac.authorization.k8s.io' },
    },
  ]);
}

/** The `l5d-config` ConfigMap. */
export function renderLinkerd1ConfigMap(m: Linkerd1Model): Manifest {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadataOf('l5d-config', m.namespace), data: { 'config.yaml': linkerd1Config(m) } };
}

/** The `l5d` DaemonSet: the router with its ports (outgoing on the node's port 4140) and the kubectl proxy the namer reads. */
export function renderLinkerd1DaemonSet(m: Linkerd1Model): Manifest {
  const labels = { app: 'l5d' };
  return {
    apiVersion: m.legacyApiVersions ? 'extensions/v1beta1' : 'apps/v1',
    kind: 'DaemonSet',
    metadata: metadataOf('l5d', m.namespace, labels),
    spec: {
      selector: m.legacyApiVersions ? undefined : { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          volumes: [{ name: 'l5d-config', configMap: { name: 'l5d-config' } }],
          containers: [
            {
              name: 'l5d',
              image: m.image,
              env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
              args: ['/io.buoyant/linkerd/config/config.yaml'],
              ports: [
                { name: 'outgoing', containerPort: L5D_PORTS.outgoing, hostPort: L5D_PORTS.outgoing },
                { name: 'incoming', containerPort: L5D_PORTS.incoming },
                { name: 'admin', containerPort: L5D_PORTS.admin },
                ...(m.ingress ? [{ name: 'ingress', containerPort: L5D_PORTS.ingress }] : []),
              ],
              volumeMounts: [{ name: 'l5d-config', mountPath: '/io.buoyant/linkerd/config', readOnly: true }],
            },
            { name: 'kubectl', image: m.kubectlImage, args: ['proxy', '-p', '8001'] },
          ],
        },
      },
    },
  };
}

/** The `l5d` Service: the ingress (or outgoing) port, incoming and admin. */
export function renderLinkerd1Service(m: Linkerd1Model): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadataOf('l5d', m.namespace),
    spec: {
      selector: { app: 'l5d' },
      type: m.serviceType,
      ports: [
        m.ingress ? { name: 'ingress', port: m.ingress.port, targetPort: L5D_PORTS.ingress } : { name: 'outgoing', port: L5D_PORTS.outgoing },
        { name: 'incoming', port: L5D_PORTS.incoming },
        { name: 'admin', port: L5D_PORTS.admin },
      ],
    },
  };
}
