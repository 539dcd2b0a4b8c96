import { field, isObj, nameOf, objs, specOf as spec, str, strMap } from '../context';
import { AnalysisContext, AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';

/*
 * mesh-kit's checks of Flagger Canaries (issue 35): the mistakes of hand-written Canaries that Flagger only finds at run
 * time, or never — a target that does not exist or is not what the Service selects, a metric template that is missing
 * or reads metrics the mesh does not export, steps that cannot be taken, objects of the names Flagger creates written by
 * hand (they fight every sync), and routes no proxy applies. The Canaries mesh-kit writes (CanaryDriver.flagger())
 * report none of them.
 */

const FLAGGER = 'flagger.app';
/** The labels Flagger selects a target's pods by, in its order (`-selector-labels`: pkg/controller/controller.go's default). */
const SELECTOR_LABELS = ['app', 'name', 'app.kubernetes.io/name'];
const name = nameOf;

/** What a Canary says, read once. */
interface CanaryFacts {
  readonly o: AnalyzedObject;
  readonly ns: string;
  readonly spec: { readonly [k: string]: unknown };
  readonly targetKind: string;
  readonly targetName: string;
  /** The apex Service's name: `service.name`, else the target's (pkg/apis/flagger/v1beta1/canary.go, GetServiceNames). */
  readonly apex: string;
  readonly provider: string;
  readonly target?: AnalyzedObject;
  /** The target's selector label Flagger goes by, and its value. */
  readonly label?: readonly [string, string];
}

function factsOf(ctx: AnalysisContext, o: AnalyzedObject): CanaryFacts {
  const s = spec(o);
  const ns = ctx.namespaceOf(o);
  const targetRef = field(s, 'targetRef');
  const targetKind = str(field(targetRef, 'kind')) || 'Deployment';
  const targetName = str(field(targetRef, 'name'));
  const target = ['Deployment', 'DaemonSet'].includes(targetKind) && targetName !== '' ? ctx.find(targetKind, 'apps', ns, targetName) : undefined;
  const matchLabels = strMap(field(field(spec(target ?? o), 'selector'), 'matchLabels'));
  const key = target ? SELECTOR_LABELS.find(l => matchLabels[l] !== undefined) : undefined;
  return {
    o,
    ns,
    spec: s,
    targetKind,
    targetName,
    target,
    apex: str(field(field(s, 'service'), 'name')) || targetName,
    provider: str(s.provider),
    label: key !== undefined ? [key, matchLabels[key]] : undefined,
  };
}

const canaries = (ctx: AnalysisContext): CanaryFacts[] => ctx.of('Canary', FLAGGER).map(o => factsOf(ctx, o));

const targetNotFound: Analyzer = {
  analyzer: 'meshkit.FlaggerTargetAnalyzer',
  code: 'MK0050',
  name: 'FlaggerTargetNotFound',
  level: FindingLevel.ERROR,
  description: 'a Flagger Canary targets a Deployment that does not exist, or one whose selector has none of the labels Flagger selects pods by: Flagger never starts the canary',
  run: ctx => canaries(ctx).flatMap((c): RawFinding[] => {
    if (!['Deployment', 'DaemonSet'].includes(c.targetKind) || c.targetName === '') return [];
    if (!c.target) {
      // in an app (a partial world) a Deployment of another namespace may be deployed elsewhere; the target is always the Canary's own
      return [{
        object: c.o,
        message: `Canary '${name(c.o)}' targets ${c.targetKind} '${c.targetName}', which does not exist in namespace '${c.ns}': Flagger never initializes the canary `
          + '(fluxcd/flagger pkg/canary/deployment_controller.go, Initialize: the target is read first)',
        field: 'spec.targetRef.name',
        value: c.targetName,
        fix: `name the ${c.targetKind} whose pod template is rolled out, in namespace '${c.ns}'`,
      }];
    }
    if (c.label) return [];
    return [{
      object: c.o,
      message: `Canary '${name(c.o)}' targets ${c.targetKind} '${c.targetName}', whose selector has none of the labels Flagger selects pods by (${SELECTOR_LABELS.join(', ')}): `
        + 'Flagger refuses it (pkg/canary/deployment_controller.go, getSelectorLabel)',
      field: 'spec.targetRef.name',
      value: c.targetName,
      fix: `select the pods of ${c.targetKind} '${c.targetName}' by an app label (spec.selector.matchLabels.app)`,
    }];
  }),
};

/** The apex Service, when written, and its selector. */
function apexService(ctx: AnalysisContext, c: CanaryFacts): { o: AnalyzedObject; selector: { [k: string]: string } } | undefined {
  const o = ctx.find('Service', '', c.ns, c.apex);
  return o ? { o, selector: strMap(field(spec(o), 'selector')) } : undefined;
}

const targetNotSelected: Analyzer = {
  analyzer: 'meshkit.FlaggerTargetAnalyzer',
  code: 'MK0051',
  name: 'FlaggerTargetNotSelectedByService',
  level: FindingLevel.WARNING,
  description: 'the Service a Flagger Canary manages selects other pods than its target\'s: Flagger re-points the Service at the target\'s primary, and its callers reach another app',
  run: ctx => canaries(ctx).flatMap((c): RawFinding[] => {
    const svc = c.label ? apexService(ctx, c) : undefined;
    if (!svc || !c.label || Object.keys(svc.selector).length === 0) return [];
    const [key, value] = c.label;
    const own = svc.selector[key];
    if (own === value || own === `${value}-primary`) return [];
    const selector = Object.entries(svc.selector).map(([k, v]) => `${k}=${v}`).join(',');
    return [{
      object: c.o,
      message: `Canary '${name(c.o)}' manages Service '${c.apex}', which selects ${selector}, but its target ${c.targetKind} '${c.targetName}' runs pods labelled ${key}=${value}: `
        + `Flagger sets the Service's selector to ${key}=${value}-primary (pkg/router/kubernetes_default.go, reconcileService), so its callers reach another app's pods`,
      field: 'spec.targetRef.name',
      value: c.targetName,
      fix: `target the Deployment whose pods Service '${c.apex}' selects, or give the Canary its own service.name`,
    }];
  }),
};

/** The metrics of a Canary's analysis, with where each is written. */
function metricsOf(c: CanaryFacts): Array<{ metric: { [k: string]: unknown }; at: string }> {
  return objs(field(field(c.spec, 'analysis'), 'metrics')).map((metric, i) => ({ metric, at: `spec.analysis.metrics[${i}]` }));
}

const templateNotFound: Analyzer = {
  analyzer: 'meshkit.FlaggerMetricAnalyzer',
  code: 'MK0052',
  name: 'FlaggerMetricTemplateNotFound',
  level: FindingLevel.ERROR,
  description: 'a Flagger Canary\'s metric names a MetricTemplate that does not exist: every check of the analysis fails, and the canary is rolled back',
  run: ctx => canaries(ctx).flatMap(c => metricsOf(c).flatMap(({ metric, at }): RawFinding[] => {
    const ref = field(metric, 'templateRef');
    if (!isObj(ref) || str(ref.name) === '') return [];
    const ns = str(ref.namespace) || c.ns;
    if (ctx.find('MetricTemplate', FLAGGER, ns, str(ref.name)) || (ctx.world === 'partial' && ns !== c.ns)) return [];
    return [{
      object: c.o,
      message: `Canary '${name(c.o)}' reads metric '${str(metric.name)}' from MetricTemplate '${str(ref.name)}' of namespace '${ns}', which does not exist: `
        + 'each check of the analysis fails, and Flagger rolls the canary back (pkg/controller/scheduler_metrics.go, runMetricChecks)',
      field: `${at}.templateRef.name`,
      value: str(ref.name),
      fix: `write MetricTemplate '${str(ref.name)}' in namespace '${ns}', or name an existing one`,
    }];
  })),
};

/** The metrics each mesh's proxies export, and the labels only the other mesh puts on its own. */
const ISTIO_METRIC = /^istio_(requests_total|request_duration_milliseconds(_bucket|_sum|_count)?|request_bytes\w*|response_bytes\w*)$/;
const LINKERD_METRIC = /^(response_total|request_total|response_latency_ms(_bucket|_sum|_count)?)$/;
const LINKERD_ONLY_LABELS = ['deployment', 'direction', 'classification', 'status_code', 'authority'];
const ISTIO_ONLY_LABELS = ['reporter', 'destination_workload', 'destination_workload_namespace', 'response_code', 'source_workload', 'destination_service_name'];

/** Each `metric{labels}` of a PromQL query, with the labels it matches on and their values. */
function selectorsOf(query: string): Array<{ metric: string; labels: Map<string, string> }> {
  const out: Array<{ metric: string; labels: Map<string, string> }> = [];
  // Flagger's template variables (`{{ namespace }}`: pkg/metrics/observers/render.go) are values, never selectors
  const plain = query.replace(/\{\{[^}]*\}\}/g, 'v');
  for (const m of plain.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}/g)) {
    const labels = new Map<string, string>();
    for (const l of m[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*"([^"]*)"/g)) labels.set(l[1], l[2]);
    out.push({ metric: m[1], labels });
  }
  return out;
}

/** The mesh whose proxies report the canary's requests: the provider's, else (the Gateway API) the namespace's. */
function meshOf(ctx: AnalysisContext, c: CanaryFacts): 'istio' | 'linkerd' {
  if (c.provider === 'linkerd' || c.provider.startsWith('smi')) return 'linkerd';
  if (c.provider === 'istio') return 'istio';
  const ns = ctx.namespace(c.ns);
  const inject = ns ? strMap(ns.manifest.metadata.annotations)['linkerd.io/inject'] : undefined;
  return c.o.mesh === 'linkerd' || inject === 'enabled' ? 'linkerd' : 'istio';
}

function ambientNamespace(ctx: AnalysisContext, ns: string): boolean {
  const o = ctx.namespace(ns);
  return o !== undefined && strMap(o.manifest.metadata.labels)['istio.io/dataplane-mode'] === 'ambient';
}

/** What is wrong with a query for a mesh, if anything: [the value, the message's reason, the fix]. */
function queryProblem(query: string, mesh: 'istio' | 'linkerd', ambient: boolean): [string, string, string] | undefined {
  for (const { metric, labels } of selectorsOf(query)) {
    if (mesh === 'linkerd' && ISTIO_METRIC.test(metric)) {
      return [metric, `${metric} is Istio's: Linkerd's proxies export response_total and response_latency_ms (labels deployment, namespace, direction, classification)`,
        'query response_total / response_latency_ms_bucket with direction="inbound"'];
    }
    if (mesh === 'istio' && LINKERD_METRIC.test(metric)) {
      return [metric, `${metric} is Linkerd's: Istio's proxies export istio_requests_total and istio_request_duration_milliseconds (labels reporter, destination_workload, response_code)`,
        'query istio_requests_total / istio_request_duration_milliseconds_bucket'];
    }
    const others = ISTIO_METRIC.test(metric) ? LINKERD_ONLY_LABELS : LINKERD_METRIC.test(metric) ? ISTIO_ONLY_LABELS : [];
    const foreign = others.find(l => labels.has(l));
    if (foreign !== undefined) {
      return [`${metric}{${foreign}}`, `${metric} has no label ${foreign}: it is the other mesh's`, ISTIO_METRIC.test(metric)
        ? 'select by destination_workload and destination_workload_namespace' : 'select by deployment and namespace, with direction="inbound"'];
    }
    if (ambient && ISTIO_METRIC.test(metric) && labels.get('reporter') === 'destination') {
      return [`${metric}{reporter="destination"}`, 'under ambient mode no sidecar reports at the destination: the waypoint reports L7 metrics as reporter="waypoint"',
        'select reporter="waypoint"'];
    }
  }
  return undefined;
}

const queryNotExported: Analyzer = {
  analyzer: 'meshkit.FlaggerMetricAnalyzer',
  code: 'MK0053',
  name: 'FlaggerMetricNotExported',
  level: FindingLevel.WARNING,
  description: 'a Flagger metric query reads a metric or label the mesh\'s proxies do not export: it finds no data, and every check fails',
  run: ctx => canaries(ctx).flatMap(c => metricsOf(c).flatMap(({ metric, at }): RawFinding[] => {
    const mesh = meshOf(ctx, c);
    const ambient = mesh === 'istio' && ambientNamespace(ctx, c.ns);
    const ref = field(metric, 'templateRef');
    const template = isObj(ref) ? ctx.find('MetricTemplate', FLAGGER, str(ref.namespace) || c.ns, str(ref.name)) : undefined;
    const query = template ? str(spec(template).query) : str(metric.query);
    const found = query !== '' ? queryProblem(query, mesh, ambient) : undefined;
    if (!found) return [];
    const [value, reason, fix] = found;
    const where = template ? `MetricTemplate '${name(template)}' (read by Canary '${name(c.o)}')` : `Canary '${name(c.o)}'`;
    return [{
      object: template ?? c.o,
      message: `${where} queries ${value}, which the ${mesh === 'istio' ? (ambient ? 'ambient Istio' : 'Istio') : 'Linkerd'} mesh of the canary does not export: ${reason}; `
        + 'the query finds no data and Flagger counts each check as failed (pkg/controller/scheduler_metrics.go)',
      field: template ? 'spec.query' : `${at}.query`,
      value,
      fix,
    }];
  })),
};

const stepsInvalid: Analyzer = {
  analyzer: 'meshkit.FlaggerAnalysisAnalyzer',
  code: 'MK0054',
  name: 'FlaggerStepsInvalid',
  level: FindingLevel.WARNING,
  description: 'a Flagger Canary\'s steps cannot be taken: maxWeight below stepWeight, or stepWeights that do not increase or leave 1..100',
  run: ctx => canaries(ctx).flatMap((c): RawFinding[] => {
    const a = field(c.spec, 'analysis');
    const step = field(a, 'stepWeight');
    const max = field(a, 'maxWeight');
    const out: RawFinding[] = [];
    if (typeof step === 'number' && typeof max === 'number' && max < step) {
      out.push({
        object: c.o,
        message: `Canary '${name(c.o)}' has maxWeight ${max} below its stepWeight ${step}: its first step already passes the largest weight, so the canary goes from 0 to promotion `
          + 'with no step analysed at a weight of its own (pkg/controller/scheduler.go, nextStepWeight)',
        field: 'spec.analysis.maxWeight',
        value: max,
        fix: `raise maxWeight to at least ${step}, or lower stepWeight`,
      });
    }
    const weights = field(a, 'stepWeights');
    if (Array.isArray(weights)) {
      const bad = weights.findIndex((w, i) => typeof w !== 'number' || w < 1 || w > 100 || (i > 0 && w <= weights[i - 1]));
      if (bad >= 0) {
        out.push({
          object: c.o,
          message: `Canary '${name(c.o)}' has stepWeights ${JSON.stringify(weights)}: step ${bad} (${str(weights[bad])}) does not rise above the one before it or leaves 1..100, `
            + 'and Flagger takes the steps in order (pkg/controller/scheduler.go, nextStepWeight)',
          field: `spec.analysis.stepWeights[${bad}]`,
          value: weights[bad],
          fix: 'list increasing weights between 1 and 100, e.g. [10, 25, 50]',
        });
      }
    }
    return out;
  }),
};

/** The objects Flagger creates for a Canary, by kind and name, with what it writes there. */
function flaggerObjects(c: CanaryFacts): Array<{ kind: string; group: string; name: string }> {
  const routes = c.provider === 'istio'
    ? [{ kind: 'VirtualService', group: 'networking.istio.io', name: c.apex }, { kind: 'DestinationRule', group: 'networking.istio.io', name: `${c.apex}-primary` },
      { kind: 'DestinationRule', group: 'networking.istio.io', name: `${c.apex}-canary` }]
    : c.provider.startsWith('gatewayapi') ? [{ kind: 'HTTPRoute', group: 'gateway.networking.k8s.io', name: c.apex }]
      : c.provider === 'linkerd' || c.provider.startsWith('smi') ? [{ kind: 'TrafficSplit', group: 'split.smi-spec.io', name: c.apex }] : [];
  return [
    { kind: 'Deployment', group: 'apps', name: `${c.targetName}-primary` },
    { kind: 'Service', group: '', name: `${c.apex}-primary` },
    { kind: 'Service', group: '', name: `${c.apex}-canary` },
    ...routes,
  ];
}

const ownedObjectWritten: Analyzer = {
  analyzer: 'meshkit.FlaggerOwnershipAnalyzer',
  code: 'MK0055',
  name: 'FlaggerOwnedObjectWritten',
  level: FindingLevel.WARNING,
  description: 'an object Flagger creates and updates for a Canary is also written by hand (or its Service with the target\'s own selector): each sync undoes what Flagger set',
  run: ctx => canaries(ctx).flatMap((c): RawFinding[] => {
    const out: RawFinding[] = [];
    for (const f of flaggerObjects(c)) {
      const o = ctx.find(f.kind, f.group, c.ns, f.name);
      if (!o || o.manifest.metadata.name === undefined) continue;
      out.push({
        object: o,
        message: `${f.kind} '${f.name}' is written by hand, but Flagger creates and updates it for Canary '${name(c.o)}': every sync (kubectl apply, Argo CD, Flux) undoes what Flagger `
          + 'set, and Flagger sets it again (fluxcd/flagger pkg/router, pkg/canary)',
        field: 'metadata.name',
        value: f.name,
        fix: `remove ${f.kind} '${f.name}' from the manifests and leave it to Flagger`,
      });
    }
    const svc = c.label ? apexService(ctx, c) : undefined;
    if (svc && c.label && svc.selector[c.label[0]] === c.label[1]) {
      out.push({
        object: svc.o,
        message: `Service '${c.apex}' selects ${c.label[0]}=${c.label[1]}, the pods of Canary '${name(c.o)}''s target, but Flagger points it at ${c.label[0]}=${c.label[1]}-primary `
          + '(pkg/router/kubernetes_default.go, reconcileService): every sync sends its traffic back to the canary\'s pods until Flagger sets it again',
        field: `spec.selector.${c.label[0]}`,
        value: c.label[1],
        fix: `select ${c.label[0]}: ${c.label[1]}-primary, as Flagger does, or leave the Service to Flagger`,
      });
    }
    return out;
  }),
};

const routeNotApplied: Analyzer = {
  analyzer: 'meshkit.FlaggerRoutingAnalyzer',
  code: 'MK0056',
  name: 'FlaggerRouteNotApplied',
  level: FindingLevel.WARNING,
  description: 'the route a Flagger Canary writes is never applied: a Gateway API provider without gatewayRefs, or an ambient namespace whose Service has no waypoint (the header matches and weights are lost)',
  run: ctx => canaries(ctx).flatMap((c): RawFinding[] => {
    const gatewayRefs = objs(field(field(c.spec, 'service'), 'gatewayRefs'));
    if (c.provider.startsWith('gatewayapi') && gatewayRefs.length === 0) {
      return [{
        object: c.o,
        message: `Canary '${name(c.o)}' uses provider ${c.provider} without service.gatewayRefs: Flagger writes no HTTPRoute and stops (pkg/router/gateway_api.go, Reconcile: `
          + '"GatewayRefs must be specified")',
        field: 'spec.service.gatewayRefs',
        value: c.provider,
        fix: `attach the route to the Service itself: gatewayRefs [{ group: core, kind: Service, name: ${c.apex} }] (GAMMA), or to a gateway`,
      }];
    }
    if (!ambientNamespace(ctx, c.ns) || !(c.provider === 'istio' || c.provider.startsWith('gatewayapi'))) return [];
    const ns = ctx.namespace(c.ns)!;
    const svc = ctx.find('Service', '', c.ns, c.apex);
    const waypoint = strMap(ns.manifest.metadata.labels)['istio.io/use-waypoint'] ?? (svc ? strMap(svc.manifest.metadata.labels)['istio.io/use-waypoint'] : undefined);
    if (waypoint !== undefined && waypoint !== 'none') return [];
    const matched = objs(field(field(c.spec, 'analysis'), 'match')).length > 0;
    return [{
      object: c.o,
      message: `Canary '${name(c.o)}' routes Service '${c.apex}' of ambient namespace '${c.ns}', which uses no waypoint: ztunnel is L4 and applies no route, so `
        + `${matched ? 'the header matches and ' : ''}the weights Flagger sets are never applied and every request reaches the primary`,
      field: 'spec.provider',
      value: c.provider,
      fix: `give namespace '${c.ns}' (or Service '${c.apex}') a waypoint: the label istio.io/use-waypoint`,
    }];
  }),
};

/** mesh-kit's checks of Flagger Canaries, in code order. */
export const FLAGGER_ANALYZERS: readonly Analyzer[] = [
  targetNotFound, targetNotSelected, templateNotFound, queryNotExported, stepsInvalid, ownedObjectWritten, routeNotApplied,
];
