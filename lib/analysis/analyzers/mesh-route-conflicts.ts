/**
 * Two routing objects for one Service inside the mesh where Istio applies one of them, or chains them in an order
 * that creation timestamps decide:
 *
 * - MK0014: a VirtualService and a Gateway API route attached to the Service (GAMMA). Istio turns the route into a
 *   VirtualService of the Service's host with Gateway API semantics (pilot/pkg/config/kube/gateway/route_collections.go);
 *   a sidecar keeps one VirtualService per host (pilot/pkg/networking/core/httproute.go drops the duplicate domains),
 *   taking them in the order of pilot/pkg/model/virtualservice.go SelectVirtualServices: VirtualServices exported to
 *   the client's namespace by name first, then, among those exported to all, the Gateway API routes of the client's own
 *   namespace, then creation time and name. Istio's ambient documentation (ambient/migrate/migrate-policies) calls
 *   mixing VirtualService and HTTPRoute for one workload unsupported, with undefined behaviour.
 * - MK0015: two VirtualServices for one Service at its waypoint (ambient). The waypoint takes the VirtualServices of
 *   the Service's and its own namespace (pilot/pkg/networking/core/listener_waypoint.go getVirtualServiceForWaypoint):
 *   before Istio 1.30 only the first one applied; since 1.30 their rules are chained in that order (istio/istio#59484).
 *
 * Istio's IST0109 reports two mesh VirtualServices of one host seen from a common namespace; it does not know
 * Gateway API routes or waypoints.
 *
 * @module
 */
import { ambientNamespace, waypointRefOf } from './ambient';
import { hostsMatch, idOf, isObj, list, nameOf, specOf, strs, toFqdn } from '../context';
import { AnalysisContext, AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';

const NET = 'networking.istio.io';
const GW = 'gateway.networking.k8s.io';
const qualified = (ctx: AnalysisContext, o: AnalyzedObject) => `${ctx.namespaceOf(o)}/${nameOf(o)}`;

/** A VirtualService that sidecars and waypoints apply (bound to the mesh) and that has HTTP rules. */
const meshHttp = (vs: AnalyzedObject) => {
  const gateways = strs(specOf(vs).gateways);
  return (gateways.length === 0 || gateways.includes('mesh')) && list(specOf(vs).http as unknown[]).length > 0;
};

/** The namespaces a VirtualService is visible in: `all`, or a list (Istio's exportTo; `~` none). */
function visibility(vs: AnalyzedObject, ns: string): 'all' | string[] {
  const exportTo = strs(specOf(vs).exportTo).map(e => (e === '.' ? ns : e));
  if (exportTo.length === 0 || exportTo.includes('*')) return 'all';
  return exportTo.filter(e => e !== '~');
}

const visibleIn = (v: 'all' | string[], ns: string) => v === 'all' || v.includes(ns);

/** The mesh VirtualServices with HTTP rules by FQDN host, and those with a wildcard host: built once per analysis. */
const hostIndex = new WeakMap<AnalysisContext, {
  exact: Map<string, AnalyzedObject[]>;
  wildcard: Array<{ vs: AnalyzedObject; hosts: string[] }>;
  position: Map<AnalyzedObject, number>;
}>();

/**
 * The mesh VirtualServices whose hosts name a Service's FQDN exactly (short names read in their own namespace), or,
 * with `wildcards`, match it as Istio's host.Name.Matches does; in the objects' order.
 */
function virtualServicesOf(ctx: AnalysisContext, fqdn: string, wildcards: boolean): AnalyzedObject[] {
  let index = hostIndex.get(ctx);
  if (!index) {
    index = { exact: new Map(), wildcard: [], position: new Map() };
    for (const vs of ctx.of('VirtualService', NET)) {
      if (!meshHttp(vs)) continue;
      index.position.set(vs, index.position.size);
      const hosts = [...new Set(strs(specOf(vs).hosts).map(h => toFqdn(ctx.namespaceOf(vs), h)))];
      for (const h of hosts) (index.exact.get(h) ?? index.exact.set(h, []).get(h)!).push(vs);
      if (hosts.some(h => h.startsWith('*'))) index.wildcard.push({ vs, hosts });
    }
    hostIndex.set(ctx, index);
  }
  const exact = index.exact.get(fqdn) ?? [];
  if (!wildcards) return exact;
  const found = new Set([...exact, ...index.wildcard.filter(w => w.hosts.some(h => hostsMatch(h, fqdn))).map(w => w.vs)]);
  const position = index.position;
  return [...found].sort((x, y) => position.get(x)! - position.get(y)!);
}

const quote = (xs: readonly string[]) => xs.map(x => `'${x}'`).join(', ');

const virtualServiceAndRoute: Analyzer = {
  analyzer: 'meshkit.MeshRouteConflictAnalyzer',
  code: 'MK0014',
  name: 'VirtualServiceAndHTTPRouteForService',
  level: FindingLevel.ERROR,
  description: 'a VirtualService and a Gateway API route attached to a Service (GAMMA) both route the Service inside the mesh: sidecars apply one of '
    + 'them per host (which one depends on the client\'s namespace and on creation time), waypoints the first only (before Istio 1.30) or both chained',
  run: ctx => {
    const out: RawFinding[] = [];
    const seen = new Set<string>();
    for (const route of [...ctx.of('HTTPRoute', GW), ...ctx.of('GRPCRoute', GW)]) {
      if (route.mesh !== 'istio') continue;
      const routeNs = ctx.namespaceOf(route);
      for (const [pi, p] of list(specOf(route).parentRefs as unknown[]).entries()) {
        if (!isObj(p) || p.kind !== 'Service' || !['', 'core', undefined].includes(p.group as string | undefined)) continue;
        const svcNs = typeof p.namespace === 'string' ? p.namespace : routeNs;
        const svcName = String(p.name);
        const port = typeof p.port === 'number' ? ` port ${p.port}` : '';
        const svc = ctx.find('Service', '', svcNs, svcName);
        const waypoint = svc && ambientNamespace(ctx, svcNs) ? waypointRefOf(ctx, svc) : undefined;
        // an ambient Service without a waypoint applies neither (MK0006)
        if (svc && ambientNamespace(ctx, svcNs) && !waypoint) continue;
        for (const vs of virtualServicesOf(ctx, `${svcName}.${svcNs}.svc.cluster.local`, false)) {
          const vsNs = ctx.namespaceOf(vs);
          const key = `${idOf(route)}|${route.file}|${idOf(vs)}|${svcNs}/${svcName}`;
          if (seen.has(key)) continue;
          const seenBy = visibility(vs, vsNs);
          let how: string | undefined;
          if (waypoint) {
            // the waypoint takes the routing objects of the Service's and of its own namespace, visible in its own
            const theirs = [svcNs, waypoint.namespace];
            if (!theirs.includes(routeNs) || !theirs.includes(vsNs) || !visibleIn(seenBy, waypoint.namespace)) continue;
            how = `at the Service's waypoint '${waypoint.namespace}/${waypoint.name}', Istio before 1.30 applies only the first of the two `
              + 'and 1.30 and later chain their rules (istio/istio#59484), and Istio\'s ambient documentation calls mixing VirtualService and HTTPRoute '
              + 'for one workload unsupported (undefined behaviour)';
          } else {
            const who: string[] = [];
            if (visibleIn(seenBy, routeNs)) {
              who.push(seenBy === 'all'
                ? `clients in namespace '${routeNs}' get the ${route.manifest.kind} (Istio prefers Gateway API routes of the client's own namespace)`
                : `clients in namespace '${routeNs}' get the VirtualService (exported to it by name, it comes first)`);
            }
            if (seenBy === 'all') who.push('clients in other namespaces get whichever of the two was created first (then by name), which re-applying from Git does not reproduce');
            else if (seenBy.some(n => n !== routeNs)) who.push(`clients in ${quote(seenBy.filter(n => n !== routeNs))} get the VirtualService`);
            if (who.length === 0) continue;
            how = `a sidecar applies one VirtualService per host and Istio turns the ${route.manifest.kind} into one (pilot/pkg/networking/core/httproute.go, `
              + `pilot/pkg/model/virtualservice.go SelectVirtualServices): ${who.join('; ')}`;
          }
          seen.add(key);
          out.push({
            object: route,
            message: `${route.manifest.kind} '${qualified(ctx, route)}' routes Service '${svcNs}/${svcName}'${port} inside the mesh, and so does VirtualService `
              + `'${qualified(ctx, vs)}': ${how} (mesh-kit MK0014)`,
            field: `spec.parentRefs[${pi}]`,
            value: p,
            fix: `route Service '${svcNs}/${svcName}' with one of them: move the rules of VirtualService '${qualified(ctx, vs)}' into the ${route.manifest.kind} and `
              + 'delete it, or remove this parentRef',
          });
        }
      }
    }
    return out;
  },
};

const waypointVirtualServices: Analyzer = {
  analyzer: 'meshkit.MeshRouteConflictAnalyzer',
  code: 'MK0015',
  name: 'ConflictingWaypointVirtualServices',
  level: FindingLevel.WARNING,
  description: 'two VirtualServices apply to one ambient Service at its waypoint: Istio before 1.30 applies the first only, 1.30 and later chains their '
    + 'rules, in an order creation time decides',
  run: ctx => {
    const out: RawFinding[] = [];
    for (const svc of ctx.of('Service', '')) {
      const svcNs = ctx.namespaceOf(svc);
      if (!ambientNamespace(ctx, svcNs)) continue;
      const waypoint = waypointRefOf(ctx, svc);
      if (!waypoint) continue;
      const applied = virtualServicesOf(ctx, `${nameOf(svc)}.${svcNs}.svc.cluster.local`, true).filter(vs => {
        const vsNs = ctx.namespaceOf(vs);
        return [svcNs, waypoint.namespace].includes(vsNs) && visibleIn(visibility(vs, vsNs), waypoint.namespace);
      });
      // reported on the later of each pair by name (the one a tie in creation time puts second)
      const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
      const sorted = [...applied].sort((x, y) => cmp(nameOf(x), nameOf(y)) || cmp(ctx.namespaceOf(x), ctx.namespaceOf(y)));
      for (const [i, first] of sorted.entries()) {
        for (const second of sorted.slice(i + 1)) {
          if (idOf(first) === idOf(second)) continue; // alternatives: one object in two files
          const hosts = strs(specOf(second).hosts);
          const k = hosts.findIndex(h => hostsMatch(toFqdn(ctx.namespaceOf(second), h), `${nameOf(svc)}.${svcNs}.svc.cluster.local`));
          out.push({
            object: second,
            message: `VirtualService '${qualified(ctx, second)}' and VirtualService '${qualified(ctx, first)}' both apply to Service '${svcNs}/${nameOf(svc)}' `
              + `at its waypoint '${waypoint.namespace}/${waypoint.name}': Istio before 1.30 applies only the first of them, 1.30 and later chain their rules `
              + 'in that order (istio/istio#59484, pilot/pkg/networking/core/listener_waypoint.go), first by exportTo, then by creation time and name, '
              + 'so a catch-all rule of the first hides the other and re-applying them from Git may change which is first (mesh-kit MK0015)',
            field: `spec.hosts[${Math.max(k, 0)}]`,
            value: hosts[Math.max(k, 0)] ?? `${nameOf(svc)}.${svcNs}.svc.cluster.local`,
            fix: `merge VirtualService '${qualified(ctx, second)}' into VirtualService '${qualified(ctx, first)}', or route the Service with an HTTPRoute `
              + '(VirtualServices on waypoints are alpha)',
          });
        }
      }
    }
    return out;
  },
};

/** mesh-kit's checks of two routing objects for one Service inside the mesh. */
export const MESH_ROUTE_CONFLICT_ANALYZERS: Analyzer[] = [virtualServiceAndRoute, waypointVirtualServices];
