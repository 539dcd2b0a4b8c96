import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { HttpMatch } from './matches';
import { MeshServicePort } from './ports';
import { CorsPolicy, Fault, HeaderOperations, RetryPolicy, corsModelOf, headersModelOf, retriesModelOf } from './route-policies';
import { backendAt } from '../backends/registry';
import { checkPercent, durationString } from '../core/duration';
import { MeshValidationError, Problem, fail, meshError, problem } from '../core/errors';
import { DestinationModel, HttpRouteModel, RedirectModel, ServiceRef, StringMatchModel, VirtualServiceModel } from '../render/model';
import { checkRouteWeights } from '../validation/rules';

/** A service that routes can send traffic to. */
export interface IMeshService extends ServiceRef {
  /** The Service name. */
  readonly name: string;
  /** The namespace, when known. */
  readonly namespace?: string;
  /** The ports the service exposes (copies). */
  readonly ports: MeshServicePort[];
  /** The names of its versions (DestinationRule subsets). */
  readonly versionNames: string[];

  /** The version named `name`, as a route target; fails when the service has no such version. */
  version(name: string): IRouteTarget;
}

/**
 * Something a route can forward to: a whole {@link MeshService} (any of its pods) or one
 * {@link ServiceVersion} (a DestinationRule subset).
 */
export interface IRouteTarget {
  /** The service. */
  readonly service: IMeshService;
  /**
   * The subset, when the target is a version.
   * @default - the whole service
   */
  readonly subset?: string;
}

/** Options of {@link RouteAction.forward}. */
export interface ForwardOptions {
  /**
   * The service port to send to; it must be one the service exposes.
   * @default - no port is written for mesh routes (Istio picks the service's port); a gateway
   * route writes the service's only port, and requires this when the service has several
   */
  readonly port?: number;

  /**
   * At a gateway (an `IngressGatewayRoute`), whether requests forwarded to a whole `MeshService` follow the service's own
   * routes (`addRoute()`, or a `ServiceRouting` of it in the gateway route's chart or the service's): its versions, weights,
   * header routes, faults, timeouts and retries, as for calls from inside the mesh. `false` sends them to any of the
   * service's pods, as a gateway route written by hand without a subset does (Istio's IST0140 then warns that the
   * service's routes do not apply to them); keep it for an upstream file that does so. A version target is sent to that
   * version either way; routes of other kinds (`ServiceRouting`, `DelegateRoutes`) refuse the option.
   * @default true - the gateway route carries the service's routes (under ambient mode, the Service is labelled
   * `istio.io/ingress-use-waypoint` instead, so that its waypoint applies them)
   */
  readonly followServiceRoutes?: boolean;
}

/** One destination of a weighted route. */
export interface WeightedTarget {
  /** Where this share of the traffic goes. */
  readonly target: IRouteTarget;
  /** The share, in percent (0–100); the shares of a route add up to 100. */
  readonly weight: number;
}

/** Options of {@link RouteAction.redirect}: what to change in the redirect location. */
export interface RedirectOptions {
  /**
   * Replace the path.
   * @default - the request's path
   */
  readonly uri?: string;
  /**
   * Replace the host.
   * @default - the request's host
   */
  readonly authority?: string;
  /**
   * Replace the scheme (`https` for an HTTP→HTTPS redirect).
   * @default - the request's scheme
   */
  readonly scheme?: string;
  /**
   * Replace the port.
   * @default - the request's port
   */
  readonly port?: number;
  /**
   * The status code.
   * @default 301
   */
  readonly redirectCode?: number;
}

/**
 * What a route does with the requests it matches. Modelled on AWS CDK's `ListenerAction`.
 */
export class RouteAction {
  /** Sends every matched request to one target. */
  public static forward(target: IRouteTarget, options: ForwardOptions = {}): RouteAction {
    return new RouteAction([{ target, port: options.port }], undefined, undefined, undefined, options.followServiceRoutes);
  }

  /** Answers with an HTTP redirect instead of forwarding. */
  public static redirect(options: RedirectOptions): RouteAction {
    if (Object.values(options).every(v => v === undefined)) {
      fail(problem('redirect', 'must change at least one of uri, authority, scheme, port', '{}'));
    }
    if (options.redirectCode !== undefined && ![301, 302, 303, 307, 308].includes(options.redirectCode)) {
      fail(problem('redirect.redirectCode', 'must be 301, 302, 303, 307 or 308', options.redirectCode));
    }
    if (options.uri !== undefined && !options.uri.startsWith('/')) fail(problem('redirect.uri', 'must start with \'/\'', options.uri));
    return new RouteAction([], { ...options });
  }

  /**
   * Splits matched requests across targets by weight (50/50, 90/10…). Weights are whole numbers from 0 to 1,000,000,
   * not all 0, read as proportions where the back-end reads them so (the Gateway API and Linkerd: 40 and 60, or 1 and
   * 50051); under Istio's API (`TrafficApi.ISTIO`, a VirtualService) they are percentages that add up to 100, checked at
   * synth.
   */
  public static weightedForward(targets: WeightedTarget[], options: ForwardOptions = {}): RouteAction {
    const action = new RouteAction(targets.map(t => ({ target: t.target, weight: t.weight, port: options.port })), undefined, undefined, undefined,
      options.followServiceRoutes);
    const keys = targets.map(t => `${t.target.service.namespace ?? ''}/${t.target.service.name}/${t.target.subset ?? '*'}`);
    const dup = targets.find((_, i) => keys.indexOf(keys[i]) !== i);
    if (dup) {
      fail(problem('weightedForward.target', 'must name each target once', dup.target.subset ?? dup.target.service.name, 'add their weights together instead'));
    }
    const errors = checkRouteWeights('weightedForward', action._destinations(undefined));
    if (errors.length > 0) throw meshError(errors, errors.length > 1 ? { header: 'the weights of the targets:' } : {});
    return action;
  }

  /**
   * Hands the matched requests to a team's {@link DelegateRoutes} (Istio's VirtualService delegation): its routes decide
   * where they go. A delegating route carries only its matches; the delegate's route matches must fall within them.
   */
  public static delegate(routes: IDelegateRoutes): RouteAction {
    if (typeof routes?.name !== 'string') fail(problem('delegate', 'must be a DelegateRoutes', String(routes), 'pass new DelegateRoutes(teamChart, id, { routes })'));
    return new RouteAction([], undefined, { name: routes.name, namespace: routes.namespace }, routes);
  }

  private constructor(
    private readonly targets: { target: IRouteTarget; weight?: number; port?: number }[],
    /** @internal */ public readonly _redirect?: RedirectModel,
    /** @internal */ public readonly _delegate?: ServiceRef,
    /** @internal */ public readonly _delegateRoutes?: IDelegateRoutes,
    /** `ForwardOptions.followServiceRoutes`, when given. @internal */ public readonly _followServiceRoutes?: boolean,
  ) {
    if (targets.length === 0 && !_redirect && !_delegate) fail(problem('targets', 'must name at least one target', '[]', 'give at least one { target, weight }, or answer without forwarding with RouteAction.redirect()'));
  }

  /** The targets of this action (copies). */
  public get destinations(): { target: IRouteTarget; weight?: number; port?: number }[] {
    return this.targets.map(t => ({ ...t }));
  }

  /**
   * The destinations as model data.
   * @param defaultPort what to write when no port was given (gateway routes)
   * @internal
   */
  public _destinations(defaultPort: ((t: IRouteTarget) => number | undefined) | undefined): DestinationModel[] {
    return this.targets.map(t => ({
      ...destinationOf(t.target),
      port: t.port ?? defaultPort?.(t.target),
      weight: t.weight,
    }));
  }
}

/**
 * The routes whose action sets `followServiceRoutes`, which only a gateway route reads: problems naming them.
 * @internal
 */
export function followOptionProblems(routes: readonly HttpRouteOptions[]): Problem[] {
  return routes.flatMap((r, i) => (r.action._followServiceRoutes === undefined ? [] : [problem(`routes[${i}].action.followServiceRoutes`,
    'applies to the routes of an IngressGatewayRoute only (what a gateway sends to a whole service)', r.action._followServiceRoutes, 'remove it')]));
}

/** The port a gateway, delegate or layer-4 route writes when none was given: the target's only port. @internal */
export function onlyPortOf(t: IRouteTarget): number | undefined {
  const ports = t.service.ports;
  return ports.length === 1 ? ports[0].port : undefined;
}

/** A target as a destination, without port or weight. */
function destinationOf(t: IRouteTarget): DestinationModel {
  const ports = t.service.ports;
  const moved = t.subset === undefined ? [] : ports.filter(p => p.targetPort !== undefined && p.targetPort !== p.port);
  return {
    service: { name: t.service.name, namespace: t.service.namespace, ...(t.service.external ? { external: true } : {}) },
    subset: t.subset,
    onlyPort: ports.length === 1 ? ports[0].port : undefined,
    ...(moved.length > 0 ? { versionPorts: Object.fromEntries(moved.map(p => [p.port, p.targetPort!])) } : {}),
  };
}

/** The routes a root route delegates to (a {@link DelegateRoutes}). */
export interface IDelegateRoutes {
  /** The delegate VirtualService's name. */
  readonly name: string;
  /** Its namespace, when known. */
  readonly namespace?: string;
  /** The path conditions of its routes (for the root's check that they fall within its matches). @internal */
  readonly _uriMatches: ReadonlyArray<{ readonly route: number; readonly uri?: StringMatchModel }>;
}

/** One HTTP route of a {@link ServiceRouting} or an {@link IngressGatewayRoute}. */
export interface HttpRouteOptions {
  /**
   * The route's name (shows in Envoy stats and access logs).
   * @default - none
   */
  readonly name?: string;

  /**
   * Requests the route applies to: any one of these matches. Routes are evaluated in the order
   * they were added; a route without matches catches everything, so it must come last.
   * @default - every request
   */
  readonly match?: HttpMatch[];

  /** What to do with the matched requests. */
  readonly action: RouteAction;

  /**
   * Time allowed for the whole request, retries included.
   * @default - not written: Istio sets no timeout on HTTP routes
   */
  readonly timeout?: Duration;

  /**
   * Retries.
   * @default - not written: Istio's default (2 attempts on connect-failure, refused-stream, unavailable, cancelled, retriable-status-codes)
   */
  readonly retries?: RetryPolicy;

  /**
   * Faults to inject (testing only).
   * @default - none
   */
  readonly fault?: Fault;

  /**
   * Send a copy of the traffic to another target (responses are discarded).
   * @default - none
   */
  readonly mirror?: MirrorPolicy;

  /**
   * Rewrite the path prefix matched by the route, or the host, before forwarding.
   * @default - none
   */
  readonly rewrite?: UriRewrite;

  /**
   * CORS policy.
   * @default - none
   */
  readonly cors?: CorsPolicy;

  /**
   * Header changes.
   * @default - none
   */
  readonly headers?: HeaderOperations;
}

/** Traffic mirroring of a route. */
export interface MirrorPolicy {
  /** Where the copies go. */
  readonly target: IRouteTarget;
  /**
   * The share of requests copied, in percent.
   * @default 100
   */
  readonly percentage?: number;
}

/** A rewrite of the request before it is forwarded. */
export interface UriRewrite {
  /**
   * Replace the path (or the part matched by a prefix match).
   * @default - unchanged
   */
  readonly uri?: string;
  /**
   * Replace the Host/Authority header.
   * @default - unchanged
   */
  readonly authority?: string;
}

/** Converts a route to model data. @internal */
export function routeModelOf(r: HttpRouteOptions, defaultPort?: (t: IRouteTarget) => number | undefined): HttpRouteModel {
  const redirect = r.action._redirect;
  if (redirect) {
    const extra = (['timeout', 'retries', 'mirror', 'rewrite'] as const).filter(k => r[k] !== undefined);
    if (extra.length > 0) fail(problem(extra[0], 'cannot be combined with a redirect (nothing is forwarded)', extra.join(', ')));
  }
  if (r.action._delegate) {
    // Istio: a delegating route holds its matches and the delegate; the delegate's routes do the rest
    const extra = (['timeout', 'retries', 'mirror', 'rewrite', 'fault', 'cors', 'headers'] as const).filter(k => r[k] !== undefined);
    if (extra.length > 0) {
      fail(problem(extra[0], 'cannot be set on a route that delegates: the delegate\'s routes decide what happens to the requests', extra.join(', '),
        'set it on the delegate\'s routes'));
    }
  }
  if (r.rewrite && r.rewrite.uri === undefined && r.rewrite.authority === undefined) fail(problem('rewrite', 'must change uri or authority', '{}'));
  const mirrorTarget = r.mirror?.target;
  return {
    name: r.name,
    match: (r.match ?? []).flatMap(m => m._models),
    destinations: r.action._destinations(defaultPort),
    redirect,
    delegate: r.action._delegate ? { ...r.action._delegate } : undefined,
    timeout: r.timeout ? durationString('timeout', r.timeout) : undefined,
    retries: r.retries ? retriesModelOf(r.retries) : undefined,
    fault: r.fault?._model,
    mirror: r.mirror && mirrorTarget ? {
      destination: { ...destinationOf(mirrorTarget), port: defaultPort?.(mirrorTarget) },
      percentage: r.mirror.percentage !== undefined ? checkPercent('mirror.percentage', r.mirror.percentage) : undefined,
    } : undefined,
    rewrite: r.rewrite ? { ...r.rewrite } : undefined,
    cors: r.cors ? corsModelOf(r.cors) : undefined,
    headers: r.headers ? headersModelOf(r.headers) : undefined,
  };
}

/** How an error names a route: `routes[1] 'jason'`. */
export function routeLabel(r: HttpRouteOptions, index: number): string {
  return `routes[${index}]${typeof r?.name === 'string' ? ` '${r.name}'` : ''}`;
}

/**
 * {@link routeModelOf}, its errors naming the construct and the route (`[bookinfo/reviews] routes[1] 'jason': …`).
 * Called by `addRoute()` (so that a bad route fails where it is added) and at synth. @internal
 */
export function routeModelAt(scope: Construct, r: HttpRouteOptions, index: number,
  defaultPort?: (t: IRouteTarget) => number | undefined): HttpRouteModel {
  try {
    return routeModelOf(r, defaultPort);
  } catch (e) {
    if (e instanceof MeshValidationError && !e.message.startsWith('[')) {
      // the route named before the text (`routes[1] 'jason': …`), each problem's fields kept, its field within the route
      const label = routeLabel(r, index);
      throw meshError(e.problems.map(p => ({ ...p, ...(p.field !== undefined ? { field: `routes[${index}].${p.field}` } : {}), message: e.problems.length > 1 ? p.message : `${label}: ${p.message}` })),
        { path: scope.node.path, ...(e.problems.length > 1 ? { header: `${label}:` } : {}) });
    }
    throw e;
  }
}

/**
 * Problems with the routes of one VirtualService that hold whatever it binds to.
 * @param suppressed the Istio analyzer codes suppressed on the routing construct
 * @internal
 */
export function checkRoutes(routes: readonly HttpRouteOptions[], suppressed: (code: string) => boolean = () => false, required = true): Problem[] {
  const errors: Problem[] = [];
  if (routes.length === 0 && required) {
    errors.push(problem('routes', 'must hold at least one route', 0, 'call addRoute()'));
  }
  errors.push(...delegationProblems(routes));
  // A route after a catch-all one is Istio's IST0130, a warning: the synth-time analysis reports it.
  const names = routes.map(r => r.name).filter((n): n is string => n !== undefined);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) errors.push(problem('routes.name', 'must be unique within a VirtualService', dup));
  for (const [i, r] of routes.entries()) {
    for (const d of r.action.destinations) {
      const ports = d.target.service.ports.map(p => p.port);
      if (d.port !== undefined && !ports.includes(d.port)) {
        errors.push(problem(`routes[${i}].port`, `must be a port of service '${d.target.service.name}'`, d.port, `it exposes ${ports.join(', ') || 'no port'}`));
      }
      if (d.port === undefined && ports.length > 1 && !suppressed('IST0112')) {
        errors.push(problem(`routes[${i}].port`, `must be given: service '${d.target.service.name}' exposes several ports`, 'none',
          `pass RouteAction.forward(target, { port }) with one of ${ports.join(', ')}, or Suppressions.add(route, 'IST0112', reason)`).withCode('IST0112'));
      }
    }
  }
  return errors;
}

/**
 * Istio's `stringMatchConflict` (pilot/pkg/model/virtualservice.go), with which it merges a delegate's routes into the
 * root's: a leaf path condition that is not within the root's conflicts, and Istio drops the delegate route.
 */
function uriConflict(root: StringMatchModel | undefined, leaf: StringMatchModel | undefined): boolean {
  if (!root || !leaf) return false;
  if (root.regex !== undefined || leaf.regex !== undefined) return true;
  if (root.exact !== undefined) return leaf.exact !== root.exact;
  if (root.prefix !== undefined) return !(leaf.prefix ?? leaf.exact ?? '').startsWith(root.prefix);
  return true;
}

/** The delegate routes whose path falls within none of the delegating route's matches (each would be dropped by Istio). */
function delegationProblems(routes: readonly HttpRouteOptions[]): Problem[] {
  return routes.flatMap((r, i) => {
    const delegate = r.action._delegateRoutes;
    if (!delegate) return [];
    const roots = (r.match ?? []).length > 0 ? r.match!.flatMap(m => m._models.map(x => x.uri)) : [undefined];
    return delegate._uriMatches.filter(leaf => roots.every(root => uriConflict(root, leaf.uri))).map(leaf =>
      problem(`routes[${i}].action.delegate`, `must only hold routes within the delegating route's paths (${roots.map(showUri).join(', ')}): `
        + `Istio drops the delegate's routes[${leaf.route}], whose path conflicts with them`, showUri(leaf.uri),
      `match a path under ${roots.map(showUri).join(' or ')} in delegate '${delegate.name}', or widen the root's match`));
  });
}

const showUri = (u: StringMatchModel | undefined) => (u === undefined ? 'any path'
  : u.exact !== undefined ? `exact ${u.exact}` : u.prefix !== undefined ? `prefix ${u.prefix}` : `regex ${u.regex}`);

/** What the routing back-end in force at `scope` cannot express of a route. @internal */
export function backendRouteProblems(scope: Construct, model: VirtualServiceModel): Problem[] {
  return backendAt(scope).routeProblems(scope, model);
}
