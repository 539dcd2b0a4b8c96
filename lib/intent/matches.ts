import { IIngressGateway } from './ingress-gateway';
import { fail, problem } from '../core/errors';
import { checkDnsLabel, checkLabels, checkPort } from '../core/names';
import { MatchModel, ServiceRef, StringMatchModel } from '../render/model';

/** A condition on a string (an origin, a header value). */
export class StringMatch {
  /** Equals `value`. */
  public static exact(value: string): StringMatch {
    return new StringMatch({ exact: value });
  }

  /** Starts with `prefix`. */
  public static prefix(prefix: string): StringMatch {
    return new StringMatch({ prefix });
  }

  /** Matches the RE2 regular expression `pattern`. */
  public static regex(pattern: string): StringMatch {
    if (pattern.length === 0) fail(problem('regex', 'must not be empty', pattern));
    return new StringMatch({ regex: pattern });
  }

  private constructor(/** @internal */ public readonly _model: StringMatchModel) {}
}

/** The pseudo-header Istio matches JWT claims by. @internal */
export const JWT_CLAIM_PREFIX = '@request.auth.claims.';

/** A condition on one HTTP request header. */
export class HeaderMatch {
  /** The header equals `value` exactly. */
  public static exact(name: string, value: string): HeaderMatch {
    return new HeaderMatch(name, { exact: value });
  }

  /** The header starts with `prefix`. */
  public static prefix(name: string, prefix: string): HeaderMatch {
    return new HeaderMatch(name, { prefix });
  }

  /** The header matches the RE2 regular expression `pattern`. */
  public static regex(name: string, pattern: string): HeaderMatch {
    return new HeaderMatch(name, { regex: pattern });
  }

  /**
   * A claim of the request's JWT equals `value` (Istio's `@request.auth.claims.<claim>`
   * pseudo-header; nested claims as `a.b`). Istio routes on claims only at a gateway, and only once
   * a RequestAuthentication selecting the gateway's pods has validated the token: the synth-time
   * analysis refuses it otherwise (IST0149).
   */
  public static jwtClaim(claim: string, value: string): HeaderMatch {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/.test(claim)) fail(problem('jwtClaim', 'must be a claim name (nested claims as a.b)', claim));
    return new HeaderMatch(`${JWT_CLAIM_PREFIX}${claim}`, { exact: value });
  }

  /** The header name, lower-case as Istio requires. */
  public readonly name: string;
  /** @internal */
  public readonly _match: StringMatchModel;

  private constructor(name: string, match: StringMatchModel) {
    if (!name.startsWith(JWT_CLAIM_PREFIX) && !/^[a-z0-9][-a-z0-9_.]*$/.test(name)) {
      fail(problem('header', 'must be a lower-case header name (Istio matches header names in lower case with \'-\' as separator)', name, `use '${name.toLowerCase()}'`));
    }
    this.name = name;
    this._match = match;
  }
}

/**
 * A gateway a match is restricted to (Istio's `gateways` of a match): the mesh (in-mesh callers), or a gateway the route
 * binds to. A route bound to several (an `IngressGatewayRoute` with `mesh: true`) can then route each differently.
 */
export class MatchGateway {
  /** The mesh: requests of in-mesh callers (Istio's reserved gateway name `mesh`). */
  public static mesh(): MatchGateway {
    return new MatchGateway('mesh');
  }

  /** An ingress gateway the route binds to. */
  public static of(gateway: IIngressGateway): MatchGateway {
    return new MatchGateway({ name: gateway.name, namespace: gateway.namespace });
  }

  private constructor(/** @internal */ public readonly _ref: ServiceRef | 'mesh') {}
}

/**
 * The port, caller and gateway conditions of an HTTP, TCP or TLS match, checked: a port number, labels, a namespace name.
 * @internal
 */
export function portAndSourceOf(o: { port?: number; sourceLabels?: { [key: string]: string }; sourceNamespace?: string; gateways?: MatchGateway[] }):
{ port?: number; sourceLabels?: { [key: string]: string }; sourceNamespace?: string; gateways?: Array<ServiceRef | 'mesh'> } {
  const err = (o.port !== undefined ? checkPort('port', o.port) : undefined)
    ?? (o.sourceLabels ? checkLabels('sourceLabels', o.sourceLabels) : undefined)
    ?? (o.sourceNamespace !== undefined ? checkDnsLabel('sourceNamespace', o.sourceNamespace) : undefined);
  if (err) fail(err);
  return {
    port: o.port,
    sourceLabels: o.sourceLabels && Object.keys(o.sourceLabels).length > 0 ? { ...o.sourceLabels } : undefined,
    sourceNamespace: o.sourceNamespace,
    gateways: o.gateways && o.gateways.length > 0 ? o.gateways.map(g => g._ref) : undefined,
  };
}

/** Options shared by every {@link HttpMatch}. */
export interface HttpMatchOptions {
  /**
   * Header conditions that must hold as well.
   * @default - none
   */
  readonly headers?: HeaderMatch[];

  /**
   * Match the URI case-insensitively.
   * @default false
   */
  readonly ignoreUriCase?: boolean;

  /**
   * Query parameter conditions, by parameter name (`StringMatch.exact` or `.regex`).
   * @default - none
   */
  readonly queryParams?: { [name: string]: StringMatch };

  /**
   * Header conditions that must NOT hold (Istio's API only).
   * @default - none
   */
  readonly withoutHeaders?: HeaderMatch[];

  /**
   * Only requests to this port of the service (Istio's API only; a gateway route's port is its listener's).
   * @default - any port
   */
  readonly port?: number;

  /**
   * Only requests from pods with these labels (Istio's API only).
   * @default - any caller
   */
  readonly sourceLabels?: { [key: string]: string };

  /**
   * Only requests from pods of this namespace (Istio's API only).
   * @default - any namespace
   */
  readonly sourceNamespace?: string;

  /**
   * Only requests through these gateways (Istio's API only): `MatchGateway.mesh()`, or a gateway the route binds to.
   * @default - every gateway the route binds to
   */
  readonly gateways?: MatchGateway[];
}

/**
 * One HTTP match request: a URI condition and/or header conditions, all of which must hold.
 * A route with several matches applies when any of them holds.
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest
 */
export class HttpMatch {
  /** The path equals `path` exactly. */
  public static exact(path: string, options: HttpMatchOptions = {}): HttpMatch {
    return new HttpMatch({ exact: HttpMatch.path(path) }, options);
  }

  /**
   * The path starts with `prefix`, as each API reads a prefix: Istio's API character by character (`/api` also takes
   * `/apis`); the Gateway API's `PathPrefix` and Linkerd by path element (`/api` takes `/api` and `/api/...`, not
   * `/apis`). For the same requests on every back-end, use {@link HttpMatch.pathPrefix}.
   */
  public static prefix(prefix: string, options: HttpMatchOptions = {}): HttpMatch {
    return new HttpMatch({ prefix: HttpMatch.path(prefix) }, options);
  }

  /**
   * The path is `prefix` or lies under it, element by element (`/api` takes `/api`, `/api/` and `/api/v1`, not `/apis`;
   * a trailing `/` is ignored), on every back-end: the Gateway API writes it as one `PathPrefix`, Istio's API as two
   * matches (`exact: /api`, `prefix: /api/`), which together take the same requests.
   * @see https://gateway-api.sigs.k8s.io/reference/spec/#pathmatchtype
   */
  public static pathPrefix(prefix: string, options: HttpMatchOptions = {}): HttpMatch {
    const base = HttpMatch.path(prefix).replace(/\/+$/, '');
    if (base === '') return new HttpMatch({ prefix: '/' }, options);
    const whole = new HttpMatch({ exact: base }, options);
    return new HttpMatch({ prefix: `${base}/` }, options, undefined, whole);
  }

  /** The path matches the RE2 regular expression `pattern`. */
  public static regex(pattern: string, options: HttpMatchOptions = {}): HttpMatch {
    if (pattern.length === 0) fail(problem('uri.regex', 'must not be empty', pattern));
    return new HttpMatch({ regex: pattern }, options);
  }

  /** Conditions other than the path (query parameters, callers, port, headers), on any path; at least one. */
  public static where(options: HttpMatchOptions): HttpMatch {
    const o = options;
    if (!o.headers?.length && !Object.keys(o.queryParams ?? {}).length && !o.withoutHeaders?.length && o.port === undefined
      && !Object.keys(o.sourceLabels ?? {}).length && o.sourceNamespace === undefined && !o.gateways?.length) {
      fail(problem('options', 'must hold at least one condition (headers, queryParams, withoutHeaders, port, sourceLabels, sourceNamespace, gateways)', {},
        'leave the match out to match every request'));
    }
    return new HttpMatch(undefined, options);
  }

  /**
   * A gRPC call: `method` of `service` (fully qualified, `helloworld.Greeter`), or any method of it when `method` is
   * left out. Istio matches the request path (`/helloworld.Greeter/SayHello`); the Gateway API renders a GRPCRoute
   * method match for a gRPC service.
   */
  public static grpc(service: string, method?: string, options: HttpMatchOptions = {}): HttpMatch {
    // the GRPCRoute CRD's own patterns (its CEL rules), which Istio's paths agree with
    if (typeof service !== 'string' || !/^\.?[A-Za-z_][A-Za-z_0-9]*(\.[A-Za-z_][A-Za-z_0-9]*)*$/.test(service)) {
      fail(problem('grpc.service', 'must be a fully qualified gRPC service name (package.Service)', service, 'e.g. \'helloworld.Greeter\''));
    }
    if (method !== undefined && (typeof method !== 'string' || !/^[A-Za-z_][A-Za-z_0-9]*$/.test(method))) {
      fail(problem('grpc.method', 'must be a gRPC method name (letters, digits, \'_\')', method, 'e.g. \'SayHello\''));
    }
    const uri = method !== undefined ? { exact: `/${service}/${method}` } : { prefix: `/${service}/` };
    return new HttpMatch(uri, options, { service, method });
  }

  /** Only header conditions, on any path (e.g. `end-user: jason`). */
  public static headers(...headers: HeaderMatch[]): HttpMatch {
    if (headers.length === 0) fail(problem('headers', 'must hold at least one HeaderMatch', '[]'));
    return new HttpMatch(undefined, { headers });
  }

  private static path(p: string): string {
    if (!p.startsWith('/')) {
      fail(problem('uri', 'must start with \'/\'', p, `use '/${p}'`));
    }
    return p;
  }

  /** @internal */
  public readonly _model: MatchModel;

  /** The matches it is written as (two for a path prefix under Istio's API: the path itself, and under it). @internal */
  public readonly _models: readonly MatchModel[];

  private constructor(uri: StringMatchModel | undefined, options: HttpMatchOptions, grpc?: { service: string; method?: string }, whole?: HttpMatch) {
    const headers = options.headers ?? [];
    const names = headers.map(h => h.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) fail(problem('headers', 'must name each header once per match', dup));
    const queryParams = Object.entries(options.queryParams ?? {});
    for (const [name, m] of queryParams) {
      if (name === '') fail(problem('queryParams', 'must be keyed by parameter names', name));
      if (m._model.prefix !== undefined) fail(problem(`queryParams.${name}`, 'must be exact or a regex (Istio and the Gateway API match no prefix of a query parameter)', m._model.prefix));
    }
    const without = options.withoutHeaders ?? [];
    const source = portAndSourceOf(options);
    this._model = {
      uri,
      headers: headers.length > 0 ? Object.fromEntries(headers.map(h => [h.name, h._match])) : undefined,
      ignoreUriCase: options.ignoreUriCase || undefined,
      queryParams: queryParams.length > 0 ? Object.fromEntries(queryParams.map(([n, m]) => [n, m._model])) : undefined,
      withoutHeaders: without.length > 0 ? Object.fromEntries(without.map(h => [h.name, h._match])) : undefined,
      ...source,
      ...(grpc ? { grpc } : {}),
    };
    this._models = whole ? [whole._model, this._model] : [this._model];
  }
}
