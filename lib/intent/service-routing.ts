import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { IMeshNamespace } from './mesh-namespace';
import { HttpRouteOptions, IMeshService, backendRouteProblems, checkRoutes, emitRouting, routeModelAt } from './route';
import { failAt, problem } from '../core/errors';
import { constructArgs } from '../core/input';
import { checkDnsSubdomain } from '../core/names';
import { Suppressions } from '../core/suppressions';
import { namespaceOf } from '../hosting/cdk8s/emit';
import { VirtualServiceModel } from '../render/model';

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
}

/**
 * How requests addressed to a service inside the mesh are routed across its versions: pin to a
 * version, route by header, split by weight. Emits a VirtualService whose host is the service, or,
 * under TrafficApi.GATEWAY_API, an HTTPRoute attached to the service (GAMMA).
 *
 * Put alternative scenarios (all-v1, 90/10, jason→v2…) in charts of their own: each chart is one
 * file a pipeline can apply.
 */
export class ServiceRouting extends Construct {
  /** The rendered route (escape hatch): a VirtualService, or an HTTPRoute under TrafficApi.GATEWAY_API. */
  public readonly resource: ApiObject;
  private readonly routes: HttpRouteOptions[] = [];
  private readonly vsName: string;
  private readonly vsNamespace?: string;

  public constructor(scope: Construct, id: string, private readonly props: ServiceRoutingProps) {
    super(...constructArgs('ServiceRouting', [scope, id, props]));
    this.vsName = props.name ?? props.service.name;
    // under ambient mode only a waypoint applies routes (a MeshService declared here gets one, or says it needs one)
    (props.service as { _requireWaypoint?: (feature: string, by: Construct) => void })._requireWaypoint?.('routes', this);
    this.vsNamespace = props.namespace?.name ?? props.service.namespace ?? namespaceOf(this, undefined);
    const err = checkDnsSubdomain('name', this.vsName);
    if (err) failAt(this, err);
    if (props.service.namespace === undefined && this.vsNamespace !== undefined && props.namespace !== undefined) {
      failAt(this, problem('namespace', 'must be the namespace of the service when the service\'s namespace is not known', this.vsNamespace,
        `give service '${props.service.name}' a namespace (its chart's 'namespace', or a MeshNamespace) so that the route can name it `
        + `fully qualified from '${this.vsNamespace}', or leave out 'namespace'`));
    }
    for (const r of props.routes ?? []) this.addRoute(r);
    this.resource = emitRouting(this, this.vsName, this.vsNamespace, () => this.model());
    this.node.addValidation({
      validate: () => [
        ...checkRoutes(this.routes, code => Suppressions.find(this, code) !== undefined),
        ...backendRouteProblems(this, this.model()),
      ],
    });
  }

  /** Adds a route after the existing ones (a RouteAction is valid by construction; its ports are checked at synth). */
  public addRoute(route: HttpRouteOptions): void {
    // local facts of the route (a redirect with a timeout, a sub-millisecond duration…) fail here, naming the route
    routeModelAt(this, route, this.routes.length);
    this.routes.push(route);
  }

  /** The VirtualService as model data. */
  public model(): VirtualServiceModel {
    return {
      name: this.vsName,
      namespace: this.vsNamespace,
      hosts: [this.props.service.name],
      gateways: [],
      meshService: {
        name: this.props.service.name,
        namespace: this.props.service.namespace,
        port: this.props.service.ports.length === 1 && !this.props.everyPort ? this.props.service.ports[0].port : undefined,
      },
      http: this.routes.map((r, i) => routeModelAt(this, r, i)),
    };
  }
}
