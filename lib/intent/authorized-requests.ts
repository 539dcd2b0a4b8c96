import { AuthorizedClient } from './service-authorization';
import { fail, problem } from '../core/errors';
import { RequestMatchModel } from '../render/model';

/** An HTTP method a {@link RequestMatch} names: the Gateway API's `HTTPMethod` values, which Istio's `methods` take too. */
export enum HttpMethod {
  GET = 'GET',
  HEAD = 'HEAD',
  POST = 'POST',
  PUT = 'PUT',
  DELETE = 'DELETE',
  CONNECT = 'CONNECT',
  OPTIONS = 'OPTIONS',
  TRACE = 'TRACE',
  PATCH = 'PATCH',
}

const METHODS: readonly string[] = Object.values(HttpMethod);

/**
 * Requests by method and path, as an authorization reads them: on Linkerd the matches of an `HTTPRoute` attached to
 * the Server (one match per method), on Istio an `AuthorizationPolicy` operation (`to.operation.methods` and `paths`).
 * @see https://linkerd.io/2-edge/tasks/configuring-per-route-policy/
 * @see https://istio.io/latest/docs/reference/config/security/authorization-policy/#Operation
 */
export class RequestMatch {
  /** The path equals `path` exactly, with any of `methods` (any method when none is named). */
  public static exact(path: string, ...methods: HttpMethod[]): RequestMatch {
    return new RequestMatch({ type: 'Exact', value: RequestMatch.path(path) }, methods);
  }

  /**
   * The path is `prefix` or lies under it, element by element (`/authors` takes `/authors` and `/authors/7.json`, not
   * `/authorsx`; a trailing `/` is ignored), with any of `methods` (any method when none is named): Linkerd's (the
   * Gateway API's) `PathPrefix`, Istio's paths `/authors` and `/authors/*`, which together take the same requests.
   */
  public static pathPrefix(prefix: string, ...methods: HttpMethod[]): RequestMatch {
    return new RequestMatch({ type: 'PathPrefix', value: RequestMatch.path(prefix) }, methods);
  }

  /** Any path, with any of `methods` (at least one). */
  public static methods(...methods: HttpMethod[]): RequestMatch {
    if (methods.length === 0) fail(problem('methods', 'must name at least one HTTP method', [], 'e.g. RequestMatch.methods(HttpMethod.GET, HttpMethod.HEAD)'));
    return new RequestMatch(undefined, methods);
  }

  private static path(p: unknown): string {
    if (typeof p !== 'string' || !p.startsWith('/')) fail(problem('path', 'must start with \'/\'', p, typeof p === 'string' ? `use '/${p}'` : 'e.g. \'/authors\''));
    if (/[?#\s]/.test(p)) fail(problem('path', 'must be a path without query, fragment or spaces', p));
    return p;
  }

  /** @internal */
  public readonly _model: RequestMatchModel;

  private constructor(path: RequestMatchModel['path'], methods: readonly unknown[]) {
    for (const m of methods) {
      if (typeof m !== 'string' || !METHODS.includes(m)) fail(problem('methods', `must be HTTP methods (${METHODS.join(', ')})`, m, 'use HttpMethod.GET, …'));
    }
    const dup = methods.find((m, i) => methods.indexOf(m) !== i);
    if (dup !== undefined) fail(problem('methods', 'must name each method once', dup));
    this._model = { path, methods: methods.length > 0 ? methods.map(String) : undefined };
  }
}

/**
 * Some requests to a service, and the callers who may make them ("books may read authors": `GET` under `/authors`, from
 * books). Part of a {@link ServiceAuthorization}; rendered for Linkerd as an `HTTPRoute` on the service's Servers with
 * an `AuthorizationPolicy` targeting the route, for Istio as a rule of the service's ALLOW `AuthorizationPolicy`.
 */
export interface AuthorizedRequests {
  /**
   * The rule's name, a DNS label: its objects are named `<authorization name>-<name>` (Linkerd's HTTPRoute,
   * MeshTLSAuthentication, AuthorizationPolicy). `default` and `probes` are taken by the objects mesh-kit adds.
   */
  readonly name: string;
  /** The callers who may make these requests (in addition to the authorization's `allowFrom`, who may make any). */
  readonly allowFrom: AuthorizedClient[];
  /** The requests: any of them. */
  readonly requests: RequestMatch[];
  /**
   * Linkerd: other names for the rule's objects, where a task or a convention names them (the per-route policy task's
   * `authors-get-route`, `authors-get-policy`, `authors-get-authn`). Other back-ends write none of these objects and
   * ignore it.
   * @default - every object `<authorization name>-<name>`
   */
  readonly linkerdNames?: LinkerdRequestNames;
}

/** Names of the Linkerd objects of one rule of {@link AuthorizedRequests}. */
export interface LinkerdRequestNames {
  /**
   * The HTTPRoute attached to the Servers.
   * @default - `<authorization name>-<rule name>`
   */
  readonly route?: string;
  /**
   * The AuthorizationPolicy targeting the route (for callers by network besides identities, `<policy>-networks` too).
   * @default - `<authorization name>-<rule name>`
   */
  readonly policy?: string;
  /**
   * The MeshTLSAuthentication of the rule's callers (and the NetworkAuthentication of its networks).
   * @default - `<authorization name>-<rule name>`
   */
  readonly authentication?: string;
}
