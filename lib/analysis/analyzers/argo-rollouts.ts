import { field, isObj, nameOf, objs, specOf as spec, str, strMap, strs } from '../context';
import { AnalysisContext, AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';

/*
 * mesh-kit's checks of Argo Rollouts objects (issue 35): the references a Rollout makes by name, which Argo resolves only
 * when it reconciles, so a mistake synthesizes and applies without a word and the rollout then stops at its first step
 * (argo-rollouts rollout/trafficrouting/istio/istio.go, ValidateHTTPRoutes / validateDestinationRule; the Gateway API
 * plugin's pkg/plugin/httproute.go), and the metric queries of an AnalysisTemplate, which Prometheus answers with no
 * data when they name labels the mesh's proxies do not export.
 */

const ARGO = 'argoproj.io';
const NET = 'networking.istio.io';
const GATEWAY = 'gateway.networking.k8s.io';

function canaryOf(o: AnalyzedObject): { [k: string]: unknown } {
  const strategy = field(spec(o), 'strategy');
  const canary = field(strategy, 'canary');
  return isObj(canary) ? canary : {};
}

/** A name Argo takes as `name` or `name.namespace` (argo-rollouts istio.go, GetVirtualServiceNamespaceName). */
function nameAndNamespace(ref: string, own: string): [string, string] {
  const dot = ref.indexOf('.');
  return dot > 0 ? [ref.slice(0, dot), ref.slice(dot + 1)] : [ref, own];
}

/** Whether a reference to another namespace may be judged: in a closed world always, in an app only in its own namespace. */
const judged = (ctx: AnalysisContext, ns: string, own: string) => ctx.world === 'closed' || ns === own;

/** The VirtualServices a Rollout's Istio routing names, each with the routes it asks for and where. */
function virtualServicesOf(o: AnalyzedObject): Array<{ ref: string; routes: string[] | undefined; at: string }> {
  const istio = field(field(canaryOf(o), 'trafficRouting'), 'istio');
  const one = field(istio, 'virtualService');
  const many = objs(field(istio, 'virtualServices'));
  const refs = isObj(one) ? [{ v: one, at: 'spec.strategy.canary.trafficRouting.istio.virtualService' }]
    : many.map((v, i) => ({ v, at: `spec.strategy.canary.trafficRouting.istio.virtualServices[${i}]` }));
  return refs.filter(r => str(r.v.name) !== '').map(r => ({ ref: str(r.v.name), routes: Array.isArray(r.v.routes) ? strs(r.v.routes) : undefined, at: r.at }));
}

const virtualServiceRouteNotFound: Analyzer = {
  analyzer: 'meshkit.ArgoRolloutTrafficAnalyzer',
  code: 'MK0043',
  name: 'ArgoVirtualServiceRouteNotFound',
  level: FindingLevel.ERROR,
  description: 'an Argo Rollout names a VirtualService, or a route of it, that does not exist: Argo stops the rollout at its first step',
  run: ctx => ctx.of('Rollout', ARGO).flatMap((o): RawFinding[] => {
    const own = ctx.namespaceOf(o);
    return virtualServicesOf(o).flatMap((r): RawFinding[] => {
      const [n, ns] = nameAndNamespace(r.ref, own);
      if (!judged(ctx, ns, own)) return [];
      const vs = ctx.find('VirtualService', NET, ns, n);
      const why = '(argo-rollouts rollout/trafficrouting/istio/istio.go, ValidateHTTPRoutes: the rollout is not reconciled) (mesh-kit MK0043)';
      if (!vs) {
        return [{
          object: o,
          message: `Rollout '${nameOf(o)}' shifts traffic through VirtualService '${n}' of namespace '${ns}', which does not exist: Argo cannot set a weight, and the rollout stops at its first step ${why}`,
          field: `${r.at}.name`,
          value: r.ref,
          fix: `create VirtualService '${n}' in namespace '${ns}' with the route the Rollout names, or name one that exists`,
        }];
      }
      const names = objs(spec(vs).http).map(h => str(h.name));
      if (r.routes === undefined) {
        return names.length === 1 ? [] : [{
          object: o,
          message: `Rollout '${nameOf(o)}' names no route of VirtualService '${n}', which has ${names.length} HTTP routes: Argo then needs exactly one ${why}`,
          field: `${r.at}.routes`,
          value: names,
          fix: `name the route Argo shifts in ${r.at}.routes${names.some(x => x) ? `, e.g. ['${names.find(x => x)}']` : ', after giving it a name in the VirtualService'}`,
        }];
      }
      return r.routes.flatMap((route, i): RawFinding[] => (names.includes(route) ? [] : [{
        object: o,
        message: `Rollout '${nameOf(o)}' shifts route '${route}' of VirtualService '${n}', which has no route of that name (it has ${names.filter(x => x).map(x => `'${x}'`).join(', ') || 'no named route'}): `
          + `Argo stops the rollout at its first step ${why}`,
        field: `${r.at}.routes[${i}]`,
        value: route,
        fix: `give the route to split the name '${route}' in VirtualService '${n}', or name one of its routes`,
      }]));
    });
  }),
};

const destinationRuleSubsetNotFound: Analyzer = {
  analyzer: 'meshkit.ArgoRolloutTrafficAnalyzer',
  code: 'MK0044',
  name: 'ArgoDestinationRuleSubsetNotFound',
  level: FindingLevel.ERROR,
  description: 'an Argo Rollout names a DestinationRule, or a stable or canary subset of it, that does not exist: Argo cannot point the subset at its ReplicaSet',
  run: ctx => ctx.of('Rollout', ARGO).flatMap((o): RawFinding[] => {
    const own = ctx.namespaceOf(o);
    const dr = field(field(field(canaryOf(o), 'trafficRouting'), 'istio'), 'destinationRule');
    if (!isObj(dr) || str(dr.name) === '') return [];
    const at = 'spec.strategy.canary.trafficRouting.istio.destinationRule';
    const [n, ns] = nameAndNamespace(str(dr.name), own);
    if (!judged(ctx, ns, own)) return [];
    const why = '(argo-rollouts rollout/trafficrouting/istio/istio.go, validateDestinationRule and UpdateHash) (mesh-kit MK0044)';
    const rule = ctx.find('DestinationRule', NET, ns, n);
    if (!rule) {
      return [{
        object: o,
        message: `Rollout '${nameOf(o)}' splits by the subsets of DestinationRule '${n}' of namespace '${ns}', which does not exist: Argo cannot point them at its ReplicaSets ${why}`,
        field: `${at}.name`,
        value: str(dr.name),
        fix: `create DestinationRule '${n}' with the subsets '${str(dr.stableSubsetName)}' and '${str(dr.canarySubsetName)}', or name one that exists`,
      }];
    }
    const subsets = objs(spec(rule).subsets).map(s => str(s.name));
    return (['stableSubsetName', 'canarySubsetName'] as const).flatMap((k): RawFinding[] => {
      const s = str(dr[k]);
      return s === '' || subsets.includes(s) ? [] : [{
        object: o,
        message: `Rollout '${nameOf(o)}' names subset '${s}' of DestinationRule '${n}' as its ${k.startsWith('stable') ? 'stable' : 'canary'} subset, which the rule does not have `
          + `(it has ${subsets.map(x => `'${x}'`).join(', ') || 'none'}) ${why}`,
        field: `${at}.${k}`,
        value: s,
        fix: `add a subset '${s}' to DestinationRule '${n}' (labels: the Rollout's pod labels; Argo adds the pod-template hash)`,
      }];
    });
  }),
};

const serviceNotFound: Analyzer = {
  analyzer: 'meshkit.ArgoRolloutTrafficAnalyzer',
  code: 'MK0045',
  name: 'ArgoServiceNotFound',
  level: FindingLevel.ERROR,
  description: 'an Argo Rollout\'s stableService or canaryService does not exist, or selects none of the Rollout\'s pods',
  run: ctx => ctx.of('Rollout', ARGO).flatMap((o): RawFinding[] => {
    const own = ctx.namespaceOf(o);
    const canary = canaryOf(o);
    const podLabels = strMap(field(field(spec(o).template, 'metadata'), 'labels'));
    const hasTemplate = isObj(spec(o).template);
    return (['stableService', 'canaryService'] as const).flatMap((k): RawFinding[] => {
      const n = str(canary[k]);
      if (n === '') return [];
      const svc = ctx.find('Service', '', own, n);
      const at = `spec.strategy.canary.${k}`;
      if (!svc) {
        return [{
          object: o,
          message: `Rollout '${nameOf(o)}' names Service '${n}' as its ${k.replace('Service', '')} Service, which does not exist in namespace '${own}': Argo refuses the rollout `
            + '(argo-rollouts rollout/service.go, reconcileStableAndCanaryService) (mesh-kit MK0045)',
          field: at,
          value: n,
          fix: `create Service '${n}' in namespace '${own}' selecting the Rollout's pods, or name one that exists`,
        }];
      }
      const selector = strMap(field(spec(svc), 'selector'));
      const off = Object.entries(selector).filter(([key, v]) => podLabels[key] !== v && key !== 'rollouts-pod-template-hash');
      return !hasTemplate || off.length === 0 ? [] : [{
        object: o,
        message: `Rollout '${nameOf(o)}' names Service '${n}' as its ${k.replace('Service', '')} Service, whose selector (${off.map(([key, v]) => `${key}=${v}`).join(', ')}) `
          + 'selects none of the Rollout\'s pods: Argo adds the pod-template hash to the selector, and the Service then has no endpoint (mesh-kit MK0045)',
        field: at,
        value: n,
        fix: `select the Rollout's pods in Service '${n}' (e.g. ${Object.entries(podLabels).slice(0, 1).map(([key, v]) => `${key}: ${v}`).join('') || 'their app label'}), leaving out labels the pods do not carry`,
      }];
    });
  }),
};

const managedRouteNotFound: Analyzer = {
  analyzer: 'meshkit.ArgoRolloutStepsAnalyzer',
  code: 'MK0046',
  name: 'ArgoManagedRouteNotFound',
  level: FindingLevel.ERROR,
  description: 'an Argo Rollout step sets a header or mirror route that trafficRouting.managedRoutes does not list: Argo refuses the Rollout',
  run: ctx => ctx.of('Rollout', ARGO).flatMap((o): RawFinding[] => {
    const canary = canaryOf(o);
    const managed = objs(field(canary.trafficRouting, 'managedRoutes')).map(m => str(m.name));
    return objs(canary.steps).flatMap((step, i): RawFinding[] => (['setHeaderRoute', 'setMirrorRoute'] as const).flatMap((k): RawFinding[] => {
      const n = str(field(step[k], 'name'));
      return !isObj(step[k]) || managed.includes(n) ? [] : [{
        object: o,
        message: `Rollout '${nameOf(o)}' step ${i} (${k}) sets route '${n}', which spec.strategy.canary.trafficRouting.managedRoutes does not list `
          + `(${managed.map(x => `'${x}'`).join(', ') || 'none'}): Argo refuses the Rollout (argo-rollouts pkg/apis/rollouts/validation/validation.go, `
          + 'InvalideStepRouteNameNotFoundInManagedRoutes) (mesh-kit MK0046)',
        field: `spec.strategy.canary.steps[${i}].${k}.name`,
        value: n,
        fix: `add { name: ${n} } to spec.strategy.canary.trafficRouting.managedRoutes`,
      }];
    }));
  }),
};

/** Every analysis template reference of a Rollout: the background analysis' and each analysis step's. */
function templateRefs(o: AnalyzedObject): Array<{ name: string; cluster: boolean; at: string }> {
  const canary = canaryOf(o);
  const refs = objs(field(canary.analysis, 'templates')).map((t, i) => ({ t, at: `spec.strategy.canary.analysis.templates[${i}]` }));
  objs(canary.steps).forEach((s, i) => objs(field(s.analysis, 'templates')).forEach((t, j) => refs.push({ t, at: `spec.strategy.canary.steps[${i}].analysis.templates[${j}]` })));
  return refs.filter(r => str(r.t.templateName) !== '').map(r => ({ name: str(r.t.templateName), cluster: r.t.clusterScope === true, at: `${r.at}.templateName` }));
}

const analysisTemplateNotFound: Analyzer = {
  analyzer: 'meshkit.ArgoRolloutStepsAnalyzer',
  code: 'MK0047',
  name: 'ArgoAnalysisTemplateNotFound',
  level: FindingLevel.ERROR,
  description: 'an Argo Rollout runs an AnalysisTemplate (or ClusterAnalysisTemplate) that does not exist: the rollout is never analysed and stops',
  run: ctx => ctx.of('Rollout', ARGO).flatMap((o): RawFinding[] => {
    const own = ctx.namespaceOf(o);
    return templateRefs(o).flatMap((r): RawFinding[] => {
      const kind = r.cluster ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
      const exists = r.cluster ? ctx.of(kind, ARGO).some(t => nameOf(t) === r.name) : ctx.find(kind, ARGO, own, r.name) !== undefined;
      // a ClusterAnalysisTemplate is a cluster's: an app that deploys part of it may rely on one it does not carry
      if (exists || (r.cluster && ctx.world !== 'closed')) return [];
      return [{
        object: o,
        message: `Rollout '${nameOf(o)}' runs ${kind} '${r.name}', which does not exist${r.cluster ? '' : ` in namespace '${own}'`}: Argo cannot start the analysis run, and the rollout `
          + 'is not analysed (argo-rollouts rollout/analysis.go, getAnalysisTemplatesFromRefs) (mesh-kit MK0047)',
        field: r.at,
        value: r.name,
        fix: `create ${kind} '${r.name}'${r.cluster ? '' : ` in namespace '${own}'`}, or name one that exists`,
      }];
    });
  }),
};

/**
 * The labels Istio's standard metrics carry (istio.io docs `reference/config/metrics`, Labels), the histogram's `le`,
 * and those the add-ons' Prometheus adds at scrape (`namespace`, `pod`, `job`, `instance`).
 */
const ISTIO_LABELS: ReadonlySet<string> = new Set([
  'reporter', 'source_workload', 'source_workload_namespace', 'source_principal', 'source_app', 'source_version', 'source_cluster',
  'source_canonical_service', 'source_canonical_revision', 'destination_workload', 'destination_workload_namespace', 'destination_principal',
  'destination_app', 'destination_version', 'destination_service', 'destination_service_name', 'destination_service_namespace', 'destination_cluster',
  'destination_canonical_service', 'destination_canonical_revision', 'request_protocol', 'response_code', 'grpc_response_status', 'response_flags',
  'connection_security_policy', 'le', 'namespace', 'pod', 'job', 'instance',
]);
/** Labels only Istio's metrics carry: on Linkerd's `response_total` / `response_latency_ms` they match no series. */
const ISTIO_ONLY = [...ISTIO_LABELS].filter(l => !['le', 'namespace', 'pod', 'job', 'instance'].includes(l));

/** The label names a PromQL query filters each metric by: `metric{a="x",b!~"y"}`. */
function selectorsOf(query: string): Array<{ metric: string; labels: string[] }> {
  const out: Array<{ metric: string; labels: string[] }> = [];
  const re = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}/g;
  for (let m = re.exec(query); m !== null; m = re.exec(query)) {
    const labels = m[2].split(',').map(p => /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/.exec(p)?.[1]).filter((l): l is string => l !== undefined);
    out.push({ metric: m[1], labels });
  }
  return out;
}

/** The mesh whose proxies run in a namespace, by its enrolment: Linkerd's inject annotation, Istio's injection or ambient labels. */
function meshOfNamespace(ctx: AnalysisContext, name: string): 'istio' | 'linkerd' | undefined {
  const ns = ctx.namespace(name);
  if (!ns) return undefined;
  const annotations = strMap(ns.manifest.metadata.annotations);
  const labels = strMap(ns.manifest.metadata.labels);
  if (annotations['linkerd.io/inject'] === 'enabled') return 'linkerd';
  if (labels['istio-injection'] === 'enabled' || labels['istio.io/rev'] !== undefined || labels['istio.io/dataplane-mode'] === 'ambient') return 'istio';
  return undefined;
}

const metricLabelsNotExported: Analyzer = {
  analyzer: 'meshkit.ArgoAnalysisMetricsAnalyzer',
  code: 'MK0048',
  name: 'ArgoMetricLabelNotExported',
  level: FindingLevel.WARNING,
  description: 'an Argo AnalysisTemplate queries a mesh metric by a label that mesh\'s proxies do not export, or another mesh\'s metric than its namespace\'s: '
    + 'Prometheus returns no data and every check fails',
  run: ctx => [...ctx.of('AnalysisTemplate', ARGO), ...ctx.of('ClusterAnalysisTemplate', ARGO)].flatMap((o): RawFinding[] => {
    const own = o.manifest.kind === 'AnalysisTemplate' ? meshOfNamespace(ctx, ctx.namespaceOf(o)) : undefined;
    return objs(spec(o).metrics).flatMap((metric, i): RawFinding[] => {
      const query = str(field(field(metric.provider, 'prometheus'), 'query'));
      const at = `spec.metrics[${i}].provider.prometheus.query`;
      return selectorsOf(query).flatMap((sel): RawFinding[] => {
        const istio = sel.metric.startsWith('istio_');
        const linkerd = /^(response_total|response_latency_ms|request_total)/.test(sel.metric);
        if (!istio && !linkerd) return [];
        const mesh = istio ? 'Istio' : 'Linkerd';
        if (own !== undefined && own !== (istio ? 'istio' : 'linkerd')) {
          const other = own === 'istio' ? 'Istio' : 'Linkerd';
          return [{
            object: o,
            message: `AnalysisTemplate '${nameOf(o)}' metric '${str(metric.name)}' queries ${mesh}'s ${sel.metric}, but namespace '${ctx.namespaceOf(o)}' runs ${other}'s proxies, `
              + 'which export no such metric: the query matches no series, so every measurement fails or errors and the rollout is aborted (mesh-kit MK0048)',
            field: at,
            value: sel.metric,
            fix: own === 'istio'
              ? 'query Istio\'s istio_requests_total / istio_request_duration_milliseconds_bucket (reporter="destination", destination_service_name, destination_version)'
              : 'query Linkerd\'s response_total / response_latency_ms_bucket (direction="inbound", namespace, deployment or the pods\' labels)',
          }];
        }
        const bad = istio ? sel.labels.filter(l => !ISTIO_LABELS.has(l)) : sel.labels.filter(l => ISTIO_ONLY.includes(l));
        if (bad.length === 0) return [];
        const doc = istio ? 'istio.io docs reference/config/metrics' : 'linkerd.io docs reference/proxy-metrics';
        return [{
          object: o,
          message: `${o.manifest.kind} '${nameOf(o)}' metric '${str(metric.name)}' queries ${mesh}'s ${sel.metric} by ${bad.map(l => `'${l}'`).join(', ')}, `
            + `a label ${mesh}'s proxies do not export (${doc}): the query matches no series, so every measurement fails or errors and the rollout is aborted (mesh-kit MK0048)`,
          field: at,
          value: bad,
          fix: istio
            ? 'select the canary with Istio\'s labels: reporter="destination", destination_service_name, destination_service_namespace, destination_version (or destination_workload)'
            : 'select the canary with Linkerd\'s labels: direction="inbound", namespace, deployment (or dst_deployment), classification',
        }];
      });
    });
  }),
};

/** The HTTPRoutes the Gateway API plugin's configuration names. */
function pluginRoutesOf(o: AnalyzedObject): Array<{ name: string; namespace?: string; at: string }> {
  const plugins = field(field(canaryOf(o), 'trafficRouting'), 'plugins');
  if (!isObj(plugins)) return [];
  return Object.entries(plugins).filter(([k]) => /gatewayapi/i.test(k)).flatMap(([k, cfg]) => {
    const at = `spec.strategy.canary.trafficRouting.plugins["${k}"]`;
    const ns = str(field(cfg, 'namespace')) || undefined;
    const one = str(field(cfg, 'httpRoute'));
    return [
      ...(one ? [{ name: one, namespace: ns, at: `${at}.httpRoute` }] : []),
      ...objs(field(cfg, 'httpRoutes')).map((r, i) => ({ name: str(r.name), namespace: ns, at: `${at}.httpRoutes[${i}].name` })).filter(r => r.name !== ''),
    ];
  });
}

const pluginRouteNotFound: Analyzer = {
  analyzer: 'meshkit.ArgoRolloutTrafficAnalyzer',
  code: 'MK0049',
  name: 'ArgoHttpRouteNotFound',
  level: FindingLevel.ERROR,
  description: 'an Argo Rollout\'s Gateway API plugin names an HTTPRoute that does not exist, or whose rules reach neither its stable nor its canary Service',
  run: ctx => ctx.of('Rollout', ARGO).flatMap((o): RawFinding[] => {
    const own = ctx.namespaceOf(o);
    const canary = canaryOf(o);
    const services = [str(canary.stableService), str(canary.canaryService)].filter(s => s !== '');
    return pluginRoutesOf(o).flatMap((r): RawFinding[] => {
      const ns = r.namespace ?? own;
      if (!judged(ctx, ns, own)) return [];
      const route = ctx.find('HTTPRoute', GATEWAY, ns, r.name);
      const why = '(argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi pkg/plugin/httproute.go, SetHTTPRouteWeight) (mesh-kit MK0049)';
      if (!route) {
        return [{
          object: o,
          message: `Rollout '${nameOf(o)}' shifts traffic through HTTPRoute '${r.name}' of namespace '${ns}', which does not exist: the plugin cannot set a weight and the rollout stops ${why}`,
          field: r.at,
          value: r.name,
          fix: `create HTTPRoute '${r.name}' in namespace '${ns}' with a rule to Services ${services.map(s => `'${s}'`).join(' and ')}, or name one that exists`,
        }];
      }
      const named = objs(spec(route).rules).flatMap(rule => objs(rule.backendRefs).map(b => str(b.name)));
      const missing = services.filter(s => !named.includes(s));
      return missing.length === 0 ? [] : [{
        object: o,
        message: `Rollout '${nameOf(o)}' shifts HTTPRoute '${r.name}', whose rules name no backend ${missing.map(s => `'${s}'`).join(' or ')}: the plugin sets the weights of the `
          + `backendRefs that name the Rollout's stable and canary Services, so the route's traffic never moves ${why}`,
        field: r.at,
        value: r.name,
        fix: `send the rule of HTTPRoute '${r.name}' to both Services, e.g. backendRefs: [{ name: ${services[0]}, weight: 100 }, { name: ${services[1] ?? services[0]}, weight: 0 }]`,
      }];
    });
  }),
};

/** mesh-kit's checks of Argo Rollouts' objects. */
export const ARGO_ROLLOUTS_ANALYZERS: Analyzer[] = [
  virtualServiceRouteNotFound, destinationRuleSubsetNotFound, serviceNotFound, managedRouteNotFound, analysisTemplateNotFound,
  metricLabelsNotExported, pluginRouteNotFound,
];
