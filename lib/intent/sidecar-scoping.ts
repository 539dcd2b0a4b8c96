import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ServiceEntry } from './egress/service-entry';
import { MeshService } from './mesh-service';
import { Problem, failAt, problem, problemValidation } from '../core/errors';
import { constructArgs } from '../core/input';
import { checkHostName } from '../core/names';
import { DataPlane, MeshProvider, MeshSettings } from '../core/settings';
import { emit, istioNetworking } from '../hosting/cdk8s/emit';
import { renderScopedSidecar } from '../render/istio';

/** Props of a {@link SidecarScoping}. */
export interface SidecarScopingProps {
  /** The services whose sidecars are scoped, each to what it calls. */
  readonly services: MeshService[];

  /**
   * Refuse calls to hosts outside the mesh's registry from these workloads (`outboundTrafficPolicy: REGISTRY_ONLY`):
   * egress only to declared services and ServiceEntries.
   * @default false - Istio's default (ALLOW_ANY)
   */
  readonly registryOnly?: boolean;

  /**
   * Further `namespace/host` entries every scoped sidecar keeps (an external host by its ServiceEntry namespace: `egress/api.example.com`).
   * @default - none; `istio-system/*` is always kept (istiod and the gateways)
   */
  readonly extraHosts?: string[];
}

/**
 * A `Sidecar` per service that keeps only the configuration of the services it calls, derived from the declared mesh:
 * its `dependsOn` (and `addDependency()`), and the services that authorization lets it call (`ServiceAuthorization`,
 * `AuthorizationPolicy` ALLOW rules from `RequestSource.service(it)`), plus `istio-system/*`. By default a sidecar holds
 * every service of the mesh; scoping cuts proxy memory and push time in large meshes (istio/istio#18954). A service
 * without a namespace is taken to be in `default`, as authorization principals take it.
 * @see https://istio.io/latest/docs/reference/config/networking/sidecar/
 */
export class SidecarScoping extends Construct {
  /** The Sidecar of each service, by service name (escape hatches). */
  public readonly sidecars: { [service: string]: ApiObject } = {};

  public constructor(scope: Construct, id: string, props: SidecarScopingProps) {
    super(...constructArgs('SidecarScoping', [scope, id, props]));
    const settings = MeshSettings.of(this);
    if (settings.mesh !== MeshProvider.ISTIO || settings.dataPlane === DataPlane.AMBIENT) {
      failAt(this, problem('dataPlane', 'must be Istio\'s sidecar mode: a Sidecar configures sidecar proxies (under ambient it has no effect, IST0167)',
        settings.mesh !== MeshProvider.ISTIO ? settings.mesh : settings.dataPlane, 'leave SidecarScoping out of ambient and Linkerd charts'));
    }
    if (props.services.length === 0) failAt(this, problem('services', 'must name at least one service', []));
    for (const [i, h] of (props.extraHosts ?? []).entries()) {
      const slash = h.indexOf('/');
      const err = slash <= 0 ? problem(`extraHosts[${i}]`, 'must be \'namespace/host\' (namespace may be \'*\', \'.\' or \'~\')', h) : checkHostName(`extraHosts[${i}]`, h.slice(slash + 1));
      if (err) failAt(this, err);
    }
    this.node.addValidation(problemValidation(this, () => this.undeclaredHosts(props.extraHosts ?? [], props.services.map(s => s.namespace ?? 'default'))));
    const apiVersion = istioNetworking(this);
    const seen = new Set<string>();
    for (const svc of props.services) {
      const ns = svc.namespace ?? 'default';
      if (seen.has(`${ns}/${svc.name}`)) failAt(this, problem('services', 'must name each service once', svc.name));
      seen.add(`${ns}/${svc.name}`);
      this.sidecars[svc.name] = emit(this, svc.name, { apiVersion, kind: 'Sidecar', name: svc.name, namespace: svc.namespace, body: ['spec'] }, () => renderScopedSidecar({
        apiVersion,
        name: svc.name,
        namespace: svc.namespace,
        selector: { app: svc.app },
        egressHosts: [...new Set([
          ...svc.dependencies.map(d => {
            const dns = d.namespace ?? 'default';
            // an external host is seen in the namespace of its ServiceEntry, by its own name
            return d.external ? `${dns}/${d.name}` : `${dns}/${d.name}.${dns}.svc.cluster.local`;
          }),
          'istio-system/*',
          ...(props.extraHosts ?? []),
        ])],
        registryOnly: props.registryOnly,
      }));
    }
  }

  /**
   * Extra hosts that no service or ServiceEntry of the app declares: a sidecar scoped to a host nobody declared keeps
   * nothing for it (Istio accepts the entry silently), so the call it was meant to allow still fails.
   * Wildcards (`ns/*`, `*.example.com`) are taken as they are.
   */
  private undeclaredHosts(extraHosts: string[], sidecarNamespaces: string[]): Problem[] {
    const declared = new Set<string>();
    for (const c of this.node.root.node.findAll()) {
      if (c instanceof MeshService) {
        const ns = c.namespace ?? 'default';
        declared.add(`${ns}/${c.name}.${ns}.svc.cluster.local`).add(`${ns}/${c.name}`);
      } else if (c instanceof ServiceEntry) {
        for (const h of c.hosts) declared.add(`${c.namespace ?? 'default'}/${h}`);
      }
    }
    // `*`: any namespace; `.`: each sidecar's own; `~`: none (imports nothing, so nothing to check)
    const matches = (h: string) => {
      const [ns, host] = [h.slice(0, h.indexOf('/')), h.slice(h.indexOf('/') + 1)];
      const namespaces = ns === '*' ? undefined : ns === '.' ? sidecarNamespaces : [ns];
      return ns === '~' || [...declared].some(d => d.split('/')[1] === host && (namespaces === undefined || namespaces.includes(d.split('/')[0])));
    };
    return extraHosts.map((h, i) => ({ h, i })).filter(({ h }) => !h.split('/')[1].includes('*') && !matches(h))
      .map(({ h, i }) => problem(`extraHosts[${i}]`, 'must be a host that a MeshService or ServiceEntry of the app declares (a sidecar keeps nothing for a host nobody declares)', h,
        `declare it (new ServiceEntry(scope, id, { hosts: ['${h.split('/')[1]}'] }) for an external host), or name it as '<its namespace>/<host>'`));
  }
}
