import { metadataOf } from '../metadata';
import { Manifest } from '../model';

/** A Linkerd EgressNetwork and the traffic it lets out by route. */
export interface EgressNetworkModel {
  readonly name: string;
  readonly namespace?: string;
  /** `Allow` or `Deny`: what happens to traffic no route describes. */
  readonly trafficPolicy: string;
  /** undefined: Linkerd's default, every address outside the cluster's networks. */
  readonly networks?: ReadonlyArray<{ readonly cidr: string; readonly except?: readonly string[] }>;
}

/** One route attached to an EgressNetwork: traffic to these hosts (or this port) is let out. */
export interface EgressRouteModel {
  readonly name: string;
  readonly kind: 'HTTPRoute' | 'TLSRoute' | 'TCPRoute';
  readonly hosts: readonly string[];
  readonly port: number;
}

const POLICY = 'policy.linkerd.io';

/** The EgressNetwork (`policy.linkerd.io/v1alpha1`). */
export function renderEgressNetwork(m: EgressNetworkModel): Manifest {
  return {
    apiVersion: `${POLICY}/v1alpha1`,
    kind: 'EgressNetwork',
    metadata: metadataOf(m.name, m.namespace),
    spec: {
      trafficPolicy: m.trafficPolicy,
      networks: m.networks?.map(n => ({ cidr: n.cidr, except: n.except?.length ? [...n.except] : undefined })),
    },
  };
}

/** The API version of an egress route: HTTPRoute of the standard channel, TLSRoute and TCPRoute of the experimental one. */
export function egressRouteApiVersion(kind: EgressRouteModel['kind']): string {
  return kind === 'HTTPRoute' ? 'gateway.networking.k8s.io/v1' : 'gateway.networking.k8s.io/v1alpha2';
}

/**
 * A route attached to the EgressNetwork and sending to it, as Linkerd's egress reference writes them: the EgressNetwork
 * as both parent (on the port) and backend, hostnames for HTTP and TLS (SNI).
 * @see https://linkerd.io/2-edge/reference/egress-network/
 */
export function renderEgressRoute(net: EgressNetworkModel, r: EgressRouteModel): Manifest {
  const ref = { group: POLICY, kind: 'EgressNetwork', name: net.name };
  return {
    apiVersion: egressRouteApiVersion(r.kind),
    kind: r.kind,
    metadata: metadataOf(r.name, net.namespace),
    spec: {
      parentRefs: [{ ...ref, port: r.port }],
      hostnames: r.kind === 'TCPRoute' ? undefined : [...r.hosts],
      rules: [{ backendRefs: [{ ...ref, port: r.port }] }],
    },
  };
}
