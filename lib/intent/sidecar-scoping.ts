import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { MeshService } from './mesh-service';
import { failAt, problem } from '../core/errors';
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
            return `${dns}/${d.name}.${dns}.svc.cluster.local`;
          }),
          'istio-system/*',
          ...(props.extraHosts ?? []),
        ])],
        registryOnly: props.registryOnly,
      }));
    }
  }
}
