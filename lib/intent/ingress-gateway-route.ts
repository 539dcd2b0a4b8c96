import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { IIngressGateway } from './ingress-gateway';
import { IMeshNamespace, MeshNamespace } from './mesh-namespace';
import { HttpRouteOptions, IRouteTarget, backendRouteProblems, checkRoutes, onlyPortOf, routeModelAt } from './route';
import { RouteSet, routesGeneration } from './route-set';
import { carriedRoutingOf } from './service-routing';
import { TcpRouteOptions, TlsRouteOptions, sniProblems } from './tcp-route';
import { backendAt, failIfNoIngress } from '../backends/registry';
import { Problem, failAt, problem, problemValidation } from '../core/errors';
import { constructArgs } from '../core/input';
import { checkDnsSubdomain, checkHostName } from '../core/names';
import { addObjectNotes } from '../core/object-notes';
import { MeshSettings } from '../core/settings';
import { Suppressions } from '../core/suppressions';
import { ambientAt, namespaceOf } from '../hosting/cdk8s/emit';
import { ServerModel, VirtualServiceModel } from '../render/model';
import { CarriedRoute, CarriedRoutes, ServiceRoutes, carryServiceRoutes } from '../render/service-routes';
import { checkHostsServed } from '../validation/rules';

/** Props of an {@link IngressGatewayRoute}. */
export interface IngressGatewayRouteProps {
  /** The gateway the route binds to. */
  readonly gateway: IIngressGateway;

  /** The hosts the route answers for; each must be served by the gateway. */
  readonly hosts: string[];

  /**
   * The VirtualService name.
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * The namespace of the VirtualService.
   * @default - the chart's namespace
   */
  readonly namespace?: IMeshNamespace;

  /**
   * Bind only to the gateway's listener on this port (written as the `port` of every match).
   * @default - every listener of the gateway
   */
  readonly gatewayPort?: number;

  /**
   * Routes, in evaluation order. More with `addRoute()`.
   * @default - none; at least one route of some kind is required by synth
   */
  readonly routes?: HttpRouteOptions[];

  /**
   * Bind the routes to the mesh as well (Istio's `mesh` gateway): in-mesh callers of the hosts get the same routes;
   * `MatchGateway.mesh()` / `MatchGateway.of(gateway)` on a match route the two differently.
   * @default false
   */
  readonly mesh?: boolean;

  /**
   * With `mesh`: write `mesh` first among the VirtualService's gateways (`[mesh, <gateway>]`), as Istio's egress gateway
   * task does for TLS. Istio reads `gateways` as a set: the order changes the text only, not what is routed.
   * @default false - the gateway, then `mesh`
   */
  readonly meshFirst?: boolean;

  /**
   * Routes of the gateway's TCP listeners (Istio's TCP traffic shifting through a gateway). More with `addTcpRoute()`.
   * @default - none
   */
  readonly tcpRoutes?: TcpRouteOptions[];

  /**
   * Routes of the gateway's TLS passthrough listeners, by SNI. More with `addTlsRoute()`.
   * @default - none
   */
  readonly tlsRoutes?: TlsRouteOptions[];
}

/** Marks the props of a route copied into a canary's stage file (not a prop users set). */
const MIRROR = Symbol.for('@mesh-kit/core.IngressGatewayRoute.mirror');

/**
 * A VirtualService bound to an {@link IngressGateway}: hosts, URI matches and the service that
 * serves them. Checked at synth so that the two never disagree: every host must be served by the
 * gateway (a host it does not serve would be a silent 404), and `gatewayPort` must be one of its listeners.
 *
 * **A route that forwards to a whole `MeshService` follows the service's own routes** (its versions and weights, header
 * routes, faults, timeouts, retries), as calls from inside the mesh do: a gateway applies only its own VirtualService, so
 * a route to the service's host without a subset would reach every pod of the service whatever its routes say (Istio's
 * IST0140). Istio's API and the Gateway API: the gateway's route is replaced by the service's routes, each combined
 * with it as Istio merges a root route with its delegate's (istio/istio `pilot/pkg/model/virtualservice.go`,
 * `mergeHTTPMatchRequest`): both routes' matches must hold (where both constrain one field, the narrower is kept when one
 * contains the other; a combination that cannot hold is dropped; one that could but cannot be written as one match is
 * dropped with the warning MK0020); destinations are the service route's versions and weights, toward the port the
 * gateway route sends to; the gateway route's own timeout, retries, fault, mirror, CORS and header operations win over
 * the service route's, which apply where the gateway route sets none; path rewrites apply in turn, the gateway's then the
 * service's. A request that matches none of the service's routes goes on to the gateway's next route, as with Istio's
 * delegation. Under ambient mode the gateway sends through the service's waypoint instead (`istio.io/ingress-use-waypoint`
 * on the Service, istio/istio `pilot/pkg/serviceregistry/ambient/services.go`), which applies the service's routes
 * itself, whichever file they come from. `RouteAction.forward(service, { followServiceRoutes: false })` keeps the
 * gateway's route as written.
 */
export class IngressGatewayRoute extends Construct {
  private readonly routes: RouteSet;
  /** Copies of this route in canaries' stage files (see `_mirrorInto`). */
  private readonly mirrors: IngressGatewayRoute[] = [];
  private readonly vsName: string;
  private readonly vsNamespace?: string;
  /** The route's chart and back-end, read once (settings cannot change once constructs are in a scope). */
  private readonly chart: Chart;
  /** The back-end splits matches that rewrite (the Gateway API). */
  private readonly oneMatchPerRewrite: boolean;
  private readonly ambient: boolean;
  /** The routes carried, computed once per synth (validation, rendering and the analysis read them). */
  private synthMemo?: { readonly generation: number; readonly carried: CarriedRoutes };

  public constructor(scope: Construct, id: string, private readonly props: IngressGatewayRouteProps) {
    super(...constructArgs('IngressGatewayRoute', [scope, id, props]));
    failIfNoIngress(this, 'IngressGatewayRoute');
    this.chart = Chart.of(this);
    this.oneMatchPerRewrite = backendAt(this).oneMatchPerRewrite;
    this.ambient = ambientAt(this);
    this.vsName = props.name ?? id;
    this.vsNamespace = namespaceOf(this, props.namespace?.name);
    const nameErr = checkDnsSubdomain(props.name === undefined ? 'name (the construct id)' : 'name', this.vsName);
    if (nameErr) failAt(this, nameErr);
    if (props.meshFirst && !props.mesh) {
      failAt(this, problem('meshFirst', 'needs mesh: true: it orders the mesh among the gateways the route binds to', props.meshFirst, 'set mesh: true, or leave out meshFirst'));
    }
    if (props.hosts.length === 0) failAt(this, problem('hosts', 'must hold at least one host', '[]'));
    for (const h of props.hosts) {
      const err = checkHostName('hosts', h);
      if (err) failAt(this, err);
    }
    // the route's namespace is admitted to the gateway's listeners (the Gateway API's allowedRoutes)
    (props.gateway as { _admitRoutesFrom?: (ns: string | undefined, path: string) => void })._admitRoutesFrom?.(this.vsNamespace, this.node.path);
    this.routes = new RouteSet(this, this.vsName, this.vsNamespace, () => this.modelOf(this.synthCarried()), onlyPortOf);
    for (const r of props.routes ?? []) this.addRoute(r);
    for (const r of props.tcpRoutes ?? []) this.addTcpRoute(r);
    for (const r of props.tlsRoutes ?? []) this.addTlsRoute(r);
    this.routes.sync();
    addObjectNotes(this.routes.primary, 'MK0020', () => {
      const carried = this.synthCarried();
      return carried.notes.map(n => {
        // a VirtualService's http are the carried routes in order; an HTTPRoute orders its rules by precedence
        const k = carried.routes.findIndex(c => c.from === n.route);
        const at = this.routes.primary.kind === 'VirtualService' && k >= 0 ? `spec.http[${k}].${n.about === 'destinations' ? 'route' : 'match'}` : undefined;
        // a match noted is the gateway route's as declared: the combination the note names is not in the object
        return { text: n.text, fix: n.fix, ...(at ? { field: at } : { field: 'spec.rules' }), ...(n.match ? { value: n.match } : at ? {} : { value: `routes[${n.route}]` }) };
      });
    });
    this.node.addValidation(problemValidation(this, () => {
      const carried = this.synthCarried();
      return [...this.validateRoute(), ...sniProblems(this.routes.tls, this.props.hosts),
        ...backendRouteProblems(this, this.modelOf(carried)).map(p => carriedLabel(p, carried.routes))];
    }));
  }

  /** The rendered route (escape hatch): the VirtualService; under TrafficApi.GATEWAY_API the first route object emitted. */
  public get resource(): ApiObject {
    return this.routes.primary;
  }

  /**
   * A copy of this route in `chart` (a canary's stage file): the same object (kind, name, namespace) and routes, added
   * here as they are added to this one, whose routes to a whole service carry the service's routes in that chart — so
   * applying the file moves gateway traffic with the stage, as mesh traffic moves. @internal
   */
  public _mirrorInto(chart: Chart, id: string): void {
    const mirror = new IngressGatewayRoute(chart, id, {
      ...this.props,
      name: this.vsName,
      // the same namespace as the route it copies, whatever the stage chart's (applying the stage replaces the route)
      namespace: this.props.namespace ?? (this.vsNamespace !== undefined ? MeshNamespace.fromName(this.vsNamespace) : undefined),
      routes: [...this.routes.http],
      tcpRoutes: [...this.routes.tcp],
      tlsRoutes: [...this.routes.tls],
      [MIRROR]: true,
    } as IngressGatewayRouteProps);
    this.mirrors.push(mirror);
  }

  /** Adds a route after the existing ones (a RouteAction is valid by construction; its ports are checked at synth). */
  public addRoute(route: HttpRouteOptions): void {
    this.routes.addHttp(route);
    for (const m of this.mirrors) m.addRoute(route);
    // a copy in a canary's file says nothing to the services: the route it copies did
    if ((this.props as { [MIRROR]?: boolean })[MIRROR]) return;
    // under ambient mode a service's routes apply to ingress traffic through its waypoint: the service is told
    if (route.action._followServiceRoutes !== false) {
      for (const d of route.action.destinations.filter(x => x.target.subset === undefined)) {
        (d.target.service as { _forwardedByGateway?: (by: Construct) => void })._forwardedByGateway?.(this);
      }
    }
  }

  /** Adds a route of the gateway's TCP listeners: connections shifted between targets by weight. */
  public addTcpRoute(route: TcpRouteOptions): void {
    this.routes.addTcp(route);
    for (const m of this.mirrors) m.addTcpRoute(route);
  }

  /** Adds a route of the gateway's TLS passthrough listeners, by the SNI the client sends (`TlsMatch.sni`). */
  public addTlsRoute(route: TlsRouteOptions): void {
    this.routes.addTls(route);
    for (const m of this.mirrors) m.addTlsRoute(route);
  }

  /** The VirtualService as model data (routes to a whole service carry the service's routes). @internal */
  public model(): VirtualServiceModel {
    return this.modelOf(this.carried());
  }

  private modelOf(carried: CarriedRoutes): VirtualServiceModel {
    return {
      name: this.vsName,
      namespace: this.vsNamespace,
      hosts: [...this.props.hosts],
      gateways: [{ name: this.props.gateway.name, namespace: this.props.gateway.namespace }],
      mesh: this.props.mesh || undefined,
      meshFirst: (this.props.mesh && this.props.meshFirst) || undefined,
      gatewayPort: this.props.gatewayPort,
      http: carried.routes.map(c => c.route),
      ...this.routes.layer4Models(),
    };
  }

  /**
   * {@link carried}, once per synth: kept while no route is added anywhere, until the current task ends (as rendered
   * objects are).
   */
  private synthCarried(): CarriedRoutes {
    const generation = routesGeneration();
    if (this.synthMemo?.generation !== generation) {
      this.synthMemo = { generation, carried: this.carried() };
      queueMicrotask(() => { this.synthMemo = undefined; });
    }
    return this.synthMemo.carried;
  }

  /** The HTTP routes as declared, each to a whole service replaced by the service's routes combined with it. */
  private carried(): CarriedRoutes {
    const declared = this.routes.http.map((r, i) => routeModelAt(this, r, i, onlyPortOf));
    return carryServiceRoutes(declared, (i, k) => this.serviceRoutesOf(this.routes.http[i], k), { oneMatchPerRewrite: this.oneMatchPerRewrite });
  }

  /**
   * The routes destination `k` of `route` carries: those of the service it forwards to as a whole, unless the route says
   * not to, or under ambient mode (the service's waypoint applies them).
   */
  private serviceRoutesOf(route: HttpRouteOptions, k: number): ServiceRoutes | undefined {
    if (route.action._followServiceRoutes === false) return undefined;
    const target: IRouteTarget | undefined = route.action.destinations[k]?.target;
    if (!target || target.subset !== undefined) return undefined;
    const service = target.service;
    const routing = carriedRoutingOf(service, this.chart);
    if (!routing || (service instanceof Construct ? ambientOf(service) : this.ambient)) return undefined;
    return { service: service.name, routes: routing._httpModels() };
  }

  private validateRoute(): Problem[] {
    const gw = this.props.gateway;
    const errors = checkRoutes(this.routes.http, code => Suppressions.find(this, code) !== undefined, this.routes.httpOnly);
    const api = MeshSettings.of(this).trafficApi;
    if (gw.trafficApi !== undefined && gw.trafficApi !== api) {
      errors.push(problem('gateway', `must be rendered with the route's traffic API (${api}), or the route binds to a gateway that does not exist`,
        `${gw.name} (${gw.trafficApi})`, 'set the same trafficApi on both charts'));
    }
    let servers = gw.servers;
    const gatewayPort = this.props.gatewayPort;
    if (gatewayPort !== undefined) {
      servers = servers.filter(s => s.port === gatewayPort);
      if (servers.length === 0) {
        errors.push(problem('gatewayPort', `must be a port of gateway '${gw.name}'`, gatewayPort,
          `its listeners are on ${gw.servers.map(s => s.port).join(', ') || 'no port'}`));
        return errors;
      }
    }
    // each kind of route applies to its kind of listener only: Istio ignores HTTP routes on TCP, TLS and TLS-passthrough
    // listeners, TCP routes on the others, TLS routes on listeners that terminate TLS
    const shown = servers.map(s => `${s.port} ${s.protocol}${s.tls?.mode === 'PASSTHROUGH' ? ' (PASSTHROUGH)' : ''}`);
    const kinds = [
      {
        routes: this.routes.http.length,
        carries: carriesHttp,
        what: 'an HTTP, HTTPS, HTTP2 or GRPC listener',
        of: 'HTTP routes',
        fix: 'Istio ignores HTTP routes on TCP, TLS and TLS-passthrough listeners (the route would never apply): bind to an HTTP listener, or terminate TLS at the gateway',
      },
      {
        routes: this.routes.tcp.length,
        carries: (s: ServerModel) => s.protocol === 'TCP',
        what: 'a TCP listener',
        of: 'TCP routes',
        fix: 'Istio applies TCP routes to TCP listeners only: add a TCP listener (GatewayProtocol.TCP) and bind to it with gatewayPort',
      },
      {
        routes: this.routes.tls.length,
        carries: (s: ServerModel) => s.tls?.mode === 'PASSTHROUGH',
        what: 'a TLS passthrough listener',
        of: 'TLS routes',
        fix: 'SNI routes apply where the gateway passes TLS through: a listener with GatewayTls.passthrough()',
      },
    ];
    let usable: ServerModel[] = [];
    for (const k of kinds.filter(x => x.routes > 0)) {
      const fit = servers.filter(k.carries);
      if (fit.length === 0) {
        errors.push(problem(gatewayPort !== undefined ? 'gatewayPort' : 'gateway', `must be ${k.what} of gateway '${gw.name}' for ${k.of}`,
          shown.length === 1 ? shown[0] : shown, k.fix));
      }
      usable = [...usable, ...fit];
    }
    if (errors.length > 0) return errors;
    errors.push(...checkHostsServed('hosts', this.props.hosts, usable, gw.name, { route: this.vsNamespace, gateway: gw.namespace ?? this.vsNamespace }));
    return errors;
  }
}

/** Whether a service's pods run on the ambient data plane, read once per service. */
const ambientServices = new WeakMap<Construct, boolean>();
function ambientOf(service: Construct): boolean {
  let ambient = ambientServices.get(service);
  if (ambient === undefined) ambientServices.set(service, ambient = ambientAt(service));
  return ambient;
}

/**
 * A problem found in the combined routes, named after the route the user declared (`routes[0]`, not the combined route's
 * index) and, for a route the gateway carries, the service route it comes from.
 */
function carriedLabel(p: Problem, routes: readonly CarriedRoute[]): Problem {
  // the problem's field names the carried route by its index among the gateway route's routes: named by the service's index
  const end = p.field.indexOf(']');
  const from = p.field.startsWith('routes[') && end > 7 ? routes[Number(p.field.slice(7, end))] : undefined;
  if (!from) return p;
  const carries = from.carries;
  const fix = carries ? `${p.fix ? `${p.fix}; ` : ''}it comes from routes[${carries.route}] of service '${carries.service}', which the gateway route carries `
    + '(followServiceRoutes: false sends to the service without its routes)' : p.fix;
  return new Problem(`routes[${from.from}]${p.field.slice(end + 1)}`, p.rule, p.value, fix, p.code);
}

/** Whether HTTP routes apply to a listener: HTTP, HTTP2, GRPC, or HTTPS that the gateway terminates. */
function carriesHttp(s: ServerModel): boolean {
  if (s.protocol === 'HTTPS') return s.tls?.mode !== 'PASSTHROUGH';
  return s.protocol === 'HTTP' || s.protocol === 'HTTP2' || s.protocol === 'GRPC';
}
