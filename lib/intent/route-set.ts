import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { HttpRouteOptions, IRouteTarget, routeModelAt } from './route';
import { TcpRouteOptions, TlsRouteOptions, l4ActionProblem, tcpRouteModelOf, tlsRouteModelOf } from './tcp-route';
import { failAt } from '../core/errors';
import { LinkerdVersion, MeshSettings } from '../core/settings';
import { emit, failIfNoMesh, istioNetworking, releaseIdentity, renderContextOf, routingBackendOf } from '../hosting/cdk8s/emit';
import { backendNameOf, renderGrpcRoute, renderHttpRoute, renderReferenceGrant, renderTcpRoute, renderTlsRoute } from '../render/gateway-api';
import { renderVirtualService } from '../render/istio';
import { renderLinkerdGrpcRoute, renderLinkerdHttpRoute } from '../render/linkerd';
import { Manifest, TcpRouteModel, TlsRouteModel, VirtualServiceModel } from '../render/model';

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
 * rendered to, emitted as routes of each kind arrive. @internal
 */
export class RouteSet {
  public readonly http: HttpRouteOptions[] = [];
  public readonly tcp: TcpRouteOptions[] = [];
  public readonly tls: TlsRouteOptions[] = [];
  private readonly objects: RoutingObjects;

  /**
   * @param defaultPort the destination port written when none was given (gateway routes: the target's only port)
   * @param grpc under the Gateway API and Linkerd 2.20, a GRPCRoute rather than an HTTPRoute
   */
  public constructor(private readonly scope: Construct, name: string, namespace: string | undefined, model: () => VirtualServiceModel,
    private readonly defaultPort?: (t: IRouteTarget) => number | undefined, grpc = false) {
    this.objects = new RoutingObjects(scope, name, namespace, model, grpc);
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

/** The kinds of route a routing construct holds. @internal */
export interface RouteKinds {
  readonly http: boolean;
  readonly tcp: boolean;
  readonly tls: boolean;
}

/**
 * The routing objects of a routing construct, emitted as its routes need them: under Istio one VirtualService holds
 * every kind of route; under the Gateway API each kind is an object of its own (an HTTPRoute, or a GRPCRoute for a
 * gRPC service; a TCPRoute; a TLSRoute), and under Linkerd an HTTPRoute or GRPCRoute of the Gateway API (Linkerd 2.20) or
 * Linkerd's own HTTPRoute (`LinkerdVersion.V2_16`). Objects are emitted when a route of their
 * kind is first added (their bodies render at synth, so later routes reach them). @internal
 */
export class RoutingObjects {
  private readonly objects: ApiObject[] = [];
  private readonly emitted = new Set<string>();

  public constructor(private readonly scope: Construct, private readonly name: string, private readonly namespace: string | undefined,
    private readonly model: () => VirtualServiceModel, private readonly grpc: boolean = false) {
    failIfNoMesh(scope, 'Routing');
  }

  /** The first object emitted (the escape hatch of `resource`). */
  public get primary(): ApiObject {
    return this.objects[0];
  }

  /** Emits the objects the kinds of route need that are not emitted yet; an HTTP object when there is no route at all. */
  public sync(kinds: RouteKinds): void {
    const { scope, name, namespace, model } = this;
    const once = (kind: string, make: () => ApiObject) => {
      if (this.emitted.has(kind)) return;
      this.emitted.add(kind);
      this.objects.push(make());
    };
    const http = kinds.http || (!kinds.tcp && !kinds.tls);
    switch (routingBackendOf(scope)) {
      case 'gateway-api': {
        const gw = (kind: string, render: (vs: VirtualServiceModel) => Manifest) =>
          once(kind, () => emit(scope, kind, { apiVersion: 'gateway.networking.k8s.io/v1', kind, name, namespace, body: ['spec'] }, () => render(model())));
        // an HTTP object emitted before any route was added is dropped once the routes turn out to be TCP or TLS only
        if (!kinds.http && (kinds.tcp || kinds.tls)) this.drop(this.grpc ? 'GRPCRoute' : 'HTTPRoute');
        if (http) gw(this.grpc ? 'GRPCRoute' : 'HTTPRoute', this.grpc ? renderGrpcRoute : renderHttpRoute);
        if (kinds.tcp) gw('TCPRoute', renderTcpRoute);
        if (kinds.tls) gw('TLSRoute', renderTlsRoute);
        this.grantReferences();
        return;
      }
      case 'linkerd': {
        // TCP and TLS routes are refused at synth (linkerdRouteProblems); Linkerd 2.20 reads the Gateway API's routes
        const gatewayApi = MeshSettings.of(scope).linkerdVersion === LinkerdVersion.V2_20;
        const apiVersion = gatewayApi ? 'gateway.networking.k8s.io/v1' : 'policy.linkerd.io/v1beta3';
        const kind = gatewayApi && this.grpc ? 'GRPCRoute' : 'HTTPRoute';
        return once(kind, () => emit(scope, kind, { apiVersion, kind, name, namespace, body: ['spec'], renderedAnnotations: true },
          () => (kind === 'GRPCRoute' ? renderLinkerdGrpcRoute(model()) : renderLinkerdHttpRoute(model(), apiVersion))));
      }
      default:
        return once('VirtualService', () => emit(scope, 'VirtualService', { apiVersion: istioNetworking(scope), kind: 'VirtualService', name, namespace, body: ['spec'] },
          () => renderVirtualService(model(), renderContextOf(scope))));
    }
  }

  /**
   * A ReferenceGrant in each other namespace the routes send to (or mirror to), naming the Services they use: the
   * Gateway API refuses a cross-namespace backendRef without one. Emitted as such a destination first appears; the
   * route kinds and Services it lists are read at synth.
   */
  private grantReferences(): void {
    const from = this.namespace;
    const targets = (vs: VirtualServiceModel) => [
      ...vs.http.flatMap(r => [...r.destinations, ...(r.mirror ? [r.mirror.destination] : [])]),
      ...(vs.tcp ?? []).flatMap(r => r.destinations),
      ...(vs.tls ?? []).flatMap(r => r.destinations),
    ].filter(d => d.service.namespace !== undefined && d.service.namespace !== from && !d.service.external);
    if (from === undefined) return;
    for (const ns of new Set(targets(this.model()).map(d => d.service.namespace!))) {
      const id = `ReferenceGrant-${ns}`;
      if (this.emitted.has(id)) continue;
      this.emitted.add(id);
      const name = `${from}-${this.name}`.slice(0, 253);
      emit(this.scope, id, { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'ReferenceGrant', name, namespace: ns, body: ['spec'] },
        () => renderReferenceGrant({
          name,
          namespace: ns,
          fromNamespace: from,
          fromKinds: this.objects.map(o => o.kind),
          services: targets(this.model()).filter(d => d.service.namespace === ns).map(d => backendNameOf(d)),
        }));
    }
  }

  /** Removes an object emitted for routes that never came (an HTTPRoute of a routing that turned out TCP-only). */
  private drop(kind: string): void {
    if (!this.emitted.has(kind)) return;
    const i = this.objects.findIndex(o => o.kind === kind);
    if (i >= 0 && this.scope.node.tryRemoveChild(kind)) {
      this.objects.splice(i, 1);
      this.emitted.delete(kind);
      releaseIdentity(this.scope, { apiVersion: 'gateway.networking.k8s.io/v1', kind, name: this.name, namespace: this.namespace, body: [] });
    }
  }
}
