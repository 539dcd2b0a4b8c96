import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { backendAt, refuse } from '../../backends/registry';
import { Problem, failAt, problem } from '../../core/errors';
import { constructArgs } from '../../core/input';
import { checkCidr, checkDnsSubdomain, checkHostName, checkPort, cidrContains, parseCidr } from '../../core/names';
import { emit, namespaceOf } from '../../hosting/cdk8s/emit';
import { EgressNetworkModel, EgressRouteModel, egressRouteApiVersion, renderEgressNetwork, renderEgressRoute } from '../../render/linkerd';
import { backendPortProblems, headerPrefixProblems, istioOnlyMatchProblems, jwtClaimProblems } from '../../validation/gateway-api';
import { HttpMatch } from '../matches';
import { RouteAction, onlyPortOf } from '../route';

/** What an {@link EgressNetwork} does with traffic that no `allow()` describes. */
export enum EgressTrafficPolicy {
  /** Let it out. */
  ALLOW = 'Allow',
  /** Refuse it: only what `allow()` names leaves. */
  DENY = 'Deny',
}

/** How traffic an {@link EgressNetwork} lets out is recognized. */
export enum EgressProtocol {
  /** Plain HTTP, by Host (an HTTPRoute). */
  HTTP = 'HTTP',
  /** TLS, by SNI (a TLSRoute of the Gateway API's experimental channel). */
  TLS = 'TLS',
  /** Any TCP on the port (a TCPRoute of the Gateway API's experimental channel). */
  TCP = 'TCP',
}

/** A block of addresses an {@link EgressNetwork} covers. */
export interface EgressNetworkBlock {
  /** The block, e.g. `0.0.0.0/0`. */
  readonly cidr: string;
  /**
   * Blocks inside it that are not covered.
   * @default - none
   */
  readonly except?: string[];
}

/** Props of an {@link EgressNetwork}. */
export interface EgressNetworkProps {
  /**
   * What happens to traffic no `allow()` describes.
   * @default EgressTrafficPolicy.DENY - only what is named leaves (secure by default)
   */
  readonly trafficPolicy?: EgressTrafficPolicy;
  /**
   * The addresses covered.
   * @default - Linkerd's: every address outside the cluster's networks
   */
  readonly networks?: EgressNetworkBlock[];
  /**
   * The EgressNetwork's name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The namespace; an EgressNetwork in Linkerd's egress namespace (`linkerd-egress`) applies to every namespace.
   * @default - the chart's
   */
  readonly namespace?: string;
}

/** Options of {@link EgressNetwork.allow}. */
export interface EgressAllowOptions {
  /**
   * The external hosts (HTTP Host, TLS SNI); none for TCP.
   * @default - every host on the port (HTTP and TLS: a route without hostnames, as Linkerd's managing-egress-traffic
   * task lets "all TLS on 443" out)
   */
  readonly hosts?: string[];
  /** The port. */
  readonly port: number;
  /**
   * How the traffic is recognized.
   * @default EgressProtocol.TLS
   */
  readonly protocol?: EgressProtocol;
  /**
   * HTTP only: the requests the route takes, by path, headers or query parameters (`HttpMatch.prefix('/get')`); the
   * others meet the network's traffic policy, or another route.
   * @default - every request to the hosts on the port
   */
  readonly match?: HttpMatch[];
  /**
   * Where the traffic goes: `RouteAction.forward(service)` or `weightedForward()` sends it to Services of the cluster
   * instead of out (an egress gateway, or an internal service answering in the external host's place, as the task's
   * "redirecting egress traffic back to the cluster").
   * @default - out to the address asked for (the EgressNetwork as backend)
   */
  readonly action?: RouteAction;
  /**
   * The route's name.
   * @default - `<egress network>-<first host, or the protocol>-<port>`
   */
  readonly name?: string;
}

/**
 * Linkerd's egress control (`EgressNetwork`, Linkerd 2.17 and later): the traffic of meshed pods to addresses outside the
 * cluster, denied unless a route names it (`allow()`: hosts by HTTP Host or TLS SNI, or a TCP port). Linkerd only: under
 * Istio, egress is a `ServiceEntry` with `outboundTrafficPolicy: REGISTRY_ONLY`.
 * @see https://linkerd.io/2-edge/reference/egress-network/
 */
export class EgressNetwork extends Construct {
  /** The EgressNetwork (escape hatch). */
  public readonly resource: ApiObject;
  /** The routes of `allow()`, by name (escape hatches). */
  public readonly routes: { [name: string]: ApiObject } = {};
  private readonly model: EgressNetworkModel;

  public constructor(scope: Construct, id: string, props: EgressNetworkProps = {}) {
    super(...constructArgs('EgressNetwork', [scope, id, props]));
    refuse(this, backendAt(this).egressNetworkProblem());
    const name = props.name ?? id;
    const nameErr = checkDnsSubdomain(props.name === undefined ? 'name (the construct id)' : 'name', name);
    if (nameErr) failAt(this, nameErr);
    const blocks = (props.networks ?? []).map((n, i) => {
      const cidr = parseCidr(n.cidr);
      if (!cidr) failAt(this, checkCidr(`networks[${i}].cidr`, n.cidr)!);
      for (const [j, e] of (n.except ?? []).entries()) {
        const inner = parseCidr(e);
        if (!inner) failAt(this, checkCidr(`networks[${i}].except[${j}]`, e)!);
        if (!cidrContains(cidr, inner)) failAt(this, problem(`networks[${i}].except[${j}]`, `must be within '${n.cidr}'`, e, 'name a block inside the network, or leave it out'));
      }
      return cidr;
    });
    blocks.forEach((a, i) => blocks.forEach((b, j) => {
      if (j > i && (cidrContains(a, b) || cidrContains(b, a))) {
        failAt(this, problem(`networks[${j}].cidr`, `must not overlap networks[${i}] ('${props.networks![i].cidr}'): an address would be covered twice`,
          props.networks![j].cidr, 'merge them into one block, with except for what to leave out'));
      }
    }));
    this.model = {
      name,
      namespace: namespaceOf(this, props.namespace),
      trafficPolicy: props.trafficPolicy ?? EgressTrafficPolicy.DENY,
      networks: props.networks?.map(n => ({ cidr: n.cidr, except: n.except ? [...n.except] : undefined })),
    };
    this.resource = emit(this, 'Resource', { apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'EgressNetwork', name, namespace: this.model.namespace, body: ['spec'] },
      () => renderEgressNetwork(this.model));
  }

  /**
   * Lets out traffic to `hosts` on `port` (TLS by SNI by default), every host on the port when no host is named, or any
   * TCP on the port; HTTP by `match` too; to Services of the cluster instead with `action`.
   */
  public allow(options: EgressAllowOptions): ApiObject {
    const protocol = options.protocol ?? EgressProtocol.TLS;
    const hosts = options.hosts ?? [];
    const err = checkPort('port', options.port)
      ?? hosts.map(h => checkHostName('hosts', h)).find(e => e !== undefined)
      ?? (protocol === EgressProtocol.TCP && hosts.length > 0
        ? problem('hosts', 'cannot be given for TCP: a TCP connection carries no host name', hosts, 'use EgressProtocol.TLS (SNI) or HTTP, or leave out hosts')
        : undefined)
      ?? (protocol !== EgressProtocol.HTTP && options.match !== undefined
        ? problem('match', `cannot be given for ${protocol}: only HTTP requests are matched (a ${protocol === EgressProtocol.TLS ? 'TLSRoute' : 'TCPRoute'} has no matches)`,
          options.match.length, 'use EgressProtocol.HTTP, or leave out match')
        : undefined)
      ?? egressMatchProblems(options.match ?? [])[0]
      ?? egressActionProblem(options.action);
    if (err) failAt(this, err);
    const name = options.name ?? `${this.model.name}-${hosts[0]?.replace(/\*/g, 'wildcard') ?? protocol.toLowerCase()}-${options.port}`.replace(/\./g, '-');
    const nameErr = checkDnsSubdomain('name', name);
    if (nameErr) failAt(this, nameErr);
    if (this.routes[name]) failAt(this, problem('name', 'must be unique among the routes of the egress network', name, 'give the route a name of its own (allow({ name }))'));
    const kind: EgressRouteModel['kind'] = protocol === EgressProtocol.HTTP ? 'HTTPRoute' : protocol === EgressProtocol.TLS ? 'TLSRoute' : 'TCPRoute';
    const route: EgressRouteModel = {
      name,
      kind,
      hosts: [...hosts],
      port: options.port,
      matches: options.match?.flatMap(m => m._models),
      backends: options.action?._destinations(onlyPortOf),
    };
    const portErr = backendPortProblems('action', [...route.backends ?? []], 'a Service backend of an egress route')[0];
    if (portErr) failAt(this, portErr);
    this.routes[name] = emit(this, `Allow-${name}`, { apiVersion: egressRouteApiVersion(kind), kind, name, namespace: this.model.namespace, body: ['spec'] },
      () => renderEgressRoute(this.model, route));
    return this.routes[name];
  }
}

const CANNOT = 'cannot be expressed in a route of Linkerd\'s EgressNetwork (a Gateway API HTTPRoute)';

/** Match conditions an egress HTTPRoute cannot hold (those only Istio's routes have, header prefixes, JWT claims, case-insensitive paths). */
function egressMatchProblems(matches: readonly HttpMatch[]): Problem[] {
  if (!Array.isArray(matches)) return [problem('match', 'must be a list of HttpMatch', String(matches), 'e.g. [HttpMatch.prefix(\'/get\')]')];
  return matches.flatMap((m, i) => {
    const model = m?._model;
    if (model === undefined) return [problem(`match[${i}]`, 'must be an HttpMatch', String(m), 'e.g. HttpMatch.prefix(\'/get\')')];
    return [
      ...(model.ignoreUriCase ? [problem(`match[${i}].ignoreUriCase`, `${CANNOT}: path matches are case-sensitive`, true, 'remove it')] : []),
      ...(model.grpc ? [problem(`match[${i}]`, `${CANNOT}: it matches HTTP paths, not gRPC methods`, `${model.grpc.service}/${model.grpc.method ?? '*'}`,
        'match the path with HttpMatch.prefix(\'/package.Service/\')')] : []),
      ...headerPrefixProblems(`match[${i}].headers`, model, CANNOT),
      ...jwtClaimProblems(`match[${i}].headers`, model, CANNOT),
      ...istioOnlyMatchProblems(`match[${i}]`, model, CANNOT, 'remove it'),
    ];
  });
}

/** An action an egress route cannot take: anything but forwarding to Services of the cluster. */
function egressActionProblem(action: RouteAction | undefined): Problem | undefined {
  if (action === undefined) return undefined;
  if (!(action instanceof RouteAction)) return problem('action', 'must be a RouteAction', String(action), 'pass RouteAction.forward(service)');
  if (action._redirect || action._delegate) {
    return problem('action', 'must forward to Services of the cluster: an egress route sends out, or to Services', action._redirect ? 'redirect' : 'delegate',
      'use RouteAction.forward(service) or weightedForward(), or leave out action to let the traffic out');
  }
  const external = action._destinations(undefined).find(d => d.service.external);
  return external
    ? problem('action', 'must name Services of the cluster: an external host is what the EgressNetwork lets out', external.service.name, 'leave out action to let the traffic out to it')
    : undefined;
}
