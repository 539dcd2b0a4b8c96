import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { IIngressGateway } from './ingress-gateway';
import { IMeshNamespace } from './mesh-namespace';
import { HttpRouteOptions, backendRouteProblems, checkRoutes, onlyPortOf, routeModelAt } from './route';
import { RouteSet } from './route-set';
import { TcpRouteOptions, TlsRouteOptions, sniProblems } from './tcp-route';
import { failAt, problem } from '../core/errors';
import { constructArgs } from '../core/input';
import { checkDnsSubdomain, checkHostName } from '../core/names';
import { MeshSettings } from '../core/settings';
import { Suppressions } from '../core/suppressions';
import { failIfNoIngress, namespaceOf } from '../hosting/cdk8s/emit';
import { ServerModel, VirtualServiceModel } from '../render/model';
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

/**
 * A VirtualService bound to an {@link IngressGateway}: hosts, URI matches and the service that
 * serves them. Checked at synth so that the two never disagree: every host must be served by the
 * gateway (a host it does not serve would be a silent 404), and `gatewayPort` must be one of its listeners.
 */
export class IngressGatewayRoute extends Construct {
  private readonly routes: RouteSet;
  private readonly vsName: string;
  private readonly vsNamespace?: string;

  public constructor(scope: Construct, id: string, private readonly props: IngressGatewayRouteProps) {
    super(...constructArgs('IngressGatewayRoute', [scope, id, props]));
    failIfNoIngress(this, 'IngressGatewayRoute');
    this.vsName = props.name ?? id;
    this.vsNamespace = namespaceOf(this, props.namespace?.name);
    const nameErr = checkDnsSubdomain(props.name === undefined ? 'name (the construct id)' : 'name', this.vsName);
    if (nameErr) failAt(this, nameErr);
    if (props.hosts.length === 0) failAt(this, problem('hosts', 'must hold at least one host', '[]'));
    for (const h of props.hosts) {
      const err = checkHostName('hosts', h);
      if (err) failAt(this, err);
    }
    // a route of another namespace is admitted by name to the gateway's listeners (the Gateway API's allowedRoutes)
    if (this.vsNamespace !== undefined) (props.gateway as { _admitRoutesFrom?: (ns: string) => void })._admitRoutesFrom?.(this.vsNamespace);
    this.routes = new RouteSet(this, this.vsName, this.vsNamespace, () => this.model(), onlyPortOf);
    for (const r of props.routes ?? []) this.addRoute(r);
    for (const r of props.tcpRoutes ?? []) this.addTcpRoute(r);
    for (const r of props.tlsRoutes ?? []) this.addTlsRoute(r);
    this.routes.sync();
    this.node.addValidation({
      validate: () => [...this.validateRoute(), ...sniProblems(this.routes.tls, this.props.hosts), ...backendRouteProblems(this, this.model())],
    });
  }

  /** The rendered route (escape hatch): the VirtualService; under TrafficApi.GATEWAY_API the first route object emitted. */
  public get resource(): ApiObject {
    return this.routes.primary;
  }

  /** Adds a route after the existing ones (a RouteAction is valid by construction; its ports are checked at synth). */
  public addRoute(route: HttpRouteOptions): void {
    this.routes.addHttp(route);
  }

  /** Adds a route of the gateway's TCP listeners: connections shifted between targets by weight. */
  public addTcpRoute(route: TcpRouteOptions): void {
    this.routes.addTcp(route);
  }

  /** Adds a route of the gateway's TLS passthrough listeners, by the SNI the client sends (`TlsMatch.sni`). */
  public addTlsRoute(route: TlsRouteOptions): void {
    this.routes.addTls(route);
  }

  /** The VirtualService as model data. */
  public model(): VirtualServiceModel {
    return {
      name: this.vsName,
      namespace: this.vsNamespace,
      hosts: [...this.props.hosts],
      gateways: [{ name: this.props.gateway.name, namespace: this.props.gateway.namespace }],
      mesh: this.props.mesh || undefined,
      gatewayPort: this.props.gatewayPort,
      http: this.routes.http.map((r, i) => routeModelAt(this, r, i, onlyPortOf)),
      ...this.routes.layer4Models(),
    };
  }

  private validateRoute(): string[] {
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

/** Whether HTTP routes apply to a listener: HTTP, HTTP2, GRPC, or HTTPS that the gateway terminates. */
function carriesHttp(s: ServerModel): boolean {
  if (s.protocol === 'HTTPS') return s.tls?.mode !== 'PASSTHROUGH';
  return s.protocol === 'HTTP' || s.protocol === 'HTTP2' || s.protocol === 'GRPC';
}
