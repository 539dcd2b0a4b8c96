import { isObj, list, nameOf } from '../context';
import { AnalysisContext, AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';

/*
 * EnvoyFilters: Istio's `envoyfilter` analyzers (istio/istio pkg/config/analysis/analyzers/envoyfilter/), one file per Istio package.
 */

const NET = 'networking.istio.io';
const name = nameOf;
type Obj = { [k: string]: unknown };
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const spec = (o: AnalyzedObject) => obj(o.manifest.spec);

/** Istio's EnvoyFilter patch checks (envoyfilter.EnvoyPatchAnalyzer), in the order Istio walks the filters. */
function envoyFilterFindings(ctx: AnalysisContext): Array<RawFinding & { code: string }> {
  const out: Array<RawFinding & { code: string }> = [];
  let withProxyVersion: string[] = [];
  for (const ef of ctx.of('EnvoyFilter', NET)) {
    const priority = Number(spec(ef).priority ?? 0);
    for (const [i, raw] of list(spec(ef).configPatches as unknown[]).entries()) {
      const patchItem = obj(raw);
      if (patchItem.patch === undefined || patchItem.patch === null) break;
      const patch = obj(patchItem.patch);
      const match = obj(patchItem.match);
      const value = obj(patch.value);
      const instance = value.name !== undefined ? JSON.stringify(value.name) : JSON.stringify(obj(obj(obj(match.listener).filterChain).filter).name ?? '');
      const applyTo = String(patchItem.applyTo ?? '');
      const op = String(patch.operation ?? '');
      const at = `configPatches[${i}]`;
      const field = `spec.${at}.patch.operation`;
      // istio/api networking/v1alpha3/envoy_filter.proto (priority): negative before the default priority 0, positive after
      const priorityFix = 'set spec.priority so that its order is fixed (a negative one applies it before the EnvoyFilters of priority 0, a positive one after)';
      // the message names no patch: several relative patches of one EnvoyFilter are one finding (istioctl dedupes them),
      // its field the first of them
      const relative = () => {
        if (priority !== 0) return;
        const versioned = withProxyVersion.includes(instance);
        out.push(versioned
          ? { code: 'IST0155', object: ef, field, value: op, fix: priorityFix, message: `EnvoyFilter '${name(ef)}' uses a relative operation with a proxyVersion match and no priority: its order against other EnvoyFilters changes with upgrades` }
          : { code: 'IST0151', object: ef, field, value: op, fix: priorityFix, message: `EnvoyFilter '${name(ef)}' uses a relative operation (INSERT_BEFORE, INSERT_AFTER, REPLACE, REMOVE) without a priority: its result depends on the order EnvoyFilters are applied` });
      };
      const route = applyTo === 'ROUTE_CONFIGURATION' || applyTo === 'HTTP_ROUTE';
      // what each operation applies to: istio/api networking/v1alpha3/envoy_filter.proto (Patch.Operation)
      if (op === 'ADD') {
        if (route) {
          out.push({
            code: 'IST0153',
            object: ef,
            field,
            value: op,
            message: `EnvoyFilter '${name(ef)}' uses ADD on ${applyTo} (${at}), where Istio ignores it`,
            fix: applyTo === 'HTTP_ROUTE' ? 'add the route with INSERT_FIRST, INSERT_BEFORE or INSERT_AFTER instead' : 'change the route configuration with MERGE instead, or ADD a VIRTUAL_HOST to it',
          });
        }
      } else if (op === 'REMOVE') {
        if (route) {
          out.push({
            code: 'IST0154',
            object: ef,
            field,
            value: op,
            message: `EnvoyFilter '${name(ef)}' uses REMOVE on ${applyTo} (${at}), where Istio ignores it`,
            fix: `remove the patch ${at}, or REMOVE the VIRTUAL_HOST that holds the ${applyTo === 'HTTP_ROUTE' ? 'route' : 'routes'} instead`,
          });
        } else {
          relative();
        }
      } else if (op === 'REPLACE') {
        if (!['NETWORK_FILTER', 'HTTP_FILTER', 'VIRTUAL_HOST'].includes(applyTo)) {
          out.push({
            code: 'IST0152',
            object: ef,
            field,
            value: op,
            message: `EnvoyFilter '${name(ef)}' uses REPLACE on ${applyTo || 'nothing'} (${at}): REPLACE applies to HTTP_FILTER, NETWORK_FILTER and VIRTUAL_HOST only`,
            fix: `use MERGE to change the ${applyTo || 'object'}, or REPLACE an HTTP_FILTER, NETWORK_FILTER or VIRTUAL_HOST`,
          });
        } else {
          relative();
        }
      } else if (op === 'INSERT_BEFORE' || op === 'INSERT_AFTER') {
        relative();
      }
      if (obj(match.proxy).proxyVersion) withProxyVersion = [...withProxyVersion, instance];
    }
  }
  return out;
}

const envoyFilterCache = new WeakMap<readonly AnalyzedObject[], Array<RawFinding & { code: string }>>();
const envoyFilter = (code: string, n: string, level: FindingLevel, description: string): Analyzer => ({
  analyzer: 'envoyfilter.EnvoyPatchAnalyzer',
  code,
  name: n,
  level,
  description,
  run: ctx => {
    let all = envoyFilterCache.get(ctx.objects);
    if (!all) {
      all = envoyFilterFindings(ctx);
      envoyFilterCache.set(ctx.objects, all);
    }
    return all.filter(f => f.code === code).map(({ code: _, ...f }) => f);
  },
});

/** Istio's `envoyfilter` analyzers. */
export const ENVOY_FILTER_ANALYZERS: Analyzer[] = [
  envoyFilter('IST0151', 'EnvoyFilterUsesRelativeOperation', FindingLevel.WARNING, 'an EnvoyFilter patch uses a relative operation (INSERT_BEFORE/AFTER, REPLACE, REMOVE) without a priority'),
  envoyFilter('IST0152', 'EnvoyFilterUsesReplaceOperationIncorrectly', FindingLevel.ERROR, 'an EnvoyFilter uses REPLACE on something other than HTTP_FILTER or NETWORK_FILTER'),
  envoyFilter('IST0153', 'EnvoyFilterUsesAddOperationIncorrectly', FindingLevel.ERROR, 'an EnvoyFilter uses ADD on ROUTE_CONFIGURATION or HTTP_ROUTE, where it is ignored'),
  envoyFilter('IST0154', 'EnvoyFilterUsesRemoveOperationIncorrectly', FindingLevel.ERROR, 'an EnvoyFilter uses REMOVE on ROUTE_CONFIGURATION or HTTP_ROUTE, where it is ignored'),
  envoyFilter('IST0155', 'EnvoyFilterUsesRelativeOperationWithProxyVersion', FindingLevel.WARNING, 'an EnvoyFilter patch with a proxyVersion match uses a relative operation without a priority'),
];
