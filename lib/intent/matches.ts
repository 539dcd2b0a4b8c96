import { fail, problem } from '../core/errors';
import { MatchModel, StringMatchModel } from '../render/model';

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

  /** The path starts with `prefix`. */
  public static prefix(prefix: string, options: HttpMatchOptions = {}): HttpMatch {
    return new HttpMatch({ prefix: HttpMatch.path(prefix) }, options);
  }

  /** The path matches the RE2 regular expression `pattern`. */
  public static regex(pattern: string, options: HttpMatchOptions = {}): HttpMatch {
    if (pattern.length === 0) fail(problem('uri.regex', 'must not be empty', pattern));
    return new HttpMatch({ regex: pattern }, options);
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

  private constructor(uri: StringMatchModel | undefined, options: HttpMatchOptions) {
    const headers = options.headers ?? [];
    const names = headers.map(h => h.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) fail(problem('headers', 'must name each header once per match', dup));
    this._model = {
      uri,
      headers: headers.length > 0 ? Object.fromEntries(headers.map(h => [h.name, h._match])) : undefined,
      ignoreUriCase: options.ignoreUriCase || undefined,
    };
  }
}
