import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { IIngressGateway } from './ingress-gateway';
import { IMeshNamespace } from './mesh-namespace';
import { HttpRouteOptions, IRouteTarget, backendRouteProblems, checkRoutes, emitRouting, routeModelAt } from './route';
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
   * @default - none; at least one is required by synth
   */
  readonly routes?: HttpRouteOptions[];
}

/**
 * A VirtualService bound to an {@link IngressGateway}: hosts, URI matches and the service that
 * serves them. Checked at synth so that the two never disagree: every host must be served by the
 * gateway (a host it does not serve would be a silent 404), and `gatewayPort` must be one of its listeners.
 */
export class IngressGatewayRoute extends Construct {
  /** The rendered route (escape hatch): a VirtualService, or an HTTPRoute under TrafficApi.GATEWAY_API. */
  public readonly resource: ApiObject;
  private readonly routes: HttpRouteOptions[] = [];
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
    for (const r of props.routes ?? []) this.addRoute(r);
    this.resource = emitRouting(this, this.vsName, this.vsNamespace, () => this.model());
    this.node.addValidation({ validate: () => [...this.validateRoute(), ...backendRouteProblems(this, this.model())] });
  }

  /** Adds a route after the existing ones (a RouteAction is valid by construction; its ports are checked at synth). */
  public addRoute(route: HttpRouteOptions): void {
    // local facts of the route (a redirect with a timeout, a sub-millisecond duration…) fail here, naming the route
    routeModelAt(this, route, this.routes.length, onlyPort);
    this.routes.push(route);
  }

  /** The VirtualService as model data. */
  public model(): VirtualServiceModel {
    return {
      name: this.vsName,
      namespace: this.vsNamespace,
      hosts: [...this.props.hosts],
      gateways: [{ name: this.props.gateway.name, namespace: this.props.gateway.namespace }],
      gatewayPort: this.props.gatewayPort,
      http: this.routes.map((r, i) => routeModelAt(this, r, i, onlyPort)),
    };
  }

  private validateRoute(): string[] {
    const gw = this.props.gateway;
    const errors = checkRoutes(this.routes, code => Suppressions.find(this, code) !== undefined);
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
    // HTTP routes apply to HTTP listeners only: on a TCP, TLS or TLS-passthrough listener Istio ignores them
    const http = servers.filter(carriesHttp);
    if (http.length === 0) {
      const shown = servers.map(s => `${s.port} ${s.protocol}${s.tls?.mode === 'PASSTHROUGH' ? ' (PASSTHROUGH)' : ''}`);
      errors.push(problem(gatewayPort !== undefined ? 'gatewayPort' : 'gateway',
        `must be an HTTP, HTTPS, HTTP2 or GRPC listener of gateway '${gw.name}' for HTTP routes`, shown.length === 1 ? shown[0] : shown,
        'Istio ignores HTTP routes on TCP, TLS and TLS-passthrough listeners (the route would never apply): bind to an HTTP listener, or terminate TLS at the gateway'));
      return errors;
    }
    errors.push(...checkHostsServed('hosts', this.props.hosts, servers, gw.name, { route: this.vsNamespace, gateway: gw.namespace ?? this.vsNamespace }));
    return errors;
  }
}

/** Whether HTTP routes apply to a listener: HTTP, HTTP2, GRPC, or HTTPS that the gateway terminates. */
function carriesHttp(s: ServerModel): boolean {
  if (s.protocol === 'HTTPS') return s.tls?.mode !== 'PASSTHROUGH';
  return s.protocol === 'HTTP' || s.protocol === 'HTTP2' || s.protocol === 'GRPC';
}

/** A gateway route writes the destination port: the service's only port when none was given. */
function onlyPort(t: IRouteTarget): number | undefined {
  const ports = t.service.ports;
  return ports.length === 1 ? ports[0].port : undefined;
}
