import { Duration } from 'cdk8s';
import type { ContainerResources } from 'cdk8s-plus-27';
import { suggestion } from '../core/closest';
import { wholeUnitsDurationString } from '../core/duration';
import { Problem, fail, problem } from '../core/errors';
import { resourcesModelOf } from '../intent/workload';
import { LinkerdProxyValuesModel } from '../render/install/linkerd-values';

/** A level of the proxy's log, as its log filter writes it. */
export enum LinkerdLogLevel {
  TRACE = 'trace',
  DEBUG = 'debug',
  INFO = 'info',
  WARN = 'warn',
  ERROR = 'error',
  OFF = 'off',
}

/** How the proxy writes its log (`proxy.logFormat`). */
export enum LinkerdLogFormat {
  /** Lines of text (the chart's default). */
  PLAIN = 'plain',
  /** One JSON object a line. */
  JSON = 'json',
}

/** The proxy's access log (`proxy.accessLog`, or per workload `config.alpha.linkerd.io/access-log`). */
export enum LinkerdAccessLogFormat {
  /** Apache's Common Log Format. */
  APACHE = 'apache',
  /** One JSON object a request. */
  JSON = 'json',
}

const LEVELS = Object.values(LinkerdLogLevel) as string[];

/**
 * The proxy's log filter (`proxy.logLevel`, the `LINKERD2_PROXY_LOG` variable of linkerd2's
 * `charts/partials/templates/_proxy.tpl`): a default level and levels per target, comma-separated as
 * `warn,linkerd=info,hickory=error` (the chart's default).
 * @see https://linkerd.io/2-edge/tasks/modifying-proxy-log-level/
 */
export class LinkerdProxyLogLevel {
  /**
   * A default level, with levels for some targets (`{ linkerd: LinkerdLogLevel.DEBUG }`: the proxy's own modules).
   */
  public static of(level: LinkerdLogLevel, targets: { readonly [target: string]: LinkerdLogLevel } = {}): LinkerdProxyLogLevel {
    const parts = [checkLevel('logLevel', level)];
    for (const [t, l] of Object.entries(targets)) parts.push(`${checkTarget(`logLevel.${t}`, t)}=${checkLevel(`logLevel.${t}`, l)}`);
    return new LinkerdProxyLogLevel(parts.join(','));
  }

  /** Linkerd's own filter text (`warn,linkerd=info,hickory=error`), checked directive by directive. */
  public static fromString(directives: string): LinkerdProxyLogLevel {
    if (typeof directives !== 'string' || directives.trim() === '') {
      fail(problem('logLevel', 'must be a log filter: a level, and target=level pairs, comma-separated', directives, 'e.g. \'warn,linkerd=info\''));
    }
    for (const d of directives.split(',')) {
      const [target, level, ...rest] = d.split('=');
      if (rest.length > 0 || (level === undefined ? !LEVELS.includes(target) : !LEVELS.includes(level) || !/^[A-Za-z_][\w:]*$/.test(target))) {
        fail(problem('logLevel', `must be a log filter: each directive a level (${LEVELS.join(', ')}) or target=level`, d,
          'e.g. \'warn,linkerd=info,hickory=error\''));
      }
    }
    return new LinkerdProxyLogLevel(directives);
  }

  private constructor(/** The filter as the chart's `proxy.logLevel` holds it. */ public readonly value: string) {}
}

function checkLevel(field: string, level: unknown): string {
  if (typeof level !== 'string' || !LEVELS.includes(level)) {
    fail(problem(field, `must be a log level: ${LEVELS.join(', ')}`, level, typeof level === 'string' ? suggestion(level, LEVELS) : undefined));
  }
  return level;
}

function checkTarget(field: string, target: string): string {
  if (!/^[A-Za-z_][\w:]*$/.test(target)) fail(problem(field, 'must be a log target: a Rust module path such as linkerd or linkerd_app_inbound', target));
  return target;
}

/**
 * The proxy's worker threads (`proxy.runtime.workers`): by default one.
 * @see https://linkerd.io/2-edge/tasks/configuring-proxy-concurrency/
 */
export interface LinkerdProxyWorkers {
  /**
   * The fewest worker threads.
   * @default 1
   */
  readonly minimum?: number;
  /**
   * The most worker threads.
   * @default - no bound but `maximumCpuRatio`
   */
  readonly maximum?: number;
  /**
   * The most worker threads as a share of the node's CPUs (`1` a thread per CPU, `0.1` one for 10% of them).
   * @default - none: `minimum` threads
   */
  readonly maximumCpuRatio?: number;
}

/**
 * How every injected proxy runs: the control plane's `proxy.*` values that Linkerd's docs tasks set at install
 * (each can be overridden per workload with a `config.linkerd.io/*` annotation).
 */
export interface LinkerdProxyOptions {
  /**
   * The proxy container's CPU and memory requests and limits (`proxy.resources`); every request and limit not given is
   * written empty (none), so nothing is inherited from values-ha.
   * @default - values-ha's (CPU request 100m, memory request 20Mi and limit 250Mi) with high availability, else none
   * @see https://linkerd.io/2-edge/tasks/configuring-proxy-concurrency/
   */
  readonly resources?: ContainerResources;
  /**
   * The proxy's worker threads.
   * @default - one
   */
  readonly workers?: LinkerdProxyWorkers;
  /**
   * The proxy's log filter.
   * @default - the chart's: warn,linkerd=info,hickory=error
   */
  readonly logLevel?: LinkerdProxyLogLevel;
  /**
   * The proxy's log format.
   * @default LinkerdLogFormat.PLAIN
   */
  readonly logFormat?: LinkerdLogFormat;
  /**
   * The proxy's access log.
   * @default - none
   */
  readonly accessLog?: LinkerdAccessLogFormat;
  /**
   * How long an unused outbound discovery result stays cached (`proxy.outboundDiscoveryCacheUnusedTimeout`).
   * @default Duration.seconds(5)
   * @see https://linkerd.io/2-edge/tasks/configuring-proxy-discovery-cache/
   */
  readonly outboundDiscoveryCacheUnusedTimeout?: Duration;
  /**
   * How long an unused inbound discovery result stays cached (`proxy.inboundDiscoveryCacheUnusedTimeout`).
   * @default Duration.seconds(90)
   */
  readonly inboundDiscoveryCacheUnusedTimeout?: Duration;
  /**
   * Whether the proxy's `/shutdown` admin endpoint is on (for jobs that end their proxy).
   * @default false
   * @see https://linkerd.io/2-edge/tasks/graceful-shutdown/
   */
  readonly enableShutdownEndpoint?: boolean;
  /**
   * How long the proxy waits for open connections when shutting down before it closes them.
   * @default - the proxy's own
   */
  readonly shutdownGracePeriod?: Duration;
  /**
   * Whether outbound request metrics carry the destination's hostname (`proxy.metrics.hostnameLabels`: the egress
   * task's).
   * @default false
   */
  readonly hostnameMetricLabels?: boolean;
}

/** One of an enum's values, or the problem naming the nearest. @internal */
export function enumProblem(field: string, value: unknown, values: readonly string[], what: string): Problem | undefined {
  if (typeof value === 'string' && values.includes(value)) return undefined;
  return problem(field, `must be ${what}: ${values.join(', ')}`, value, typeof value === 'string' ? suggestion(value, values) : undefined);
}

/** The proxy options as model data, or the first problem (thrown). @internal */
export function linkerdProxyModelOf(o: LinkerdProxyOptions, field: string): LinkerdProxyValuesModel {
  const check = (p: Problem | undefined) => {
    if (p) fail(p);
  };
  const whole = (f: string, v: number | undefined, min: number): void => {
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min)) check(problem(`${field}.${f}`, `must be a whole number of at least ${min}`, v));
  };
  const w = o.workers;
  if (w !== undefined) {
    whole('workers.minimum', w.minimum, 1);
    whole('workers.maximum', w.maximum, 1);
    if (w.maximum !== undefined && w.maximum < (w.minimum ?? 1)) {
      check(problem(`${field}.workers.maximum`, 'must be at least workers.minimum', w.maximum, `raise it to ${w.minimum ?? 1} or more`));
    }
    const r = w.maximumCpuRatio;
    if (r !== undefined && (typeof r !== 'number' || !(r > 0 && r <= 1))) {
      check(problem(`${field}.workers.maximumCpuRatio`, 'must be a share of the node\'s CPUs, more than 0 and at most 1', r, 'e.g. 0.2 for a thread per five CPUs'));
    }
  }
  if (o.logLevel !== undefined && !(o.logLevel instanceof LinkerdProxyLogLevel)) {
    check(problem(`${field}.logLevel`, 'must be a LinkerdProxyLogLevel', o.logLevel, 'use LinkerdProxyLogLevel.of() or LinkerdProxyLogLevel.fromString()'));
  }
  if (o.logFormat !== undefined) check(enumProblem(`${field}.logFormat`, o.logFormat, Object.values(LinkerdLogFormat), 'a log format'));
  if (o.accessLog !== undefined) check(enumProblem(`${field}.accessLog`, o.accessLog, Object.values(LinkerdAccessLogFormat), 'an access log format'));
  for (const k of ['enableShutdownEndpoint', 'hostnameMetricLabels'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') check(problem(`${field}.${k}`, 'must be true or false', o[k]));
  }
  const duration = (k: 'outboundDiscoveryCacheUnusedTimeout' | 'inboundDiscoveryCacheUnusedTimeout' | 'shutdownGracePeriod') =>
    (o[k] !== undefined ? wholeUnitsDurationString(`${field}.${k}`, o[k]) : undefined);
  let resources: LinkerdProxyValuesModel['resources'];
  if (o.resources !== undefined) {
    const r = resourcesModelOf(o.resources);
    resources = {
      cpu: { request: r?.requests?.cpu ?? '', limit: r?.limits?.cpu ?? '' },
      memory: { request: r?.requests?.memory ?? '', limit: r?.limits?.memory ?? '' },
    };
  }
  return {
    resources,
    workers: w ? { minimum: w.minimum, maximum: w.maximum, maximumCPURatio: w.maximumCpuRatio } : undefined,
    logLevel: o.logLevel?.value,
    logFormat: o.logFormat,
    accessLog: o.accessLog,
    outboundDiscoveryCacheUnusedTimeout: duration('outboundDiscoveryCacheUnusedTimeout'),
    inboundDiscoveryCacheUnusedTimeout: duration('inboundDiscoveryCacheUnusedTimeout'),
    enableShutdownEndpoint: o.enableShutdownEndpoint,
    shutdownGracePeriod: duration('shutdownGracePeriod'),
    hostnameLabels: o.hostnameMetricLabels,
  };
}
