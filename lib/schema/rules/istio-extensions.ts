/**
 * Istio's validating webhook (istio/istio pkg/config/validation/validation.go and envoyfilter/envoyfilter.go) for
 * Telemetry, WasmPlugin and EnvoyFilter: what istiod refuses beyond the CRD schemas (the schemas already carry
 * provider names, sampling ranges, tag override values, URL schemes, sha256 and port ranges; nothing here repeats them).
 * EnvoyFilter's patch values are Envoy protos mesh-kit does not carry: only the patch's shape is checked.
 *
 * @module
 */
import { istio, re2Problem } from './istio-common';
import { policyTargetProblems } from './istio-security';
import { arr, obj, specOf, str } from './util';
import { Manifest } from '../../render/model';

type CelParse = (expr: string) => unknown;
let celParse: CelParse | undefined;
/** Parse results by expression: access-log filters repeat across objects. */
const celParsed = new Map<string, string | undefined>();

/** cel-go's Parse, as validateTelemetryFilter (validation_istiod.go) runs it: the error's first line, or undefined. */
function celParseProblem(expr: string): string | undefined {
  if (celParsed.has(expr)) return celParsed.get(expr);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  celParse ??= (require('@bufbuild/cel') as { parse: CelParse }).parse;
  let problem: string | undefined;
  try {
    celParse(expr);
  } catch (e) {
    problem = String((e as { message?: unknown })?.message ?? e).split('\n')[0];
  }
  celParsed.set(expr, problem);
  return problem;
}

/**
 * ValidateTelemetry: targetRefs name kinds a policy may target (validatePolicyTargetReference), tracing custom tags
 * have names (validateTelemetryTracing), access-log filters are CEL expressions (validateTelemetryFilter).
 */
export function telemetryProblems(o: Manifest): string[] {
  const spec = specOf(o);
  const out = policyTargetProblems(spec);
  arr(spec.tracing).forEach((t, i) => {
    const tags = obj(obj(t)?.customTags);
    if (tags && Object.prototype.hasOwnProperty.call(tags, '')) {
      out.push(`/spec/tracing/${i}/customTags: a custom tag name must not be empty: got ''; name the span tag ${istio('validateTelemetryTracing')}`);
    }
  });
  arr(spec.accessLogging).forEach((l, i) => {
    const filter = obj(obj(l)?.filter);
    if (!filter) return;
    const expr = str(filter.expression) ?? '';
    const p = celParseProblem(expr);
    if (p) {
      out.push(`/spec/accessLogging/${i}/filter/expression: must be a CEL expression (${p}): got '${expr}'; `
        + `write a condition such as 'response.code >= 400' ${istio('validateTelemetryFilter')}`);
    }
  });
  return out;
}

/**
 * ValidateWasmPlugin: targetRefs name kinds a policy may target. Its unique vmConfig env names (validateWasmPluginVMConfig)
 * are the API server's to refuse first: the CRD keys `env` by name (x-kubernetes-list-type: map, lib/schema/list-types.ts).
 */
export function wasmPluginProblems(o: Manifest): string[] {
  return policyTargetProblems(specOf(o));
}

const EF = istio('ValidateEnvoyFilter');
const LISTENER_CLASS = new Set(['LISTENER', 'FILTER_CHAIN', 'NETWORK_FILTER', 'HTTP_FILTER']);
const ROUTE_CLASS = new Set(['ROUTE_CONFIGURATION', 'VIRTUAL_HOST', 'HTTP_ROUTE']);
const HCM = 'envoy.filters.network.http_connection_manager';
/** Longer proxyVersion patterns are ignored with a warning, not compiled (envoyfilter.go maxProxyVersionLen). */
const MAX_PROXY_VERSION = 1024;

/** The object type a patch's match names (listener, routeConfiguration, cluster), if any. */
function matchObjectType(match: { [k: string]: unknown } | undefined): string | undefined {
  if (!match) return undefined;
  for (const t of ['listener', 'routeConfiguration', 'cluster', 'waypoint']) if (match[t] !== undefined && match[t] !== null) return t;
  return undefined;
}

/**
 * ValidateEnvoyFilter (pkg/config/validation/envoyfilter): each config patch has an applyTo, a patch with an
 * operation and, unless it removes, a value; a proxyVersion match compiles; the match's object type suits applyTo;
 * a filter match names its filter, a sub-filter match only under HTTP_FILTER and the HTTP connection manager.
 * WAYPOINT patches are not checked (nor are they upstream).
 */
export function envoyFilterProblems(o: Manifest): string[] {
  const out: string[] = [];
  arr(specOf(o).configPatches).forEach((c, i) => {
    const cp = obj(c);
    const at = `/spec/configPatches/${i}`;
    if (!cp) {
      if (c === null) out.push(`${at}: a config patch must not be null: got null; remove it ${EF}`);
      return;
    }
    const match = obj(cp.match);
    if (str(match?.context) === 'WAYPOINT') return;
    const applyTo = str(cp.applyTo) ?? 'INVALID';
    if (applyTo === 'INVALID') {
      out.push(`${at}/applyTo: must name what the patch applies to: got '${applyTo}'; use LISTENER, HTTP_FILTER, CLUSTER… ${EF}`);
      return;
    }
    const patch = obj(cp.patch);
    if (!patch) {
      out.push(`${at}/patch: must be set: got none; give the operation and value ${EF}`);
      return;
    }
    const operation = str(patch.operation) ?? 'INVALID';
    if (operation === 'INVALID') {
      out.push(`${at}/patch/operation: must be set: got '${operation}'; use MERGE, ADD, REMOVE, INSERT_BEFORE, INSERT_AFTER, INSERT_FIRST or REPLACE ${EF}`);
      return;
    }
    if (operation !== 'REMOVE' && (patch.value === undefined || patch.value === null)) {
      out.push(`${at}/patch/value: must be set for operation ${operation}: got none; give the Envoy configuration to ${operation.toLowerCase()} ${EF}`);
      return;
    }
    const version = str(obj(match?.proxy)?.proxyVersion);
    if (version && version.length <= MAX_PROXY_VERSION) {
      const p = re2Problem(version);
      if (p) {
        out.push(`${at}/match/proxy/proxyVersion: ${p} ${EF}`);
        return;
      }
    }
    const type = matchObjectType(match);
    if (type === undefined) return;
    if (LISTENER_CLASS.has(applyTo)) {
      if (type !== 'listener') {
        out.push(`${at}/match: applyTo ${applyTo} needs a listener match: got a ${type} match; match on listener ${EF}`);
        return;
      }
      const filter = obj(obj(obj(match?.listener)?.filterChain)?.filter);
      if (!filter) return;
      const name = str(filter.name) ?? '';
      if (name === '') {
        out.push(`${at}/match/listener/filterChain/filter/name: a filter match must name the filter: got ''; e.g. '${HCM}' ${EF}`);
        return;
      }
      const sub = obj(filter.subFilter);
      if (!sub) return;
      if (applyTo !== 'HTTP_FILTER') {
        out.push(`${at}/match/listener/filterChain/filter/subFilter: a subFilter match is only allowed with applyTo HTTP_FILTER: got applyTo ${applyTo} ${EF}`);
      } else if (name !== HCM && name !== 'envoy.http_connection_manager') {
        out.push(`${at}/match/listener/filterChain/filter/name: a subFilter match needs the filter match '${HCM}': got '${name}' ${EF}`);
      } else if (!str(sub.name)) {
        out.push(`${at}/match/listener/filterChain/filter/subFilter/name: a subFilter match must name the HTTP filter: got ''; e.g. 'envoy.filters.http.router' ${EF}`);
      }
    } else if (ROUTE_CLASS.has(applyTo) && type !== 'routeConfiguration') {
      out.push(`${at}/match: applyTo ${applyTo} needs a routeConfiguration match: got a ${type} match; match on routeConfiguration ${EF}`);
    } else if (applyTo === 'CLUSTER' && type !== 'cluster') {
      out.push(`${at}/match: applyTo CLUSTER needs a cluster match: got a ${type} match; match on cluster ${EF}`);
    }
  });
  return out;
}
