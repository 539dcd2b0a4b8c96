import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { securityApiVersion } from './api';
import { emitPolicy, policyIdentity } from './policy-object';
import { WorkloadSelector } from './workload-selector';
import { failIfNotIstio } from '../../backends/registry';
import { failAt, problem } from '../../core/errors';
import { constructArgs } from '../../core/input';
import { MeshSettings } from '../../core/settings';
import { renderPeerAuthentication } from '../../render/istio';

/** How a workload accepts connections. */
export enum MtlsMode {
  /** Mutual TLS only: plain-text connections are refused. */
  STRICT = 'STRICT',
  /** Mutual TLS and plain text: for migrating workloads into the mesh. */
  PERMISSIVE = 'PERMISSIVE',
  /** Plain text only (on a port, e.g. one a health checker outside the mesh calls). */
  DISABLE = 'DISABLE',
  /** Inherit from the namespace or mesh. */
  UNSET = 'UNSET',
}

/** Props of a {@link PeerAuthentication}. */
export interface PeerAuthenticationProps {
  /**
   * The namespace-wide policy's namespace (the policy is named `default`, as Istio recommends).
   * @default - the chart's namespace; for `PeerAuthentication.meshWide()`, Istio's root namespace
   */
  readonly namespace?: string;

  /**
   * Apply to these workloads only (named after the selector's service or gateway, or `name`).
   * @default - every workload of the namespace
   */
  readonly workload?: WorkloadSelector;

  /**
   * The mode. PERMISSIVE is the documented opt-out, for workloads whose clients are not all in the mesh yet.
   * @default MtlsMode.STRICT
   */
  readonly mode?: MtlsMode;

  /**
   * Port-level exceptions, by the workload's container port (e.g. `{ 8080: MtlsMode.PERMISSIVE }`);
   * Istio honours them only on a workload policy.
   * @default - none
   */
  readonly portLevelMtls?: { [port: number]: MtlsMode };

  /**
   * The policy's name.
   * @default - `default` for a mesh or namespace policy; the construct id for a workload policy
   */
  readonly name?: string;
}

/** Options of {@link PeerAuthentication.meshWide}. */
export interface MeshWidePeerAuthenticationOptions {
  /**
   * The mode.
   * @default MtlsMode.STRICT
   */
  readonly mode?: MtlsMode;
  /**
   * Istio's root namespace.
   * @default 'istio-system'
   */
  readonly rootNamespace?: string;
}

/**
 * Istio's `PeerAuthentication`: whether workloads accept plain text. Mutual TLS is STRICT unless
 * told otherwise, at mesh (`meshWide()`), namespace (no `workload`) or workload scope, with
 * port-level exceptions. The client side is the DestinationRule's `ISTIO_MUTUAL`, which a
 * MeshService writes by default.
 * @see https://istio.io/latest/docs/reference/config/security/peer_authentication/
 */
export class PeerAuthentication extends Construct {
  /** STRICT mutual TLS for the whole mesh: the policy `default` in Istio's root namespace. */
  public static meshWide(scope: Construct, id: string, options: MeshWidePeerAuthenticationOptions = {}): PeerAuthentication {
    return new PeerAuthentication(scope, id, { namespace: options.rootNamespace ?? 'istio-system', mode: options.mode });
  }

  /** The rendered PeerAuthentication (escape hatch). */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: PeerAuthenticationProps = {}) {
    super(...constructArgs('PeerAuthentication', [scope, id, props]));
    failIfNotIstio(this, 'PeerAuthentication', 'Linkerd proxies always use mutual TLS between meshed pods; refuse plain text with ServiceAuthorization');
    const { name, namespace } = policyIdentity(this, props, props.workload ? id : 'default');
    if (props.workload && props.namespace !== undefined && props.workload._namespace !== undefined && props.namespace !== props.workload._namespace) {
      failAt(this, problem('namespace', `must be the namespace of ${props.workload._describe}`, props.namespace, `it runs in '${props.workload._namespace}'`));
    }
    const ports = Object.entries(props.portLevelMtls ?? {});
    if (ports.length > 0 && !props.workload) {
      failAt(this, problem('portLevelMtls', 'needs a workload selector: Istio ignores port-level modes on namespace-wide policies', ports.map(([p]) => Number(p)),
        'set workload'));
    }
    for (const [p] of ports) {
      const n = Number(p);
      if (!Number.isInteger(n) || n < 1 || n > 65535) failAt(this, problem('portLevelMtls', 'must be keyed by port numbers (1-65535)', p));
    }
    const mode = props.mode ?? MtlsMode.STRICT;
    const apiVersion = securityApiVersion(MeshSettings.of(this).istioApiVersion);
    this.resource = emitPolicy(this, { apiVersion, kind: 'PeerAuthentication', name, namespace }, () => renderPeerAuthentication({
      apiVersion,
      name,
      namespace,
      selector: props.workload ? props.workload._labels : undefined,
      mode,
      portLevelMtls: ports.length > 0 ? Object.fromEntries(ports) : undefined,
    }));
  }
}
