import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { IMeshNamespace } from './mesh-namespace';
import { HttpRouteOptions, IDelegateRoutes, checkRoutes, followOptionProblems, onlyPortOf, routeLabel, routeModelAt } from './route';
import { backendAt, failIfNoMesh, refuse } from '../backends/registry';
import { failAt, problem, problemValidation } from '../core/errors';
import { constructArgs } from '../core/input';
import { checkDnsSubdomain } from '../core/names';
import { Suppressions } from '../core/suppressions';
import { emit, istioNetworking, namespaceOf, renderContextOf } from '../hosting/cdk8s/emit';
import { renderVirtualService } from '../render/istio';
import { StringMatchModel, VirtualServiceModel } from '../render/model';
import { virtualServiceWeightProblems } from '../validation/rules';

/** Props of a {@link DelegateRoutes}. */
export interface DelegateRoutesProps {
  /**
   * The delegate VirtualService's name.
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * The namespace (the team's): the root names it there.
   * @default - the chart's namespace
   */
  readonly namespace?: IMeshNamespace;

  /**
   * Routes, in evaluation order. More with `addRoute()`.
   * @default - none; at least one is required by synth
   */
  readonly routes?: HttpRouteOptions[];
}

/**
 * A team's share of a host (Istio's VirtualService delegation): a VirtualService without hosts, whose routes apply to
 * the requests a root route hands it with `RouteAction.delegate(...)`. The platform team owns the root (the host, the
 * gateway, the path prefixes); each team owns its delegate, in its own namespace. Checked as Istio checks delegation:
 * a delegate has no hosts and does not delegate further, and its route matches fall within the root route's (Istio
 * drops a delegate route whose match conflicts with the root's).
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#Delegate
 */
export class DelegateRoutes extends Construct implements IDelegateRoutes {
  /** The delegate VirtualService's name. */
  public readonly name: string;
  /** Its namespace. */
  public readonly namespace?: string;
  /** The delegate VirtualService (escape hatch). */
  public readonly resource: ApiObject;
  private readonly routes: HttpRouteOptions[] = [];

  public constructor(scope: Construct, id: string, props: DelegateRoutesProps = {}) {
    super(...constructArgs('DelegateRoutes', [scope, id, props]));
    failIfNoMesh(this, 'DelegateRoutes');
    refuse(this, backendAt(this).delegationProblem());
    this.name = props.name ?? id;
    this.namespace = namespaceOf(this, props.namespace?.name);
    const err = checkDnsSubdomain(props.name === undefined ? 'name (the construct id)' : 'name', this.name);
    if (err) failAt(this, err);
    for (const r of props.routes ?? []) this.addRoute(r);
    this.resource = emit(this, 'VirtualService', { apiVersion: istioNetworking(this), kind: 'VirtualService', name: this.name, namespace: this.namespace, body: ['spec'] },
      () => renderVirtualService(this.model(), renderContextOf(this)));
    this.node.addValidation(problemValidation(this,
      () => [...checkRoutes(this.routes, code => Suppressions.find(this, code) !== undefined), ...followOptionProblems(this.routes),
        ...virtualServiceWeightProblems(this.model())]));
  }

  /** Adds a route after the existing ones; it may not delegate further (Istio supports one level of delegation). */
  public addRoute(route: HttpRouteOptions): void {
    if (route?.action?._delegate) {
      failAt(this, problem(`${routeLabel(route, this.routes.length)}.action`, 'must not delegate: Istio supports one level of delegation (a delegate\'s delegation is ignored)',
        route.action._delegate.name, 'route to services here, or delegate from the root instead'));
    }
    routeModelAt(this, route, this.routes.length, onlyPortOf);
    this.routes.push(route);
  }

  /** The path conditions of the routes, for the root's check. @internal */
  public get _uriMatches(): ReadonlyArray<{ readonly route: number; readonly uri?: StringMatchModel }> {
    return this.routes.flatMap((r, i) => ((r.match ?? []).length > 0
      ? r.match!.flatMap(m => m._models.map(x => ({ route: i, uri: x.uri })))
      : [{ route: i }]));
  }

  /** The delegate VirtualService as model data. @internal */
  public model(): VirtualServiceModel {
    return {
      name: this.name,
      namespace: this.namespace,
      hosts: [],
      gateways: [],
      delegate: true,
      http: this.routes.map((r, i) => routeModelAt(this, r, i, onlyPortOf)),
    };
  }
}
