import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { IMeshNamespace } from './mesh-namespace';
import { HTTP_PROTOCOLS, Protocol, TCP_PROTOCOLS, TLS_PROTOCOLS } from './ports';
import { HttpRouteOptions, IMeshService, RouteAction, checkRoutes, followOptionProblems, routeModelAt } from './route';
import { RouteSet, routesChanged } from './route-set';
import { TcpRouteOptions, TlsRouteOptions, sniProblems } from './tcp-route';
import { backendAt } from '../backends/registry';
import { durationString } from '../core/duration';
import { Problem, failAt, problem, problemValidation } from '../core/errors';
import { constructArgs } from '../core/input';
import { checkDnsSubdomain, checkExportTo } from '../core/names';
import { Suppressions } from '../core/suppressions';
import { namespaceOf, renderContextOf } from '../hosting/cdk8s/emit';
import { hostOf } from '../render/hosts';
import { HttpRouteModel, VirtualServiceModel } from '../render/model';

/** Props of a {@link ServiceRouting}. */
export interface ServiceRoutingProps {
  /** The service whose in-mesh traffic this routes (the VirtualService's host). */
  readonly service: IMeshService;

  /**
   * The VirtualService name.
   * @default - the service name
   */
  readonly name?: string;

  /**
   * The namespace of the VirtualService.
   * @default - the service's namespace, else the chart's
   */
  readonly namespace?: IMeshNamespace;

  /**
   * Routes, in evaluation order. More with `addRoute()`.
   * @default - none; at least one is required by synth
   */
  readonly routes?: HttpRouteOptions[];

  /**
   * Under the Gateway API, attach the HTTPRoute to the Service as a whole (a `parentRef` without a port), as Istio's
   * ambient samples write it, rather than to its one port.
   * @default false - a service with one port is attached by that port (a VirtualService is unaffected)
   */
  readonly everyPort?: boolean;

  /**
   * Under the Gateway API and Linkerd, attach the routes to this port of the Service only (a `parentRef` with the
   * port), so that its other ports keep out of them: a gRPC service's metrics port, which Prometheus scrapes over
   * HTTP/1, is not matched against gRPC methods. A GRPCRoute when the port is gRPC.
   * @default - the service's one port; every port of a service with several
   */
  readonly port?: number;

  /**
   * Routes of opaque TCP traffic (a service's TCP ports), in evaluation order. More with `addTcpRoute()`.
   * @default - none
   */
  readonly tcpRoutes?: TcpRouteOptions[];

  /**
   * Under the Gateway API, route a gRPC service with a GRPCRoute (method matches; no timeouts, retries, rewrites or
   * path matches), rather than an HTTPRoute (which Istio also applies to gRPC, matching methods as paths).
   * @default - true when every port of the service is gRPC
   */
  readonly grpcRoute?: boolean;

  /**
   * Routes of TLS traffic by SNI (a service's TLS and HTTPS ports, which the sidecar passes through), in evaluation
   * order. More with `addTlsRoute()`.
   * @default - none
   */
  readonly tlsRoutes?: TlsRouteOptions[];

  /**
   * Linkerd: time allowed for each response once the request is sent to a backend, on every route of this routing
   * (`timeout.linkerd.io/response` on the HTTPRoute or GRPCRoute: Linkerd reads its timeouts per route object). With it,
   * a request timeout the same on every route is written as `timeout.linkerd.io/request` beside it, as Linkerd's timeouts
   * reference does. Istio and the Gateway API have no response timeout (a route's `timeout` is the whole request's):
   * refused there.
   * @default - none
   * @see https://linkerd.io/2-edge/reference/timeouts/
   */
  readonly responseTimeout?: Duration;

  /**
   * Linkerd: time a stream of any route of this routing may stay idle (`timeout.linkerd.io/idle`). Refused under other
   * back-ends.
   * @default - none
   */
  readonly idleTimeout?: Duration;

  /**
   * The namespaces whose callers the VirtualService applies to: `['.']` for its own only, namespace names, `['*']` for all.
   * @default - not written: Istio's default, every namespace — a service's routing must reach its callers wherever they run
   */
  readonly exportTo?: string[];
}

/** The ServiceRoutings of each service, in the order declared, with their charts (a gateway route carries one of them). */
const routingsOf = new WeakMap<IMeshService, Array<{ readonly routing: ServiceRouting; readonly chart: Chart }>>();
/** The chart of each service declared here (a construct's chart never changes). */
const chartsOf = new WeakMap<IMeshService, Chart | null>();

/**
 * The routing of `service` whose HTTP routes a gateway route in chart `from` carries (`ForwardOptions.followServiceRoutes`):
 * one in the gateway route's own chart (written to the same file), else one in the service's chart (`addRoute()`, the
 * routing always applied with the service). Routings in other charts are alternatives applied file by file (scenarios,
 * canary stages): none of them is carried. Undefined when there is none.
 * @internal
 */
export function carriedRoutingOf(service: IMeshService, from: Chart): ServiceRouting | undefined {
  const all = routingsOf.get(service);
  if (!all) return undefined;
  let own = chartsOf.get(service);
  if (own === undefined) chartsOf.set(service, own = service instanceof Construct ? Chart.of(service) : null);
  return (all.find(r => r.chart === from) ?? all.find(r => r.chart === own))?.routing;
}

/**
 * How requests addressed to a service inside the mesh are routed across its versions: pin to a
 * version, route by header, split by weight. Emits a VirtualService whose host is the service, or,
 * under TrafficApi.GATEWAY_API, routes attached to the service (GAMMA): an HTTPRoute (a GRPCRoute when every
 * port of the service is gRPC), a TCPRoute for its TCP route, a TLSRoute for its TLS route.
 * The service may be a {@link ServiceEntry}: routes to an external host (Istio's API).
 *
 * Put alternative scenarios (all-v1, 90/10, jason→v2…) in charts of their own: each chart is one
 * file a pipeline can apply.
 */
export class ServiceRouting extends Construct {
  private readonly routes: RouteSet;
  /** Under the Gateway API, a GRPCRoute rather than an HTTPRoute. */
  private readonly grpc: boolean;
  private readonly vsName: string;
  private readonly vsNamespace?: string;
  private readonly linkerdTimeouts?: VirtualServiceModel['linkerdTimeouts'];
  private selectedToService = false;

  public constructor(scope: Construct, id: string, private readonly props: ServiceRoutingProps) {
    super(...constructArgs('ServiceRouting', [scope, id, props]));
    this.vsName = props.name ?? props.service.name;
    // under ambient mode only a waypoint applies routes (a MeshService declared here gets one, or says it needs one)
    (props.service as { _requireWaypoint?: (feature: string, by: Construct) => void })._requireWaypoint?.('routes', this);
    routingsOf.set(props.service, [...(routingsOf.get(props.service) ?? []), { routing: this, chart: Chart.of(this) }]);
    routesChanged();
    (props.service as { _routedBy?: (by: Construct) => void })._routedBy?.(this);
    this.vsNamespace = props.namespace?.name ?? props.service.namespace ?? namespaceOf(this, undefined);
    const err = checkDnsSubdomain('name', this.vsName);
    if (err) failAt(this, err);
    if (props.service.namespace === undefined && this.vsNamespace !== undefined && props.namespace !== undefined) {
      failAt(this, problem('namespace', 'must be the namespace of the service when the service\'s namespace is not known', this.vsNamespace,
        `give service '${props.service.name}' a namespace (its chart's 'namespace', or a MeshNamespace) so that the route can name it `
        + `fully qualified from '${this.vsNamespace}', or leave out 'namespace'`));
    }
    const exportErr = props.exportTo ? checkExportTo('exportTo', props.exportTo) : undefined;
    if (exportErr) failAt(this, exportErr);
    const linkerdTimeouts = (['responseTimeout', 'idleTimeout'] as const).filter(k => props[k] !== undefined);
    const backendName = backendAt(this).name;
    if (linkerdTimeouts.length > 0 && backendName !== 'linkerd') {
      failAt(this, problem(linkerdTimeouts[0], `cannot be expressed with the ${backendName} back-end: it is Linkerd's (timeout.linkerd.io/${linkerdTimeouts[0] === 'responseTimeout' ? 'response' : 'idle'} on its routes); `
        + 'a route\'s timeout is the whole request\'s', durationString(linkerdTimeouts[0], props[linkerdTimeouts[0]]!), 'set each route\'s timeout, or render this chart for MeshProvider.LINKERD'));
    }
    this.linkerdTimeouts = linkerdTimeouts.length > 0 ? {
      response: props.responseTimeout ? durationString('responseTimeout', props.responseTimeout) : undefined,
      idle: props.idleTimeout ? durationString('idleTimeout', props.idleTimeout) : undefined,
    } : undefined;
    const ports = props.service.ports;
    if (props.port !== undefined && props.everyPort) {
      failAt(this, problem('port', 'cannot be combined with everyPort: the routes attach to one port or to every port', props.port, 'leave out one of them'));
    }
    const attached = props.port !== undefined ? ports.filter(p => p.port === props.port) : ports;
    this.grpc = props.grpcRoute ?? (attached.length > 0 && attached.every(p => p.protocol === Protocol.GRPC));
    this.routes = new RouteSet(this, this.vsName, this.vsNamespace, () => this.model(), undefined, this.grpc);
    for (const r of props.routes ?? []) this.addRoute(r);
    for (const r of props.tcpRoutes ?? []) this.addTcpRoute(r);
    for (const r of props.tlsRoutes ?? []) this.addTlsRoute(r);
    this.routes.sync();
    const ctx = renderContextOf(this);
    this.node.addValidation(problemValidation(this, () => [
      ...checkRoutes(this.routes.http, code => Suppressions.find(this, code) !== undefined, this.routes.httpOnly),
      ...followOptionProblems(this.routes.http),
      ...this.protocolProblems(),
      ...sniProblems(this.routes.tls, [hostOf(this.props.service, this.vsNamespace, ctx.clusterDomain, ctx.qualifiedHosts)]),
      ...this.backendProblems(),
      ...this.attachedPortProblems(),
    ]));
  }

  /** The port the routes attach to must be one of the service's (its ports may be added after the routing). */
  private attachedPortProblems(): Problem[] {
    const port = this.props.port;
    const ports = this.props.service.ports.map(p => p.port);
    if (port === undefined || ports.includes(port)) return [];
    return [problem('port', `must be a port of service '${this.props.service.name}'`, port, `its ports are ${ports.join(', ') || 'none'}`)];
  }

  /**
   * The rendered route (escape hatch): the VirtualService; under TrafficApi.GATEWAY_API the first route object
   * emitted (the HTTPRoute or GRPCRoute, else the TCPRoute or TLSRoute).
   */
  public get resource(): ApiObject {
    return this.routes.primary;
  }

  /** Adds a route after the existing ones (a RouteAction is valid by construction; its ports are checked at synth). */
  public addRoute(route: HttpRouteOptions): void {
    this.routes.addHttp(route);
  }

  /**
   * Adds a route of opaque TCP traffic after the existing ones: connections to the service's TCP ports, shifted between
   * versions by weight (`RouteAction.weightedForward`), optionally by port and caller (`TcpMatch.of`).
   */
  public addTcpRoute(route: TcpRouteOptions): void {
    this.routes.addTcp(route);
  }

  /**
   * Adds a route of TLS traffic by SNI after the existing ones: connections to the service's TLS and HTTPS ports
   * (which the sidecar passes through), by the server name the client asks for (`TlsMatch.sni`), shifted by weight.
   */
  public addTlsRoute(route: TlsRouteOptions): void {
    this.routes.addTls(route);
  }

  /** What the back-end in force cannot express of the routing: its `exportTo`, its routes. */
  private backendProblems(): Problem[] {
    const backend = backendAt(this);
    const exportTo = this.props.exportTo ? backend.exportToProblem(this.props.exportTo) : undefined;
    return [...(exportTo !== undefined ? [exportTo] : []), ...backend.routeProblems(this, this.model())];
  }

  /**
   * Each route against the protocol of the ports it carries: Istio applies `http` routes to HTTP ports and `tcp` routes
   * to TCP ports only, and ignores the rest, silently.
   */
  private protocolProblems(): Problem[] {
    const ports = this.props.service.ports;
    const show = (ps: typeof ports) => ps.map(p => `${p.port}/${p.protocol ?? Protocol.HTTP}`).join(', ');
    const out: Problem[] = [];
    const check = (kinds: readonly Protocol[], what: string, field: string, fix: string, portsOf: Array<number | undefined>) => {
      const fit = ports.filter(p => kinds.includes(p.protocol ?? Protocol.HTTP));
      for (const port of portsOf) {
        const named = port === undefined ? undefined : ports.find(p => p.port === port);
        if (named ? !kinds.includes(named.protocol ?? Protocol.HTTP) : fit.length === 0) {
          out.push(problem(field, `is ${what}, but ${named ? `port ${named.port} of service '${this.props.service.name}' is ${named.protocol ?? Protocol.HTTP}` : `service '${this.props.service.name}' has no port of that protocol (${show(ports)})`}: `
            + 'Istio would ignore the route', named ? named.port : show(ports), fix));
        }
      }
    };
    // the ports of the routed service a route carries: those its matches name, else those its destinations on the service
    // name (a destination on another service is that service's port; a port rewrite sends elsewhere what it matched),
    // else any port of the route's protocol
    const own = (ds: RouteAction['destinations']) => ds.filter(d => d.target.service === this.props.service).map(d => d.port);
    const carried = (matched: Array<number | undefined>, sent: Array<number | undefined>) => {
      const named = (ps: Array<number | undefined>) => ps.filter((p): p is number => p !== undefined);
      const ps = matched.length > 0 && matched.every(p => p !== undefined) ? named(matched) : named(sent);
      return ps.length > 0 ? ps : [undefined];
    };
    this.routes.http.forEach((r, i) => check(HTTP_PROTOCOLS, 'an HTTP route', `routes[${i}]`, 'use addTcpRoute() for TCP ports, addTlsRoute() for TLS and HTTPS ports',
      carried((r.match ?? []).map(m => m._model.port), own(r.action.destinations))));
    this.routes.tcp.forEach((r, i) => check(TCP_PROTOCOLS, 'a TCP route', `tcpRoutes[${i}]`, 'use addRoute() for HTTP ports, addTlsRoute() for TLS ports',
      carried((r.match ?? []).map(m => m._model.port), own(r.action.destinations))));
    this.routes.tls.forEach((r, i) => check(TLS_PROTOCOLS, 'a TLS route (by SNI)', `tlsRoutes[${i}]`, 'SNI is only seen on TLS and HTTPS ports: use addRoute() for HTTP ports, addTcpRoute() for TCP ports',
      carried(r.match.map(m => m._model.port), own(r.action.destinations))));
    // gRPC runs over HTTP/2: a gRPC method match on a service without a gRPC or HTTP/2 port never sees a call
    const h2 = ports.some(p => p.protocol === Protocol.GRPC || p.protocol === Protocol.HTTP2);
    this.routes.http.forEach((r, i) => (r.match ?? []).filter(m => m._model.grpc && !h2).forEach(m => out.push(problem(`routes[${i}].match`,
      `is a gRPC method match, but service '${this.props.service.name}' has no gRPC or HTTP/2 port (${show(ports)})`, m._model.uri?.exact ?? m._model.uri?.prefix,
      'declare the port with Protocol.GRPC'))));
    return [...new Set(out)];
  }

  /** The HTTP routes as model data (what a gateway route to the service carries). @internal */
  public _httpModels(): HttpRouteModel[] {
    return this.routes.http.map((r, i) => routeModelAt(this, r, i));
  }

  /**
   * Sends the one version the routed service's own Service selects (its canary's stable, under Linkerd) to that Service:
   * a CanaryRelease's stages, as Linkerd's traffic-shifting task writes them.
   * @internal
   */
  public _sendSelectedVersionToService(): void {
    this.selectedToService = true;
  }

  /** Marks the destinations that are the one version the routed service's own Service selects, when asked. */
  private markSelected(r: HttpRouteModel): HttpRouteModel {
    if (!this.selectedToService) return r;
    const service = this.props.service as { _selectedVersion?: string; model?: () => { versions: ReadonlyArray<{ name: string; label: string }> } };
    const label = service._selectedVersion;
    if (label === undefined || !service.model) return r;
    const subset = service.model().versions.find(v => v.label === label)?.name;
    const selected = (d: HttpRouteModel['destinations'][number]) => d.service.name === this.props.service.name && d.service.namespace === this.props.service.namespace && d.subset === subset;
    return r.destinations.some(selected) ? { ...r, destinations: r.destinations.map(d => (selected(d) ? { ...d, selectedByService: true } : d)) } : r;
  }

  /** The VirtualService as model data. @internal */
  public model(): VirtualServiceModel {
    return {
      name: this.vsName,
      namespace: this.vsNamespace,
      hosts: [this.props.service.name],
      gateways: [],
      meshService: {
        name: this.props.service.name,
        namespace: this.props.service.namespace,
        ...(this.props.service.external ? { external: true, entryName: (this.props.service as { entryName?: string }).entryName } : {}),
        // a ServiceEntry parent names a port only when asked: without one, Istio holds the route on every port of the
        // entry (istio/istio pilot/pkg/config/kube/gateway/route_collections.go: augmentPortMatch only for a parentRef
        // port), the same as the one port of a single-port entry, and as Istio's egress tasks write their parentRefs
        port: this.props.port ?? (this.props.service.ports.length === 1 && !this.props.everyPort && !this.props.service.external
          ? this.props.service.ports[0].port : undefined),
      },
      http: this.routes.http.map((r, i) => this.markSelected(routeModelAt(this, r, i))),
      exportTo: this.props.exportTo,
      ...this.routes.layer4Models(),
      grpc: this.grpc || undefined,
      linkerdTimeouts: this.linkerdTimeouts,
    };
  }
}
