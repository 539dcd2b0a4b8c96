import { HttpRoute, VirtualServiceSpec } from './types';
import { list, nameOf, str, toFqdn } from '../context';
import { AnalysisContext, AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';

/*
 * mesh-kit's own checks of a route's policies (mirror, retries, timeouts, faults) that neither istioctl nor Kiali make.
 */

const NET = 'networking.istio.io';
const name = nameOf;
const vsSpec = (o: AnalyzedObject) => (o.manifest.spec ?? {}) as VirtualServiceSpec;

/** The findings of a check of each HTTP route of each VirtualService (plain loops: most routes have nothing to say). */
function eachHttpRoute(ctx: AnalysisContext, check: (vs: AnalyzedObject, r: HttpRoute, i: number) => Omit<RawFinding, 'object'> | undefined): RawFinding[] {
  const out: RawFinding[] = [];
  for (const vs of ctx.of('VirtualService', NET)) {
    const routes = vsSpec(vs).http;
    if (!Array.isArray(routes)) continue;
    for (let i = 0; i < routes.length; i++) {
      const r = routes[i];
      if (!r || typeof r !== 'object') continue;
      const found = check(vs, r, i);
      if (found !== undefined) out.push({ object: vs, ...found });
    }
  }
  return out;
}

const sameDestination = (ns: string, a: { host?: string; subset?: string } | undefined, b: { host?: string; subset?: string } | undefined) =>
  !!a && !!b && toFqdn(ns, a.host ?? '') === toFqdn(ns, b.host ?? '') && (a.subset ?? '') === (b.subset ?? '');

const mirrorToSelf: Analyzer = {
  analyzer: 'meshkit.RouteChecker',
  code: 'MK0002',
  name: 'MirrorToOwnDestination',
  level: FindingLevel.WARNING,
  description: 'a route mirrors traffic to one of its own destinations: that destination gets each mirrored request twice (no Kiali code)',
  run: ctx => eachHttpRoute(ctx, (vs, r, i) => {
    if (!r.mirror && !r.mirrors) return undefined;
    const ns = ctx.namespaceOf(vs);
    const mirrors = [{ field: `spec.http[${i}].mirror`, m: r.mirror }, ...list(r.mirrors).map((x, k) => ({ field: `spec.http[${i}].mirrors[${k}].destination`, m: x?.destination }))];
    const found = mirrors.find(({ m: x }) => x && list(r.route).some(d => sameDestination(ns, d?.destination, x)));
    const m = found?.m;
    return m ? {
      message: `VirtualService '${name(vs)}' http[${i}] mirrors to '${str(m.host)}${m.subset ? `' subset '${str(m.subset)}` : ''}', which it also routes to: `
        + 'those pods get every mirrored request twice (mesh-kit MK0002)',
      field: found.field,
      value: m,
      fix: `mirror to a destination http[${i}] does not route to (another subset or service), or remove ${found.field.replace(/^spec\./, '').replace(/\.destination$/, '')}`,
    } : undefined;
  }),
};

/** Seconds of an Istio duration (`1.5s`, `300ms`, `1m`, `1h`), or undefined. */
export function durationSeconds(d: unknown): number | undefined {
  const m = typeof d === 'string' ? /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(d.trim()) : null;
  if (!m) return undefined;
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

const perTryLongerThanTimeout: Analyzer = {
  analyzer: 'meshkit.RouteChecker',
  code: 'MK0003',
  name: 'PerTryTimeoutLongerThanRouteTimeout',
  level: FindingLevel.WARNING,
  description: 'a route\'s retries.perTryTimeout is longer than its timeout: no retry ever happens (no Kiali code)',
  run: ctx => eachHttpRoute(ctx, (vs, r, i) => {
    if (r.timeout === undefined || !r.retries?.perTryTimeout) return undefined;
    const timeout = durationSeconds(r.timeout);
    const perTry = durationSeconds(r.retries.perTryTimeout);
    const attempts = r.retries.attempts ?? 2;
    return timeout !== undefined && perTry !== undefined && timeout > 0 && perTry >= timeout && attempts > 0 ? {
      message: `VirtualService '${name(vs)}' http[${i}] has retries.perTryTimeout ${str(r.retries.perTryTimeout)} and timeout ${str(r.timeout)}: `
        + 'the first try uses the whole timeout, so no retry happens (mesh-kit MK0003)',
      field: `spec.http[${i}].retries.perTryTimeout`,
      value: r.retries.perTryTimeout,
      // the route's timeout bounds every try together: the first and `attempts` retries share it
      fix: `set retries.perTryTimeout shorter than the timeout ${str(r.timeout)}, e.g. ${Math.max(1, Math.floor(timeout * 1000 / (attempts + 1)))}ms for ${attempts + 1} tries`,
    } : undefined;
  }),
};

const retriesWithFault: Analyzer = {
  analyzer: 'meshkit.RouteChecker',
  code: 'MK0004',
  name: 'RetriesWithFaultInjection',
  level: FindingLevel.WARNING,
  description: 'a route injects faults and retries: the retries hide failures the fault injection is there to show the callers (no Kiali code)',
  run: ctx => eachHttpRoute(ctx, (vs, r, i) => (r.fault && r.retries && (r.retries.attempts ?? 2) > 0 ? {
    message: `VirtualService '${name(vs)}' http[${i}] injects faults and retries ${r.retries.attempts ?? 'twice (Istio\'s default)'}: `
      + 'the retries hide the failures it injects (mesh-kit MK0004)',
    field: r.retries.attempts !== undefined ? `spec.http[${i}].retries.attempts` : `spec.http[${i}].retries`,
    value: r.retries.attempts ?? r.retries,
    fix: `set retries.attempts to 0 on http[${i}], a fault-injection route`,
  } : undefined)),
};


/** mesh-kit's checks of route policies. */
export const ROUTE_POLICY_ANALYZERS: Analyzer[] = [mirrorToSelf, perTryLongerThanTimeout, retriesWithFault];
