import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { HttpRouteOptions, IRouteTarget, routeModelAt } from './route';
import { TcpRouteOptions, TlsRouteOptions, l4ActionProblem, tcpRouteModelOf, tlsRouteModelOf } from './tcp-route';
import { RouteObjects } from '../backends/backend';
import { backendAt } from '../backends/registry';
import { failAt } from '../core/errors';
import { TcpRouteModel, TlsRouteModel, VirtualServiceModel } from '../render/model';

/** How many times routes were added anywhere: what a result computed from routes is still valid for. */
let generation = 0;

/** The number of route additions so far (any routing construct). @internal */
export function routesGeneration(): number {
  return generation;
}

/** Records that routes changed (a route added, a routing declared). @internal */
export function routesChanged(): void {
  generation++;
}

/**
 * The routes of a routing construct (`ServiceRouting`, `IngressGatewayRoute`), of every kind, and the objects they are
 * rendered to, emitted as routes of each kind arrive: which objects is the back-end's (`MeshBackend.routeObjects`; under
 * Istio one VirtualService holds every kind of route, under the Gateway API each kind is an object of its own). @internal
 */
export class RouteSet {
  public readonly http: HttpRouteOptions[] = [];
  public readonly tcp: TcpRouteOptions[] = [];
  public readonly tls: TlsRouteOptions[] = [];
  private readonly objects: RouteObjects;

  /**
   * @param defaultPort the destination port written when none was given (gateway routes: the target's only port)
   * @param grpc under the Gateway API and Linkerd 2.20, a GRPCRoute rather than an HTTPRoute
   */
  public constructor(private readonly scope: Construct, name: string, namespace: string | undefined, model: () => VirtualServiceModel,
    private readonly defaultPort?: (t: IRouteTarget) => number | undefined, grpc = false) {
    this.objects = backendAt(scope).routeObjects({ scope, name, namespace, model, grpc });
  }

  /** The first routing object emitted (the escape hatch of `resource`). */
  public get primary(): ApiObject {
    return this.objects.primary;
  }

  /** Whether it holds no TCP or TLS route (then at least one HTTP route is required). */
  public get httpOnly(): boolean {
    return this.tcp.length + this.tls.length === 0;
  }

  /** Adds an HTTP route; its local facts (a redirect with a timeout…) fail here, naming the route. */
  public addHttp(route: HttpRouteOptions): void {
    routeModelAt(this.scope, route, this.http.length, this.defaultPort);
    this.http.push(route);
    routesChanged();
    this.sync();
  }

  /** Adds a TCP route. */
  public addTcp(route: TcpRouteOptions): void {
    const err = l4ActionProblem(`tcpRoutes[${this.tcp.length}]`, route);
    if (err) failAt(this.scope, err);
    this.tcp.push(route);
    routesChanged();
    this.sync();
  }

  /** Adds a TLS route. */
  public addTls(route: TlsRouteOptions): void {
    const err = l4ActionProblem(`tlsRoutes[${this.tls.length}]`, route, true);
    if (err) failAt(this.scope, err);
    this.tls.push(route);
    routesChanged();
    this.sync();
  }

  /** The TCP and TLS routes as model data (undefined when there are none). */
  public layer4Models(): { tcp?: TcpRouteModel[]; tls?: TlsRouteModel[] } {
    return {
      tcp: this.tcp.length > 0 ? this.tcp.map(tcpRouteModelOf) : undefined,
      tls: this.tls.length > 0 ? this.tls.map(tlsRouteModelOf) : undefined,
    };
  }

  /** Emits the objects the routes so far need (an HTTP one while there is no route at all). */
  public sync(): void {
    this.objects.sync({ http: this.http.length > 0, tcp: this.tcp.length > 0, tls: this.tls.length > 0 });
  }
}
