import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { failAt, problem } from '../core/errors';
import { constructArgs } from '../core/input';
import { checkDnsLabel } from '../core/names';
import { emit, namespaceOf } from '../hosting/cdk8s/emit';
import { EnvValue } from '../intent/workload';
import {
  DentryModel, L5D_PORTS, Linkerd1Model, renderLinkerd1ConfigMap, renderLinkerd1DaemonSet, renderLinkerd1Rbac, renderLinkerd1Service,
} from '../render/linkerd1';

/** One dtab rule of a Linkerd 1 router: requests named `from` go to `to`, e.g. `/host/world => /srv/world-v1`. */
export interface Linkerd1Dentry {
  /** The name prefix, e.g. `/host/world`. */
  readonly from: string;
  /** What it delegates to, e.g. `/srv/world-v1`. */
  readonly to: string;
}

/** The Kubernetes Service type of the `l5d` Service. */
export enum Linkerd1ServiceType {
  /** Inside the cluster only. */
  CLUSTER_IP = 'ClusterIP',
  /** On every node's port. */
  NODE_PORT = 'NodePort',
  /** Through a cloud load balancer (what linkerd-examples uses). */
  LOAD_BALANCER = 'LoadBalancer',
}

/** Props of a {@link Linkerd1Router}. */
export interface Linkerd1RouterProps {
  /**
   * The namespace whose Services the router discovers (`/#/io.l5d.k8s/<namespace>/http`).
   * @default 'default'
   */
  readonly discoveryNamespace?: string;

  /**
   * Rules after the base dtab (`/srv`, `/host`, `/svc`) of the outgoing and incoming routers,
   * e.g. `{ from: '/host/world', to: '/srv/world-v1' }`. A request may override them per request
   * with its `l5d-dtab` header.
   * @default - none
   */
  readonly routes?: Linkerd1Dentry[];

  /**
   * Add the ingress router (port 4142, exposed on `ingressPort`), routing by its own rules, e.g.
   * `{ from: '/host', to: '/$/io.buoyant.http.domainToPathPfx/domain' }`. It honours the `l5d-dtab`
   * header of incoming requests. With it, the Service exposes the ingress port instead of the outgoing one.
   * @default - no ingress router
   */
  readonly ingressRoutes?: Linkerd1Dentry[];

  /**
   * The Service port of the ingress router.
   * @default 80
   */
  readonly ingressPort?: number;

  /**
   * The `l5d` Service's type. linkerd-examples uses `LoadBalancer`, which exposes the admin port
   * to the outside: opt in explicitly.
   * @default Linkerd1ServiceType.CLUSTER_IP
   */
  readonly serviceType?: Linkerd1ServiceType;

  /**
   * The router image.
   * @default 'buoyantio/linkerd:1.4.6'
   */
  readonly image?: string;

  /**
   * The kubectl proxy image the k8s namer reads the API through.
   * @default 'buoyantio/kubectl:v1.14.3'
   */
  readonly kubectlImage?: string;

  /**
   * The `usage.orgId` reported to Buoyant.
   * @default 'linkerd-examples-daemonset'
   */
  readonly orgId?: string;

  /**
   * Emit the API versions of the original example (`extensions/v1beta1` DaemonSet,
   * `rbac.authorization.k8s.io/v1beta1`), which Kubernetes 1.16 / 1.22 stopped serving; for old
   * clusters only.
   * @default false
   */
  readonly legacyApiVersions?: boolean;
}

/**
 * **Legacy: Linkerd 1.x.** The per-node `l5d` router of linkerd-examples' `k8s-daemonset`: its
 * RBAC, the `l5d-config` ConfigMap with the routing table (dtabs), the DaemonSet (outgoing 4140 on
 * the node, incoming 4141, admin 9990, optional ingress) and the `l5d` Service. Clients reach it
 * through `http_proxy=$(NODE_NAME):4140` ({@link Linkerd1Router.clientEnv}).
 *
 * Put it, and the services it routes, in a chart rendered for `MeshProvider.NONE`: Linkerd 1 routes
 * by dtab, not by the mesh objects of the other constructs. For Linkerd 2 use `MeshProvider.LINKERD`.
 */
export class Linkerd1Router extends Construct {
  /**
   * The environment a client needs to send its requests through the router on its node:
   * `NODE_NAME` (from `spec.nodeName`) and `http_proxy=$(NODE_NAME):4140`. Kubernetes expands
   * `$(NODE_NAME)` only when `NODE_NAME` comes first.
   */
  public static clientEnv(): { NODE_NAME: EnvValue; http_proxy: EnvValue } {
    return { NODE_NAME: EnvValue.fromFieldPath('spec.nodeName'), http_proxy: EnvValue.fromValue(`$(NODE_NAME):${L5D_PORTS.outgoing}`) };
  }

  /** The DaemonSet (escape hatch). */
  public readonly daemonSet: ApiObject;
  /** The `l5d-config` ConfigMap (escape hatch). */
  public readonly config: ApiObject;
  /** The `l5d` Service (escape hatch). */
  public readonly service: ApiObject;

  public constructor(scope: Construct, id: string, props: Linkerd1RouterProps = {}) {
    super(...constructArgs('Linkerd1Router', [scope, id, props]));
    const discoveryNamespace = props.discoveryNamespace ?? 'default';
    const err = checkDnsLabel('discoveryNamespace', discoveryNamespace);
    if (err) failAt(this, err);
    for (const [field, rules] of [['routes', props.routes ?? []], ['ingressRoutes', props.ingressRoutes ?? []]] as const) {
      for (const r of rules) {
        for (const path of [r.from, r.to]) {
          if (!/^\/[^\s;=>]*$/.test(path)) {
            failAt(this, problem(field, 'must hold dtab paths: a leading \'/\' and no spaces, \';\', \'=\' or \'>\'', path, 'e.g. { from: \'/host/world\', to: \'/srv/world-v1\' }'));
          }
        }
      }
    }
    const ingressPort = props.ingressPort ?? 80;
    if (!Number.isInteger(ingressPort) || ingressPort < 1 || ingressPort > 65535) {
      failAt(this, problem('ingressPort', 'must be a whole number between 1 and 65535', ingressPort, 'give a port from 1 to 65535, e.g. 4140'));
    }
    const namespace = namespaceOf(this, undefined);
    const model: Linkerd1Model = {
      namespace,
      discoveryNamespace,
      routes: (props.routes ?? []).map((r): DentryModel => ({ ...r })),
      ingress: props.ingressRoutes ? { routes: props.ingressRoutes.map(r => ({ ...r })), port: ingressPort } : undefined,
      image: props.image ?? 'buoyantio/linkerd:1.4.6',
      kubectlImage: props.kubectlImage ?? 'buoyantio/kubectl:v1.14.3',
      serviceType: props.serviceType ?? Linkerd1ServiceType.CLUSTER_IP,
      orgId: props.orgId ?? 'linkerd-examples-daemonset',
      serviceAccount: { name: 'default', namespace: namespace ?? 'default' },
      legacyApiVersions: props.legacyApiVersions ?? false,
    };
    for (const [i, o] of renderLinkerd1Rbac(model).entries()) {
      emit(this, `Rbac${i}`, { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, body: o.kind === 'ClusterRole' ? ['rules'] : ['subjects', 'roleRef'] }, () => o);
    }
    this.config = emit(this, 'Config', { apiVersion: 'v1', kind: 'ConfigMap', name: 'l5d-config', namespace, body: ['data'] }, () => renderLinkerd1ConfigMap(model));
    const dsApiVersion = model.legacyApiVersions ? 'extensions/v1beta1' : 'apps/v1';
    this.daemonSet = emit(this, 'DaemonSet', { apiVersion: dsApiVersion, kind: 'DaemonSet', name: 'l5d', namespace, labels: { app: 'l5d' }, body: ['spec'] },
      () => renderLinkerd1DaemonSet(model));
    this.service = emit(this, 'Service', { apiVersion: 'v1', kind: 'Service', name: 'l5d', namespace, body: ['spec'] }, () => renderLinkerd1Service(model));
  }
}
