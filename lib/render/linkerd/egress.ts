import { backendOf, matchOf } from '../gateway-api/http-route';
import { gatewayApiMatches } from '../gateway-api/precedence';
import { metadataOf } from '../metadata';
import { DestinationModel, Manifest, MatchModel } from '../model';

/** A Linkerd EgressNetwork and the traffic it lets out by route. */
export interface EgressNetworkModel {
  readonly name: string;
  readonly namespace?: string;
  /** `Allow` or `Deny`: what happens to traffic no route describes. */
  readonly trafficPolicy: string;
  /** undefined: Linkerd's default, every address outside the cluster's networks. */
  readonly networks?: ReadonlyArray<{ readonly cidr: string; readonly except?: readonly string[] }>;
}

/** One route attached to an EgressNetwork: traffic to these hosts (or this port) is let out, or sent to Services. */
export interface EgressRouteModel {
  readonly name: string;
  readonly kind: 'HTTPRoute' | 'TLSRoute' | 'TCPRoute';
  /** The hostnames (HTTP Host, TLS SNI); empty: every host on the port. */
  readonly hosts: readonly string[];
  readonly port: number;
  /** An HTTPRoute's matches; undefined or empty: every request. */
  readonly matches?: readonly MatchModel[];
  /** Services the traffic goes to instead of out; undefined: out to the address asked for (the EgressNetwork). */
  readonly backends?: readonly DestinationModel[];
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
 * A route attached to the EgressNetwork, as Linkerd's egress reference and its managing-egress-traffic task write them:
 * the EgressNetwork as parent (on the port); hostnames for HTTP and TLS (SNI) when given, none for every host on the
 * port ("all TLS on 443"); an HTTPRoute's path, header and query matches; as backend the EgressNetwork (out to the
 * address asked for) or the cluster's Services (an egress gateway, or an internal service answering instead).
 * @see https://linkerd.io/2-edge/reference/egress-network/
 * @see https://linkerd.io/2-edge/tasks/managing-egress-traffic/
 */
export function renderEgressRoute(net: EgressNetworkModel, r: EgressRouteModel): Manifest {
  const ref = { group: POLICY, kind: 'EgressNetwork', name: net.name };
  const matches = r.kind === 'HTTPRoute' && r.matches ? gatewayApiMatches(r.matches) : [];
  const backendRefs = r.backends?.length
    ? r.backends.map(d => ({ ...backendOf(d, net.namespace), weight: d.weight }))
    : [{ ...ref }]; // no port: the original destination's, as the egress reference and task write it
  return {
    apiVersion: egressRouteApiVersion(r.kind),
    kind: r.kind,
    metadata: metadataOf(r.name, net.namespace),
    spec: {
      parentRefs: [{ ...ref, port: r.port }],
      hostnames: r.kind === 'TCPRoute' || r.hosts.length === 0 ? undefined : [...r.hosts],
      rules: [{ matches: matches.length > 0 ? matches.map(matchOf) : undefined, backendRefs }],
    },
  };
}
