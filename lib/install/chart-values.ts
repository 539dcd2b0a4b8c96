import type Ajv from 'ajv';
import { ChartValue, ISTIO_CHARTS, ISTIO_GATEWAY_VALUES_SCHEMA } from './generated/install-data';
import { LINKERD_CHARTS } from './generated/linkerd-install-data';
import { suggestion } from '../core/closest';
import { Problem, problem } from '../core/errors';

/** Chart values: plain JSON data, as a values file holds. */
export type ChartValues = { readonly [key: string]: unknown };

/**
 * Keys every Istio chart reads besides its values.yaml: the charts' `templates/zzz_profile.yaml` applies the profile
 * and platform overlays they name (istio/istio manifests/charts/*\/templates/zzz_profile.yaml).
 */
const PROFILE_KEYS = ['profile', 'platform', 'compatibilityVersion'];

/**
 * Maps whose keys are the user's, not the chart's: Istio's MeshConfig (its own API, `meshConfig` typed options) and
 * maps of labels or annotations (a default key holds a `/` or a `.`).
 */
function freeForm(path: readonly string[], defaults: { readonly [key: string]: ChartValue }): boolean {
  const last = path[path.length - 1];
  return last === 'meshConfig' || Object.keys(defaults).length === 0 || Object.keys(defaults).some(k => /[/.]/.test(k));
}

const isMap = (v: unknown): v is { [key: string]: unknown } => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The problems of values given to a chart, checked against its defaults: a key the chart does not have is named with
 * the nearest one it has. Below maps that are free-form (labels, annotations, `meshConfig`, maps empty by default) and
 * below keys whose default is a list, a scalar or null, anything goes (Helm does not check either).
 */
function valueKeyProblems(chart: string, defaults: { readonly [key: string]: ChartValue }, topKeys: readonly string[], field: string,
  values: ChartValues): string[] {
  const out: string[] = [];
  const walk = (given: { [key: string]: unknown }, known: { readonly [key: string]: ChartValue }, path: string[]): void => {
    for (const [k, v] of Object.entries(given)) {
      const here = [...path, k];
      if (!(k in known)) {
        if (path.length === 0 && topKeys.includes(k)) continue;
        const candidates = [...Object.keys(known), ...(path.length === 0 ? topKeys : [])];
        out.push(problem(`${field}.${here.join('.')}`, `is not a value of ${chart} chart`, v, suggestion(k, candidates)).message);
        continue;
      }
      const d = known[k];
      if (isMap(d) && !freeForm(here, d)) {
        if (isMap(v)) walk(v, d, here);
        else if (v !== null) out.push(problem(`${field}.${here.join('.')}`, `must be a map, as the ${chart.replace(/^.*'s /, '')} chart's default is`, v).message);
      }
    }
  };
  if (!isMap(values)) return [problem(field, 'must be a map of chart values', values).message];
  walk(values, defaults, []);
  return out;
}

/**
 * The problems of values given to one of Istio's charts, checked against the chart's defaults (generated from its
 * values.yaml): a key the chart does not have is named with the nearest one it has. Below maps that are free-form
 * (labels, annotations, `meshConfig`, maps empty by default) and below keys whose default is a list, a scalar or
 * null, anything goes (Helm does not check either).
 */
export function chartValueProblems(chartDir: string, field: string, values: ChartValues): string[] {
  const chart = ISTIO_CHARTS[chartDir];
  return valueKeyProblems(`Istio's ${chart.chart}`, chart.defaults, PROFILE_KEYS, field, values);
}

/**
 * Values Linkerd's templates read that its values.yaml does not list (linkerd/linkerd2 at edge-26.8.3): the proxy's
 * `charts/partials/templates/_proxy.tpl` (`proxy.accessLog`, `additionalEnv`, `experimentalEnv`,
 * `requireTLSOnInboundPorts`, `runtime.workers.maximum`, `tracing.protocol`), `_capabilities.tpl`
 * (`proxy.capabilities`, `proxyInit.capabilities`), `_network-validator.tpl`, linkerd-control-plane's
 * `templates/destination.yaml` (`policyController.additionalArgs`, which the docs set) and linkerd-viz's templates
 * (`podAnnotations`, `enablePprof`, `cniEnabled`). Values the CLI or the injector set for themselves (`cliVersion`,
 * `proxy.component`, `proxy.isGateway`…) are not among them.
 */
const LINKERD_TEMPLATE_KEYS: { readonly [chart: string]: readonly string[] } = {
  'linkerd-control-plane': [
    'policyController.additionalArgs', 'policyController.experimentalArgs', 'proxy.accessLog', 'proxy.additionalEnv',
    'proxy.experimentalEnv', 'proxy.requireTLSOnInboundPorts', 'proxy.runtime.workers.maximum', 'proxy.tracing.protocol',
    'proxy.capabilities', 'proxyInit.capabilities', 'networkValidator.enableSecurityContext',
  ],
  'linkerd-viz': ['podAnnotations', 'enablePprof', 'cniEnabled'],
};

const linkerdKnown = new Map<string, { readonly [key: string]: ChartValue }>();

/** A Linkerd chart's defaults with the values its templates read besides them (null: any value). */
function linkerdKeysOf(chartName: string): { readonly [key: string]: ChartValue } {
  let known = linkerdKnown.get(chartName);
  if (!known) {
    const copy = JSON.parse(JSON.stringify(LINKERD_CHARTS[chartName].defaults)) as { [key: string]: ChartValue };
    for (const dotted of LINKERD_TEMPLATE_KEYS[chartName] ?? []) {
      const keys = dotted.split('.');
      let at: { [key: string]: ChartValue } = copy;
      for (const k of keys.slice(0, -1)) at = at[k] as { [key: string]: ChartValue };
      if (!(keys[keys.length - 1] in at)) at[keys[keys.length - 1]] = null;
    }
    known = copy;
    linkerdKnown.set(chartName, known);
  }
  return known;
}

/**
 * The problems of values given to one of Linkerd's charts (`linkerd-crds`, `linkerd-control-plane`, `linkerd-viz`),
 * checked as Istio's are against the chart's defaults: generated from its values.yaml, with the keys it documents only
 * in comments (`#destinationResources:`), those its values-ha.yaml sets (`heartbeatResources`, `highAvailability`)
 * and those its templates read besides (`proxy.accessLog`, `policyController.additionalArgs`).
 */
export function linkerdChartValueProblems(chartName: string, field: string, values: ChartValues): string[] {
  return valueKeyProblems(`Linkerd's ${LINKERD_CHARTS[chartName].chart}`, linkerdKeysOf(chartName), [], field, values);
}

let gatewaySchema: ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string; params?: unknown }> | null } | undefined;

/** The problems of values for Istio's gateway chart, as Helm finds them with the chart's values.schema.json. */
export function gatewayChartSchemaProblems(field: string, values: ChartValues): string[] {
  if (gatewaySchema === undefined) {
    // ajv's compiler is loaded here, by an app with gateway chart values, not by every app at import
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ajv = require('ajv') as { default: typeof Ajv };
    gatewaySchema = new ajv.default({ strict: false, allErrors: true }).compile(ISTIO_GATEWAY_VALUES_SCHEMA as object);
  }
  if (gatewaySchema(values)) return [];
  return (gatewaySchema.errors ?? []).map(e => {
    const at = e.instancePath.split('/').slice(1).join('.');
    const extra = (e.params as { additionalProperty?: string } | undefined)?.additionalProperty;
    return problem(`${field}${at ? `.${at}` : ''}${extra ? `.${extra}` : ''}`, `breaks the gateway chart's values.schema.json: ${e.message ?? 'invalid'}`,
      extra ?? valueAt(values, e.instancePath)).message;
  });
}

function valueAt(values: unknown, pointer: string): unknown {
  let v = values;
  for (const p of pointer.split('/').slice(1)) v = isMap(v) ? v[p] : Array.isArray(v) ? v[Number(p)] : undefined;
  return v;
}

/** Deep merge of values, as Helm merges values files: maps key by key, anything else replaced. */
export function mergeValues(...layers: ReadonlyArray<ChartValues | undefined>): { [key: string]: unknown } {
  const out: { [key: string]: unknown } = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const [k, v] of Object.entries(layer)) {
      out[k] = isMap(v) && isMap(out[k]) ? mergeValues(out[k] as ChartValues, v) : v;
    }
  }
  return out;
}

/**
 * Secret material in values (a PEM block, a password, a private key) would be written into Git: refused, naming where
 * it is. Installations take certificates and keys from Secrets they name.
 */
export function secretMaterialProblems(field: string, values: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, at: string): void => {
    if (typeof v === 'string') {
      if (v.includes('-----BEGIN')) {
        out.push(problem(at, 'must not hold a certificate or key: it would be written into the output', '-----BEGIN …',
          'keep it in a Secret and reference the Secret (cert-manager, external-secrets), or pass it with `helm --set-file` outside Git').message);
      } else if (/(password|passwd|secret|private-?key|token)$/i.test(at.split('.').pop() ?? '') && v !== '') {
        out.push(problem(at, 'must not hold a password, key or token: it would be written into the output', '***',
          'reference a Secret holding it instead').message);
      }
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${at}[${i}]`));
    } else if (isMap(v)) {
      for (const [k, x] of Object.entries(v)) walk(x, `${at}.${k}`);
    }
  };
  walk(values, field);
  return out;
}

/** A chart version: an exact release (`1.28.0`, `2025.11.1`), never a range, so that the installation is pinned. */
export function versionProblem(field: string, version: string): Problem | undefined {
  return /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version) ? undefined
    : problem(field, 'must be an exact chart version (pinned, not a range or \'latest\')', version, 'e.g. \'1.28.0\'');
}
