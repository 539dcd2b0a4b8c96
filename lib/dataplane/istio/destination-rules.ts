import { isObj, str, strMap, strs } from '../../analysis/context';
import { World } from '../world';
import { creationOf, isWildcard, mostSpecificHostMatch, resolveShortname } from './host';
import { IstioSettings } from './mesh-config';

/**
 * DestinationRules as istiod indexes and merges them (istio/istio pilot/pkg/model/push_context.go setDestinationRules,
 * destinationRule; destination_rule.go mergeDestinationRule with ENABLE_ENHANCED_DESTINATIONRULE_MERGE on, its
 * default): rules of one host in one namespace merge (subsets added, the first traffic policy kept) unless their
 * exportTo or workload selectors differ; a proxy finds its rule in its own namespace, then the service's namespace,
 * then the root namespace.
 */

export interface Subset {
  readonly name: string;
  readonly labels: { readonly [k: string]: string };
  readonly trafficPolicy?: { readonly [k: string]: unknown };
}

export interface DestinationRuleModel {
  readonly name: string;
  readonly namespace: string;
  readonly creation: number;
  readonly host: string;
  readonly subsets: readonly Subset[];
  readonly trafficPolicy?: { readonly [k: string]: unknown };
  readonly exportTo: readonly string[];
  readonly workloadSelector?: { readonly [k: string]: string };
}

/** One rule as a proxy sees it: possibly several DestinationRules merged (`from`). */
export interface ConsolidatedRule {
  readonly exportTo: ReadonlySet<string>;
  rule: DestinationRuleModel;
  readonly from: Array<{ namespace: string; name: string }>;
}

interface ByHost {
  readonly specific: Map<string, ConsolidatedRule[]>;
  readonly wildcard: Map<string, ConsolidatedRule[]>;
}

const newByHost = (): ByHost => ({ specific: new Map(), wildcard: new Map() });

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size === b.size && [...a].every(x => b.has(x));
const sameLabels = (a: { readonly [k: string]: string } | undefined, b: { readonly [k: string]: string } | undefined) =>
  JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());

export class DestinationRules {
  private readonly namespaceLocal = new Map<string, ByHost>();
  private readonly exportedByNamespace = new Map<string, ByHost>();
  private readonly rootNamespaceLocal = newByHost();

  public constructor(world: World, private readonly settings: IstioSettings) {
    const rules = world.list('networking.istio.io', 'DestinationRule').map((o): DestinationRuleModel => {
      const spec = isObj(o.manifest.spec) ? o.manifest.spec : {};
      const selector = isObj(spec.workloadSelector) ? strMap(spec.workloadSelector.matchLabels) : undefined;
      return {
        name: o.name,
        namespace: o.namespace,
        creation: creationOf(o.manifest.metadata),
        host: resolveShortname(str(spec.host), o.namespace, settings.configDomain),
        subsets: (Array.isArray(spec.subsets) ? spec.subsets : []).filter(isObj).map(s => ({
          name: str(s.name), labels: strMap(s.labels), ...(isObj(s.trafficPolicy) ? { trafficPolicy: s.trafficPolicy } : {}),
        })),
        ...(isObj(spec.trafficPolicy) ? { trafficPolicy: spec.trafficPolicy } : {}),
        exportTo: strs(spec.exportTo),
        ...(selector !== undefined ? { workloadSelector: selector } : {}),
      };
    });
    // sortConfigBySelectorAndCreationTime: rules with a workload selector first, then by creation time, name, namespace
    rules.sort((a, b) => {
      if ((a.workloadSelector !== undefined) !== (b.workloadSelector !== undefined)) return a.workloadSelector !== undefined ? -1 : 1;
      if (a.creation !== b.creation) return a.creation - b.creation;
      if (a.name !== b.name) return a.name < b.name ? -1 : 1;
      return a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0;
    });
    const privateDefault = settings.defaultDestinationRuleExportTo.includes('.');
    for (const r of rules) {
      const exportTo = r.workloadSelector === undefined ? new Set(r.exportTo) : new Set(['.']);
      if (exportTo.size === 0 || exportTo.has('*') || exportTo.has('.') || exportTo.has(r.namespace)) {
        let local = this.namespaceLocal.get(r.namespace);
        if (!local) this.namespaceLocal.set(r.namespace, local = newByHost());
        merge(local, r, exportTo);
      }
      const privateOnly = (exportTo.size === 0 && privateDefault) || (exportTo.size === 1 && (exportTo.has('.') || exportTo.has(r.namespace)));
      if (!privateOnly) {
        let exported = this.exportedByNamespace.get(r.namespace);
        if (!exported) this.exportedByNamespace.set(r.namespace, exported = newByHost());
        merge(exported, r, exportTo);
      } else if (r.namespace === settings.rootNamespace) {
        merge(this.rootNamespaceLocal, r, exportTo);
      }
    }
  }

  /** The rules a proxy of `proxyNamespace` applies to a service host of `serviceNamespace` (PushContext.destinationRule). */
  public lookup(proxyNamespace: string, hostname: string, serviceNamespace: string): ConsolidatedRule[] | undefined {
    if (proxyNamespace !== this.settings.rootNamespace) {
      const local = this.namespaceLocal.get(proxyNamespace);
      const found = local && mostSpecificHostMatch(hostname, local.specific, local.wildcard);
      if (found) return found[1];
    } else {
      const found = mostSpecificHostMatch(hostname, this.rootNamespaceLocal.specific, this.rootNamespaceLocal.wildcard);
      if (found) return found[1];
    }
    if (serviceNamespace !== '') {
      const out = this.exported(serviceNamespace, hostname, proxyNamespace);
      if (out.length > 0) return out;
    }
    const out = this.exported(this.settings.rootNamespace, hostname, proxyNamespace);
    return out.length > 0 ? out : undefined;
  }

  private exported(owner: string, hostname: string, client: string): ConsolidatedRule[] {
    const byHost = this.exportedByNamespace.get(owner);
    const found = byHost && mostSpecificHostMatch(hostname, byHost.specific, byHost.wildcard);
    if (!found) return [];
    return found[1].filter(m => m.exportTo.size === 0 || m.exportTo.has('*') || m.exportTo.has(client));
  }
}

/** SidecarScope.DestinationRule: a rule whose selector selects the proxy (outbound, in its own namespace), else the last catch-all. */
export function ruleForProxy(rules: readonly ConsolidatedRule[] | undefined, scopeNamespace: string,
  proxyLabels: { readonly [k: string]: string }): ConsolidatedRule | undefined {
  let catchAll: ConsolidatedRule | undefined;
  for (const r of rules ?? []) {
    const sel = r.rule.workloadSelector;
    if (sel === undefined) catchAll = r;
    if (scopeNamespace === r.rule.namespace && sel !== undefined && Object.entries(sel).every(([k, v]) => proxyLabels[k] === v)) return r;
  }
  return catchAll;
}

function merge(p: ByHost, r: DestinationRuleModel, exportTo: ReadonlySet<string>): void {
  const map = isWildcard(r.host) ? p.wildcard : p.specific;
  const existing = map.get(r.host);
  const fresh = (): ConsolidatedRule => ({ exportTo, rule: r, from: [{ namespace: r.namespace, name: r.name }] });
  if (!existing) {
    map.set(r.host, [fresh()]);
    return;
  }
  let appendSeparately = true;
  for (const m of existing) {
    if (sameSet(exportTo, m.exportTo)) {
      appendSeparately = false;
    } else if (m.exportTo.size > 0 && [...m.exportTo].every(x => exportTo.has(x))) {
      appendSeparately = true;
    } else {
      appendSeparately = true;
      continue;
    }
    const bothWithout = r.workloadSelector === undefined && m.rule.workloadSelector === undefined;
    const bothWith = r.workloadSelector !== undefined && m.rule.workloadSelector !== undefined;
    const selectorsMatch = sameLabels(m.rule.workloadSelector, r.workloadSelector);
    if (bothWith && !selectorsMatch) {
      appendSeparately = true;
      continue;
    }
    if (bothWithout || (bothWith && selectorsMatch)) appendSeparately = false;
    const names = new Set(m.rule.subsets.map(s => s.name));
    m.rule = {
      ...m.rule,
      subsets: [...m.rule.subsets, ...r.subsets.filter(s => !names.has(s.name))],
      ...(m.rule.trafficPolicy === undefined && r.trafficPolicy !== undefined ? { trafficPolicy: r.trafficPolicy } : {}),
    };
    m.from.push({ namespace: r.namespace, name: r.name });
  }
  if (appendSeparately) existing.push(fresh());
}
