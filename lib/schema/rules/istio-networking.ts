/**
 * Istio's validating webhook (istio/istio pkg/config/validation) for VirtualServices: what istiod refuses beyond the
 * CRD schema (ValidateVirtualService, validateTLSRoute, validateTCPRoute; HTTP routes in `./istio-http-route`,
 * Gateways in `./istio-gateway`). Each rule cites the upstream function it follows.
 *
 * @module
 */
import { ipSubnetProblem, isIP, istio, portProblem } from './istio-common';
import { gatewayNamesProblems, httpRouteProblems, routeDestinationsProblems, VsContext } from './istio-http-route';
import { gatewayBoundHostProblem, hostSubsetOf, hostsOverlap, isRoutingClaim, sourceLabelsProblems, token, wildcardDomainProblem } from './istio-names';
import { Obj, arr, obj } from './util';
import { Manifest } from '../../render/model';

export { istioGatewayProblems } from './istio-gateway';

const WHERE = {
  vs: istio('ValidateVirtualService'),
  tls: istio('validateTLSRoute'),
  tlsMatch: istio('validateTLSMatch'),
  sni: istio('validateSniHost'),
  tcp: istio('validateTCPRoute'),
  tcpMatch: istio('validateTCPMatch'),
};

/** validateTLSMatch / validateTCPMatch: subnets, port, gateways (and SNI hosts for TLS). */
function l4MatchProblems(match: Obj, at: string, where: string): string[] {
  const out: string[] = [];
  arr(match.destinationSubnets).forEach((s, i) => {
    const p = typeof s === 'string' ? ipSubnetProblem(s) : undefined;
    if (p) out.push(`${at}/destinationSubnets/${i}: must be an IP address or a CIDR block: got '${String(s)}' ${where}`);
  });
  const pp = match.port === 0 ? undefined : portProblem(match.port);
  if (pp) out.push(`${at}/port: ${pp}: got ${String(match.port)} ${where}`);
  for (const [key, p] of sourceLabelsProblems(match.sourceLabels)) out.push(`${at}/sourceLabels/${token(key)}: ${p} ${where}`);
  out.push(...gatewayNamesProblems(match.gateways, `${at}/gateways`, false));
  return out;
}

/** validateSniHost: a (wildcard) host name covered by one of the VirtualService's hosts. */
function sniHostProblem(sni: string, at: string, ctx: VsContext): string | undefined {
  const p = ctx.gateways.includes('mesh') ? wildcardDomainProblem(sni) : gatewayBoundHostProblem(true, sni);
  if (p) return isIP(sni) ? undefined : `${at}: ${p}: got '${sni}' ${WHERE.sni}`;
  if (ctx.hosts.some(h => hostSubsetOf(sni, h))) return undefined;
  return `${at}: the SNI host is not covered by any of the VirtualService's hosts (${ctx.hosts.join(', ')}): got '${sni}'; add it to hosts ${WHERE.sni}`;
}

/** validateTLSRoute: matches with SNI hosts, and destinations. */
function tlsRouteProblems(route: Obj, at: string, ctx: VsContext): string[] {
  const out: string[] = [];
  const matches = arr(route.match);
  if (Array.isArray(route.match) && matches.length === 0) out.push(`${at}/match: a TLS route needs at least one match: got none ${WHERE.tls}`);
  matches.forEach((m, j) => {
    const mat = `${at}/match/${j}`;
    const match = obj(m);
    if (!match) {
      if (m === null) out.push(`${mat}: a TLS match must not be null: got null ${WHERE.tlsMatch}`);
      return;
    }
    const snis = arr(match.sniHosts);
    if (Array.isArray(match.sniHosts) && snis.length === 0) out.push(`${mat}/sniHosts: a TLS match needs at least one SNI host: got none ${WHERE.tlsMatch}`);
    snis.forEach((s, k) => {
      const p = typeof s === 'string' ? sniHostProblem(s, `${mat}/sniHosts/${k}`, ctx) : undefined;
      if (p) out.push(p);
    });
    out.push(...l4MatchProblems(match, mat, WHERE.tlsMatch));
  });
  if (arr(route.route).length === 0) out.push(`${at}/route: a TLS route needs at least one destination: got none ${WHERE.tls}`);
  out.push(...routeDestinationsProblems(route.route, `${at}/route`, false, ctx.gatewaySemantics));
  return out;
}

/** validateTCPRoute: matches and destinations. */
function tcpRouteProblems(route: Obj, at: string, ctx: VsContext): string[] {
  const out: string[] = [];
  arr(route.match).forEach((m, j) => {
    const match = obj(m);
    if (match) out.push(...l4MatchProblems(match, `${at}/match/${j}`, WHERE.tcpMatch));
    else if (m === null) out.push(`${at}/match/${j}: a TCP match must not be null: got null ${WHERE.tcpMatch}`);
  });
  if (arr(route.route).length === 0) out.push(`${at}/route: a TCP route needs at least one destination: got none ${WHERE.tcp}`);
  out.push(...routeDestinationsProblems(route.route, `${at}/route`, false, ctx.gatewaySemantics));
  return out;
}

/** ValidateVirtualService: hosts, gateways, delegates, and every route (validation.go). */
export function virtualServiceProblems(o: Manifest): string[] {
  const out: string[] = [];
  const spec = obj((o as unknown as Obj).spec) ?? {};
  const hosts = arr(spec.hosts).filter((h): h is string => typeof h === 'string');
  const gateways = arr(spec.gateways).filter((g): g is string => typeof g === 'string');
  const http = arr(spec.http);
  const tls = arr(spec.tls);
  const tcp = arr(spec.tcp);
  const delegate = arr(spec.hosts).length === 0;
  const gatewaySemantics = obj(o.metadata?.annotations)?.['internal.istio.io/route-semantics'] === 'gateway';
  if (delegate) {
    if (gateways.length > 0) out.push(`/spec/gateways: a delegate VirtualService (no hosts) must not name gateways: got '${gateways.join(', ')}'; the root VirtualService binds them ${WHERE.vs}`);
    if (tls.length > 0) out.push(`/spec/tls: a delegate VirtualService (no hosts) must not have TLS routes: got ${tls.length}; only HTTP routes can be delegated ${WHERE.vs}`);
    if (tcp.length > 0) out.push(`/spec/tcp: a delegate VirtualService (no hosts) must not have TCP routes: got ${tcp.length}; only HTTP routes can be delegated ${WHERE.vs}`);
  }
  const boundToGateway = gateways.length > 0 && !gateways.includes('mesh');
  if (gateways.length > 0) out.push(...gatewayNamesProblems(spec.gateways, '/spec/gateways', gatewaySemantics));
  const ctx: VsContext = { hosts, gateways, delegate, gatewaySemantics, boundToGateway };
  if (!boundToGateway) {
    http.forEach((r, i) => arr(obj(r)?.match).forEach((m, j) => {
      for (const key of ['headers', 'withoutHeaders']) {
        for (const name of Object.keys(obj(obj(m)?.[key]) ?? {})) {
          if (isRoutingClaim(name)) {
            out.push(`/spec/http/${i}/match/${j}/${key}/${token(name)}: JWT claim routing works only on gateways: got '${name}' with no gateway `
              + `bound (gateways: ${gateways.length ? gateways.join(', ') : 'none'}); bind the VirtualService to an ingress gateway ${WHERE.vs}`);
          }
        }
      }
    }));
  }
  let allHostsValid = true;
  const sni = tls.some(r => arr(obj(r)?.match).some(m => arr(obj(m)?.sniHosts).length > 0));
  arr(spec.hosts).forEach((h, i) => {
    if (typeof h !== 'string') return;
    const p = boundToGateway ? gatewayBoundHostProblem(sni, h) : wildcardDomainProblem(h);
    if (p) {
      if (isIP(h)) return;
      out.push(`/spec/hosts/${i}: ${p}: got '${h}' ${WHERE.vs}`);
      allHostsValid = false;
    } else if (!boundToGateway && h === '*') {
      out.push(`/spec/hosts/${i}: the host '*' is not allowed for a VirtualService bound to the mesh: got '*'; name the hosts, or bind it to a gateway only ${WHERE.vs}`);
      allHostsValid = false;
    }
  });
  if (allHostsValid) {
    for (let i = 0; i < hosts.length; i++) {
      for (let j = i + 1; j < hosts.length; j++) {
        if (hostsOverlap(hosts[i], hosts[j])) {
          out.push(`/spec/hosts/${j}: duplicate hosts in the VirtualService: got '${hosts[j]}' overlapping '${hosts[i]}'; keep one ${WHERE.vs}`);
        }
      }
    }
  }
  if (http.length === 0 && tcp.length === 0 && tls.length === 0) out.push(`/spec: a VirtualService needs http, tcp or tls routes: got none ${WHERE.vs}`);
  http.forEach((r, i) => {
    const route = obj(r);
    if (route) out.push(...httpRouteProblems(route, `/spec/http/${i}`, ctx));
    else if (r === null) out.push(`/spec/http/${i}: an HTTP route must not be null: got null ${WHERE.vs}`);
  });
  tls.forEach((r, i) => {
    const route = obj(r);
    if (route) out.push(...tlsRouteProblems(route, `/spec/tls/${i}`, ctx));
  });
  tcp.forEach((r, i) => {
    const route = obj(r);
    if (route) out.push(...tcpRouteProblems(route, `/spec/tcp/${i}`, ctx));
  });
  return out;
}

