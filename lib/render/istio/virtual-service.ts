import {
  VirtualServiceSpec,
  VirtualServiceSpecHttp,
  VirtualServiceSpecHttpMatch,
} from '../../imports/networking.istio.io';
import { gatewayRefOf, hostOf } from '../hosts';
import { metadataOf } from '../metadata';
import { DestinationModel, HttpRouteModel, Manifest, MatchModel, RenderContext, TcpMatchModel, VirtualServiceModel } from '../model';

function renderMatch(m: MatchModel, vs: VirtualServiceModel): VirtualServiceSpecHttpMatch {
  return {
    uri: m.uri,
    headers: m.headers,
    ignoreUriCase: m.ignoreUriCase,
    port: m.port,
    queryParams: m.queryParams,
    withoutHeaders: m.withoutHeaders,
    sourceLabels: m.sourceLabels,
    sourceNamespace: m.sourceNamespace,
    gateways: gatewaysOf(m, vs),
  };
}

/** A match's gateways as the VirtualService names them: `mesh`, `name` or `namespace/name`. */
function gatewaysOf(m: TcpMatchModel, vs: VirtualServiceModel): string[] | undefined {
  return m.gateways?.map(g => (g === 'mesh' ? 'mesh' : gatewayRefOf(g, vs.namespace)));
}

/** A TCP or TLS match: its conditions, the gateway listener's port when bound to one. */
function renderL4Match(m: TcpMatchModel, vs: VirtualServiceModel) {
  return { port: vs.gatewayPort ?? m.port, sourceLabels: m.sourceLabels, sourceNamespace: m.sourceNamespace, gateways: gatewaysOf(m, vs) };
}

function renderDestination(d: DestinationModel, vs: VirtualServiceModel, ctx: RenderContext) {
  return {
    // a delegate's short names were resolved in the root's namespace (istio/istio#30387): it names hosts in full
    host: hostOf(d.service, vs.delegate ? undefined : vs.namespace, ctx.clusterDomain, vs.delegate || ctx.qualifiedHosts),
    subset: d.subset,
    port: d.port !== undefined ? { number: d.port } : undefined,
  };
}

function renderRoute(route: HttpRouteModel, vs: VirtualServiceModel, ctx: RenderContext): VirtualServiceSpecHttp {
  return {
    name: route.name,
    match: route.match.length > 0 ? route.match.map(m => renderMatch(m, vs)) : undefined,
    route: route.redirect || route.delegate ? undefined : weighted(route.destinations, vs, ctx),
    redirect: route.redirect,
    delegate: route.delegate
      ? { name: route.delegate.name, namespace: route.delegate.namespace !== vs.namespace ? route.delegate.namespace : undefined }
      : undefined,
    timeout: route.timeout,
    retries: route.retries,
    fault: route.fault ? {
      delay: route.fault.delay ? { fixedDelay: route.fault.delay.fixedDelay, percentage: { value: route.fault.delay.percentage } } : undefined,
      abort: route.fault.abort ? { httpStatus: route.fault.abort.httpStatus, percentage: { value: route.fault.abort.percentage } } : undefined,
    } : undefined,
    mirror: route.mirror ? renderDestination(route.mirror.destination, vs, ctx) : undefined,
    mirrorPercentage: route.mirror?.percentage !== undefined ? { value: route.mirror.percentage } : undefined,
    rewrite: route.rewrite,
    corsPolicy: route.cors,
    headers: route.headers,
  };
}

/** Weighted destinations of a TCP or TLS route. */
function weighted(ds: readonly DestinationModel[], vs: VirtualServiceModel, ctx: RenderContext) {
  return ds.map(d => ({ destination: renderDestination(d, vs, ctx), weight: d.weight }));
}

/** The gateways a VirtualService binds to, `mesh` last or, when asked, first (Istio reads them as a set). */
function gatewayNamesOf(vs: VirtualServiceModel): string[] {
  const named = vs.gateways.map(g => gatewayRefOf(g, vs.namespace));
  if (!vs.mesh) return named;
  return vs.meshFirst ? ['mesh', ...named] : [...named, 'mesh'];
}

/** Istio restricts a route to a gateway listener with the `port` of each match. */
function withGatewayPort(r: HttpRouteModel, port: number | undefined): HttpRouteModel {
  if (port === undefined) return r;
  return { ...r, match: (r.match.length > 0 ? r.match : [{}]).map(m => ({ ...m, port })) };
}

/**
 * Renders a VirtualService: its hosts, the gateways it binds to (none: the mesh) and its HTTP routes,
 * in the order they were added (Istio evaluates them top to bottom).
 */
export function renderVirtualService(vs: VirtualServiceModel, ctx: RenderContext): Manifest {
  const spec: VirtualServiceSpec = {
    // a service's own routes: its host as seen from the route's namespace (fully qualified from another one;
    // a short host would be read as `<name>.<the route's namespace>` and the route would never apply)
    // a delegate has no hosts: the root's apply
    hosts: vs.delegate ? undefined : vs.meshService ? [hostOf(vs.meshService, vs.namespace, ctx.clusterDomain, ctx.qualifiedHosts)] : vs.hosts,
    gateways: vs.gateways.length > 0 ? gatewayNamesOf(vs) : undefined,
    exportTo: vs.exportTo ? [...vs.exportTo] : undefined,
    http: vs.http.length > 0 || (!vs.tcp?.length && !vs.tls?.length)
      ? vs.http.map(r => renderRoute(withGatewayPort(r, vs.gatewayPort), vs, ctx))
      : undefined,
    tls: vs.tls?.length ? vs.tls.map(r => ({
      match: r.match.map(m => ({ sniHosts: [...m.sniHosts], ...renderL4Match(m, vs) })),
      route: weighted(r.destinations, vs, ctx),
    })) : undefined,
    tcp: vs.tcp?.length ? vs.tcp.map(r => {
      const match = vs.gatewayPort !== undefined && r.match.length === 0 ? [{}] : r.match;
      return { match: match.length > 0 ? match.map(m => renderL4Match(m, vs)) : undefined, route: weighted(r.destinations, vs, ctx) };
    }) : undefined,
  };
  return {
    apiVersion: `networking.istio.io/${ctx.istioApiVersion}`,
    kind: 'VirtualService',
    metadata: metadataOf(vs.name, vs.namespace),
    spec,
  };
}
