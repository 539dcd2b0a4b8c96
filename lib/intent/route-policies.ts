import { Duration } from 'cdk8s';
import { StringMatch } from './matches';
import { checkPercent, durationString } from '../core/duration';
import { fail, problem } from '../core/errors';
import { CorsModel, FaultModel, HeaderOpsModel, RetriesModel } from '../render/model';

/** Conditions on which Envoy retries a request. */
export enum RetryOn {
  /** Any 5xx response, or a connection failure, reset or refusal. */
  FIVE_XX = '5xx',
  /** 502, 503 or 504. */
  GATEWAY_ERROR = 'gateway-error',
  /** The upstream did not respond (disconnect, reset, read timeout). */
  RESET = 'reset',
  /** Connecting failed. */
  CONNECT_FAILURE = 'connect-failure',
  /** The upstream reset the stream with REFUSED_STREAM. */
  REFUSED_STREAM = 'refused-stream',
  /** A 409 response. */
  RETRIABLE_4XX = 'retriable-4xx',
  /** The status codes of `x-envoy-retriable-status-codes`. */
  RETRIABLE_STATUS_CODES = 'retriable-status-codes',
  /** gRPC status CANCELLED. */
  CANCELLED = 'cancelled',
  /** gRPC status DEADLINE_EXCEEDED. */
  DEADLINE_EXCEEDED = 'deadline-exceeded',
  /** gRPC status RESOURCE_EXHAUSTED. */
  RESOURCE_EXHAUSTED = 'resource-exhausted',
  /** gRPC status UNAVAILABLE. */
  UNAVAILABLE = 'unavailable',
  /** gRPC status INTERNAL. */
  INTERNAL = 'internal',
}

/**
 * How a route retries failed requests.
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRetry
 */
export interface RetryPolicy {
  /** Retries per request (0 disables retries). */
  readonly attempts: number;
  /**
   * Timeout of each attempt.
   * @default - the route's timeout
   */
  readonly perTryTimeout?: Duration;
  /**
   * When to retry.
   * @default - Istio's: connect-failure, refused-stream, unavailable, cancelled, retriable-status-codes
   */
  readonly retryOn?: RetryOn[];
}

/** Converts a retry policy to model data, checking it. @internal */
export function retriesModelOf(r: RetryPolicy): RetriesModel {
  if (!Number.isInteger(r.attempts) || r.attempts < 0) {
    fail(problem('retries.attempts', 'must be a whole number of at least 0', r.attempts,
      typeof r.attempts === 'number' && r.attempts > 0 && Number.isFinite(r.attempts) ? `write a whole number of retries, e.g. ${Math.round(r.attempts)}` : 'write the number of retries, 0 for none'));
  }
  if (r.attempts === 0 && (r.perTryTimeout || r.retryOn)) {
    fail(problem('retries', 'must not set perTryTimeout or retryOn when attempts is 0', 0, 'remove them, or allow at least one attempt'));
  }
  return {
    attempts: r.attempts,
    perTryTimeout: r.perTryTimeout ? durationString('retries.perTryTimeout', r.perTryTimeout) : undefined,
    retryOn: r.retryOn && r.retryOn.length > 0 ? r.retryOn.join(',') : undefined,
  };
}

/**
 * Faults injected into a route's requests, to test resilience (Bookinfo's `ratings` delay and abort).
 * @see https://istio.io/latest/docs/tasks/traffic-management/fault-injection/
 */
export class Fault {
  /** Delays `percentage` % of requests by `delay` before forwarding them. */
  public static delay(delay: Duration, percentage: number = 100): Fault {
    return new Fault({ delay: { fixedDelay: durationString('fault.delay', delay), percentage: checkPercent('fault.delay.percentage', percentage) } });
  }

  /** Answers `percentage` % of requests with `httpStatus` without forwarding them. */
  public static abort(httpStatus: number, percentage: number = 100): Fault {
    if (!Number.isInteger(httpStatus) || httpStatus < 200 || httpStatus > 599) {
      fail(problem('fault.abort.httpStatus', 'must be an HTTP status between 200 and 599', httpStatus));
    }
    return new Fault({ abort: { httpStatus, percentage: checkPercent('fault.abort.percentage', percentage) } });
  }

  /** A delay and an abort together. */
  public static combine(delay: Fault, abort: Fault): Fault {
    if (!delay._model.delay || delay._model.abort || !abort._model.abort || abort._model.delay) {
      fail(problem('fault', 'combine() takes one Fault.delay() and one Fault.abort()', 'other faults'));
    }
    return new Fault({ delay: delay._model.delay, abort: abort._model.abort });
  }

  private constructor(/** @internal */ public readonly _model: FaultModel) {}
}

/** Header changes on requests and responses. */
export interface HeaderOperations {
  /**
   * Changes to the request before it is forwarded.
   * @default - none
   */
  readonly request?: HeaderChanges;
  /**
   * Changes to the response before it is returned.
   * @default - none
   */
  readonly response?: HeaderChanges;
}

/** Headers to set (overwrite), add (append) and remove. */
export interface HeaderChanges {
  /**
   * Headers to set, replacing any value.
   * @default - none
   */
  readonly set?: { [name: string]: string };
  /**
   * Headers to append.
   * @default - none
   */
  readonly add?: { [name: string]: string };
  /**
   * Headers to remove.
   * @default - none
   */
  readonly remove?: string[];
}

/** Converts header operations to model data. @internal */
export function headersModelOf(h: HeaderOperations): { request?: HeaderOpsModel; response?: HeaderOpsModel } {
  const ops = (c: HeaderChanges | undefined): HeaderOpsModel | undefined => {
    if (!c) return undefined;
    for (const name of [...Object.keys(c.set ?? {}), ...Object.keys(c.add ?? {}), ...(c.remove ?? [])]) {
      if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) fail(problem('headers', 'must be valid HTTP header names', name));
    }
    return { set: c.set && { ...c.set }, add: c.add && { ...c.add }, remove: c.remove && [...c.remove] };
  };
  return { request: ops(h.request), response: ops(h.response) };
}

/**
 * Cross-origin resource sharing for a route.
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#CorsPolicy
 */
export interface CorsPolicy {
  /** Origins allowed to make requests. */
  readonly allowOrigins: StringMatch[];
  /**
   * Methods allowed (`Access-Control-Allow-Methods`).
   * @default - none listed
   */
  readonly allowMethods?: string[];
  /**
   * Request headers allowed (`Access-Control-Allow-Headers`).
   * @default - none listed
   */
  readonly allowHeaders?: string[];
  /**
   * Response headers browsers may read (`Access-Control-Expose-Headers`).
   * @default - none listed
   */
  readonly exposeHeaders?: string[];
  /**
   * How long browsers may cache the preflight answer.
   * @default - not written (the browser's default)
   */
  readonly maxAge?: Duration;
  /**
   * Allow credentials (cookies, authorization).
   * @default false
   */
  readonly allowCredentials?: boolean;
}

/** Converts a CORS policy to model data. @internal */
export function corsModelOf(c: CorsPolicy): CorsModel {
  if (c.allowOrigins.length === 0) fail(problem('cors.allowOrigins', 'must hold at least one origin', '[]'));
  const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', '*'];
  for (const m of c.allowMethods ?? []) {
    if (!methods.includes(m)) fail(problem('cors.allowMethods', `must be HTTP methods (${methods.join(', ')})`, m));
  }
  if (c.allowCredentials && c.allowOrigins.some(o => o._model.exact === '*')) {
    fail(problem('cors.allowOrigins', 'must not be \'*\' when allowCredentials is true (browsers refuse it)', '*'));
  }
  return {
    allowOrigins: c.allowOrigins.map(o => o._model),
    allowMethods: c.allowMethods,
    allowHeaders: c.allowHeaders,
    exposeHeaders: c.exposeHeaders,
    maxAge: c.maxAge ? durationString('cors.maxAge', c.maxAge) : undefined,
    allowCredentials: c.allowCredentials,
  };
}
