import { isObj, str, strs } from '../../analysis/context';
import { mergeDestinations, roundWeight, spreadOverVersions } from '../destinations';
import { addressIn } from '../policy/address';
import { isHttpRequest } from '../policy/protocol';
import { compareScores, ruleScore } from '../policy/route-match';
import { NormalizedRequest } from '../request';
import { TrafficDestination, TrafficRouteRef } from '../types';
import { World, WorldObject } from '../world';

/**
 * Linkerd's egress: a call to an address outside the cluster meets the EgressNetwork of the caller's namespace (else of
 * the global egress namespace, `linkerd-egress`) whose networks hold the address — by default every address outside
 * the cluster networks — and the routes attached to it (TLSRoute by SNI, HTTPRoute, GRPCRoute, TCPRoute); a call no
 * route takes meets the network's `trafficPolicy`: `Allow` lets it out, `Deny` refuses it (linkerd2
 * `policy-controller/k8s/index/src/outbound/index/egress_network.rs` `resolve_egress_network`, the egress docs).
 */

/** Linkerd's global egress namespace (`egress.globalEgressNetworkNamespace`). */
export const GLOBAL_EGRESS_NAMESPACE = 'linkerd-egress';

export interface EgressDecision {
  readonly network: WorldObject;
  readonly outcome: 'routed' | 'denied' | 'undecided';
  readonly reason: string;
  readonly route: TrafficRouteRef | null;
  readonly destinations: readonly TrafficDestination[];
}

const specOf = (o: WorldObject) => (isObj(o.manifest.spec) ? o.manifest.spec : {});

/** Whether the network holds an external address: `yes`, `no`, or `unknown` (explicit networks: the address is not known). */
function holdsExternal(network: WorldObject) {
  const nets = specOf(network).networks;
  if (!Array.isArray(nets)) return 'yes' as const;
  return addressIn(nets.filter(isObj).map(n => ({ cidr: str(n.cidr), except: strs(n.except) })), 'external');
}

const hostMatches = (pattern: string, host: string) => (pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1 : pattern.toLowerCase() === host);

/** The EgressNetwork a call from a namespace to an external host meets, and what it decides. */
export function egressFor(world: World, fromNamespace: string, req: NormalizedRequest, port: number): EgressDecision | undefined {
  const own = world.list('policy.linkerd.io', 'EgressNetwork', fromNamespace);
  const candidates = own.length > 0 ? own : world.list('policy.linkerd.io', 'EgressNetwork', GLOBAL_EGRESS_NAMESPACE);
  const held = candidates.map(n => [n, holdsExternal(n)] as const).filter(([, h]) => h !== 'no');
  if (held.length === 0) return undefined;
  const [network, holds] = held.find(([, h]) => h === 'yes') ?? held[0];
  const host = req.host ?? '';
  if (holds === 'unknown') {
    return { network, outcome: 'undecided', route: null, destinations: [], reason: `EgressNetwork ${network.namespace}/${network.name} holds only some addresses, and '${host}''s address is not in the configuration` };
  }
  // routes attached to the network (at this port or every port)
  const http = isHttpRequest(req);
  const kinds = req.protocol === 'tls' ? ['TLSRoute'] : req.protocol === 'tcp' ? ['TCPRoute'] : req.protocol === 'grpc' ? ['GRPCRoute', 'HTTPRoute'] : ['HTTPRoute'];
  let best: { route: WorldObject; rule: number; match?: number; score: readonly number[] } | undefined;
  for (const kind of kinds) {
    for (const route of world.list('gateway.networking.k8s.io', kind, network.namespace)) {
      const spec = specOf(route);
      const attached = (Array.isArray(spec.parentRefs) ? spec.parentRefs : []).filter(isObj)
        .some(p => str(p.kind) === 'EgressNetwork' && str(p.name) === network.name && (p.port === undefined || Number(p.port) === port));
      if (!attached) continue;
      const hostnames = strs(spec.hostnames);
      const name = req.protocol === 'tls' ? req.sni ?? host : host;
      if (hostnames.length > 0 && !hostnames.some(h => hostMatches(h, name))) continue;
      (Array.isArray(spec.rules) ? spec.rules : [{}]).forEach((rule, i) => {
        const s = http ? ruleScore(isObj(rule) ? rule.matches : undefined, req, kind === 'GRPCRoute') : { score: [0] };
        if (s && (!best || compareScores(s.score, best.score) > 0)) best = { route, rule: i, match: s.match, score: s.score };
      });
    }
    if (best) break;
  }
  const policy = str(specOf(network).trafficPolicy) || 'Deny';
  if (!best) {
    return policy === 'Allow'
      ? { network, outcome: 'routed', route: null, destinations: [{ service: host, port, workloads: [], weight: 100 }], reason: `EgressNetwork ${network.namespace}/${network.name} lets unrouted traffic out (trafficPolicy Allow)` }
      : { network, outcome: 'denied', route: null, destinations: [], reason: `no route of EgressNetwork ${network.namespace}/${network.name} takes '${host}:${port}', and its trafficPolicy is ${policy}: refused` };
  }
  const chosen: { route: WorldObject; rule: number; match?: number } = best;
  const rule = (Array.isArray(specOf(chosen.route).rules) ? specOf(chosen.route).rules as unknown[] : [])[chosen.rule];
  const refs = (isObj(rule) && Array.isArray(rule.backendRefs) ? rule.backendRefs : []).filter(isObj);
  const total = refs.reduce((n, r) => n + (typeof r.weight === 'number' ? r.weight : 1), 0);
  // a rule without backends sends to its parent's: out to the address asked for (linkerd2 policy-controller/grpc/src/outbound/http.rs,
  // tls.rs, tcp.rs: an empty backend list becomes the parent's backend), as the managing-egress-traffic task's httpbin-get route
  const outAsAddressed = [{ service: host, port, workloads: [], weight: 100 }];
  const destinations = refs.length === 0 ? outAsAddressed : mergeDestinations(refs.flatMap(r => {
    const weight = total > 0 ? roundWeight(100 * (typeof r.weight === 'number' ? r.weight : 1) / total) : 0;
    if (str(r.kind) === 'EgressNetwork') return [{ service: host, port: typeof r.port === 'number' ? r.port : port, workloads: [], weight }];
    const svc = world.service(str(r.namespace) || chosen.route.namespace, str(r.name));
    if (!svc) return [{ service: `${str(r.namespace) || chosen.route.namespace}/${str(r.name)}`, workloads: [], weight, unavailable: `backend ${str(r.name)} is not a Service of the configuration` }];
    return spreadOverVersions(world, { service: svc, port: typeof r.port === 'number' ? r.port : port, weight });
  }));
  const route: TrafficRouteRef = {
    kind: chosen.route.kind,
    namespace: chosen.route.namespace,
    name: chosen.route.name,
    rule: chosen.rule,
    ...(chosen.match !== undefined ? { match: chosen.match } : {}),
  };
  if (destinations.length === 0) {
    return { network, outcome: 'denied', route, destinations: [], reason: `${chosen.route.kind} ${chosen.route.namespace}/${chosen.route.name} rule ${chosen.rule} gives every backend weight 0: refused` };
  }
  return { network, outcome: 'routed', route, destinations, reason: `${chosen.route.kind} ${chosen.route.namespace}/${chosen.route.name} of EgressNetwork ${network.namespace}/${network.name} takes it` };
}
