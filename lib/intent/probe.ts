import { Duration } from 'cdk8s';
import { wholeSeconds } from '../core/duration';
import { fail, problem } from '../core/errors';
import { checkPort } from '../core/names';
import { ProbeModel } from '../render/model';

/** Timing of a probe (Kubernetes' defaults when left out). */
export interface ProbeOptions {
  /**
   * The service port the probe targets (the container port behind it is probed).
   * @default - the service's first port
   */
  readonly port?: number;
  /** @default - 0 seconds */
  readonly initialDelay?: Duration;
  /** @default - 10 seconds */
  readonly period?: Duration;
  /** @default - 1 second */
  readonly timeout?: Duration;
  /** @default - 3 */
  readonly failureThreshold?: number;
  /** @default - 1 (and must be 1 for liveness and startup probes) */
  readonly successThreshold?: number;
}

/** Options of {@link Probe.http}. */
export interface HttpProbeOptions extends ProbeOptions {
  /**
   * HTTP headers sent with the probe.
   * @default - none
   */
  readonly headers?: { [name: string]: string };
}

/** Options of {@link Probe.grpc}. */
export interface GrpcProbeOptions extends ProbeOptions {
  /**
   * The gRPC health service name to ask about.
   * @default - the server's overall health
   */
  readonly service?: string;
}

const seconds = (field: string, d: Duration | undefined, min: number): number | undefined =>
  d === undefined ? undefined : wholeSeconds(field, d, min);
const count = (field: string, v: number | undefined): number | undefined => {
  if (v !== undefined && (!Number.isInteger(v) || v < 1)) fail(problem(field, 'must be a whole number of at least 1', v));
  return v;
};

/**
 * A readiness, liveness or startup probe of a service's containers, on one of the service's ports (checked at synth).
 * Istio rewrites HTTP (and gRPC) probes of pods with a sidecar so that the kubelet reaches them through the sidecar's
 * agent (`sidecar.istio.io/rewriteAppHTTPProbers`, on by default): write them as you would without a mesh.
 */
export class Probe {
  /** An HTTP GET on `path` (2xx or 3xx is healthy). */
  public static http(path: string, options: HttpProbeOptions = {}): Probe {
    if (!path.startsWith('/')) fail(problem('path', 'must start with \'/\'', path, `use '/${path}'`));
    const headers = Object.entries(options.headers ?? {}).map(([name, value]) => ({ name, value }));
    for (const h of headers) if (!/^[-A-Za-z0-9]+$/.test(h.name)) fail(problem('headers', 'must be header names (letters, digits and \'-\')', h.name));
    return new Probe({ kind: 'httpGet', path, headers: headers.length > 0 ? headers : undefined, ...Probe.timing(options) });
  }

  /** A TCP connection to the port. */
  public static tcp(options: ProbeOptions = {}): Probe {
    return new Probe({ kind: 'tcpSocket', ...Probe.timing(options) });
  }

  /** The gRPC health checking protocol (`grpc.health.v1.Health`) on the port. */
  public static grpc(options: GrpcProbeOptions = {}): Probe {
    return new Probe({ kind: 'grpc', service: options.service, ...Probe.timing(options) });
  }

  /** A command run in the container (exit status 0 is healthy). */
  public static exec(command: string[]): Probe {
    if (command.length === 0) fail(problem('command', 'must hold at least the program', []));
    return new Probe({ kind: 'exec', command: [...command], port: undefined });
  }

  private static timing(o: ProbeOptions): Omit<ProbeModel, 'kind'> {
    const err = o.port !== undefined ? checkPort('port', o.port) : undefined;
    if (err) fail(err);
    return {
      port: o.port,
      initialDelaySeconds: seconds('initialDelay', o.initialDelay, 0),
      periodSeconds: seconds('period', o.period, 1),
      timeoutSeconds: seconds('timeout', o.timeout, 1),
      failureThreshold: count('failureThreshold', o.failureThreshold),
      successThreshold: count('successThreshold', o.successThreshold),
    };
  }

  private constructor(/** @internal */ public readonly _model: ProbeModel) {}
}
