import { GatewaySpec, SelectorSpec, ServiceSpec } from './types';
import { distinct, idOf, selects } from '../context';
import { AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';
import { serverAdmits } from './virtual-service';

const NET = 'networking.istio.io';
const name = (o: AnalyzedObject) => o.manifest.metadata.name;
const gwSpec = (o: AnalyzedObject) => (o.manifest.spec ?? {}) as GatewaySpec;

/** Two server hosts overlap: one admits the other (namespace prefixes aside). */
function overlap(a: string, b: string): boolean {
  const bare = (h: string) => (h.includes('/') ? h.split('/', 2)[1] : h);
  return serverAdmits(bare(a), bare(b), '') || serverAdmits(bare(b), bare(a), '');
}

const conflictingGateways: Analyzer = {
  code: 'IST0145',
  name: 'ConflictingGateways',
  level: FindingLevel.ERROR,
  description: 'two Gateways select the same workload and listen on one port for overlapping hosts',
  run: ctx => {
    const gws = ctx.of('Gateway', NET);
    const found: RawFinding[] = [];
    for (const [i, a] of gws.entries()) {
      for (const b of gws.slice(i + 1)) {
        if (idOf(a) === idOf(b) || JSON.stringify(gwSpec(a).selector ?? {}) !== JSON.stringify(gwSpec(b).selector ?? {})) continue;
        for (const sa of gwSpec(a).servers ?? []) {
          for (const sb of gwSpec(b).servers ?? []) {
            if (sa.port?.number !== sb.port?.number) continue;
            const hosts = (sa.hosts ?? []).filter(ha => (sb.hosts ?? []).some(hb => overlap(ha, hb)));
            if (hosts.length === 0) continue;
            for (const [gw, other] of [[a, b], [b, a]] as const) {
              found.push({
                object: gw,
                message: `Gateway '${name(gw)}' conflicts with gateway '${ctx.namespaceOf(other)}/${name(other)}' (selector ${JSON.stringify(gwSpec(a).selector ?? {})}, port ${sa.port?.number}, hosts ${hosts.join(', ')})`,
              });
            }
          }
        }
      }
    }
    return found;
  },
};

const gatewayPortNotOnService: Analyzer = {
  code: 'IST0162',
  name: 'GatewayPortNotDefinedOnService',
  level: FindingLevel.WARNING,
  description: 'a Gateway listens on a port that the Service of its gateway workload (when in the app) does not expose',
  run: ctx => ctx.of('Gateway', NET).flatMap(gw => {
    const selector = gwSpec(gw).selector ?? {};
    const services = ctx.of('Service').filter(s => {
      const sel = (s.manifest.spec as ServiceSpec)?.selector;
      return sel !== undefined && Object.keys(sel).length > 0 && selects(sel, selector);
    });
    if (services.length === 0) return [];
    const ports = services.flatMap(s => ((s.manifest.spec as ServiceSpec).ports ?? []).flatMap(p => [p.port, typeof p.targetPort === 'number' ? p.targetPort : undefined]));
    return (gwSpec(gw).servers ?? []).filter(s => s.port?.number !== undefined && !ports.includes(s.port.number)).map(s => ({
      object: gw,
      message: `Gateway '${name(gw)}' listens on port ${s.port?.number}, which Service ${services.map(x => `'${name(x)}'`).join(', ')} of its workload (${JSON.stringify(selector)}) does not expose`,
    }));
  }),
};

/** The labels a policy selects workloads by, or undefined when it applies to the whole namespace (or names targets). */
function selectorOf(o: AnalyzedObject): { [k: string]: string } | undefined {
  const spec = (o.manifest.spec ?? {}) as SelectorSpec;
  if (spec.targetRef || (spec.targetRefs && spec.targetRefs.length > 0)) return undefined;
  const labels = spec.selector?.matchLabels ?? spec.workloadSelector?.labels;
  return labels && Object.keys(labels).length > 0 ? labels : undefined;
}

const POLICY_KINDS: Array<[string, string]> = [
  ['AuthorizationPolicy', 'security.istio.io'], ['PeerAuthentication', 'security.istio.io'], ['RequestAuthentication', 'security.istio.io'],
  ['Telemetry', 'telemetry.istio.io'], ['Sidecar', NET], ['WasmPlugin', 'extensions.istio.io'],
];

const noMatchingWorkloads: Analyzer = {
  code: 'IST0127',
  name: 'NoMatchingWorkloadsFound',
  level: FindingLevel.WARNING,
  description: 'a policy\'s selector matches none of the workloads the app runs in its namespace',
  run: ctx => POLICY_KINDS.flatMap(([kind, group]) => ctx.of(kind, group)).flatMap(p => {
    const sel = selectorOf(p);
    const ns = ctx.namespaceOf(p);
    const pods = ctx.podsIn(ns);
    if (!sel || pods.length === 0 || pods.some(x => selects(sel, x.labels))) return [];
    return [{ object: p, message: `${p.manifest.kind} '${name(p)}' selects ${JSON.stringify(sel)}, which matches none of the workloads in namespace '${ns}'` }];
  }),
};

/** Namespace-wide resources of one kind, more than one in a namespace. */
function severalNamespaceWide(kind: string, group: string, ctx: Parameters<Analyzer['run']>[0]): RawFinding[] {
  const byNs = new Map<string, AnalyzedObject[]>();
  for (const o of ctx.of(kind, group).filter(x => selectorOf(x) === undefined && !((x.manifest.spec as SelectorSpec)?.targetRefs?.length))) {
    byNs.set(ctx.namespaceOf(o), [...(byNs.get(ctx.namespaceOf(o)) ?? []), o]);
  }
  return [...byNs].filter(([, list]) => distinct(list).length > 1).flatMap(([ns, list]) => list.map(o => ({
    object: o,
    message: `The ${kind} resources ${distinct(list).map(x => `'${name(x)}'`).join(', ')} in namespace '${ns}' have no workload selector: Istio applies only one of them (give each a selector or merge them)`,
  })));
}

const multipleSidecars: Analyzer = {
  code: 'IST0111',
  name: 'MultipleSidecarsWithoutWorkloadSelectors',
  level: FindingLevel.ERROR,
  description: 'more than one Sidecar in a namespace has no workload selector',
  run: ctx => severalNamespaceWide('Sidecar', NET, ctx),
};

const multipleTelemetries: Analyzer = {
  code: 'IST0160',
  name: 'MultipleTelemetriesWithoutWorkloadSelectors',
  level: FindingLevel.ERROR,
  description: 'more than one Telemetry in a namespace has no workload selector',
  run: ctx => severalNamespaceWide('Telemetry', 'telemetry.istio.io', ctx),
};

const emptyProviders: Analyzer = {
  code: 'IST0157',
  name: 'InvalidTelemetryProvider',
  level: FindingLevel.WARNING,
  description: 'a Telemetry names an empty list of providers (it will be ignored)',
  run: ctx => ctx.of('Telemetry', 'telemetry.istio.io').flatMap(t => {
    const spec = (t.manifest.spec ?? {}) as { [section: string]: Array<{ providers?: unknown[] }> | undefined };
    const empty = ['tracing', 'metrics', 'accessLogging'].filter(s => (spec[s] ?? []).some(x => Array.isArray(x.providers) && x.providers.length === 0));
    return empty.length > 0
      ? [{ object: t, message: `Telemetry '${name(t)}' in namespace '${ctx.namespaceOf(t)}' has empty providers in ${empty.join(', ')}: it will be ignored` }]
      : [];
  }),
};

const serviceEntryAddresses: Analyzer = {
  code: 'IST0134',
  name: 'ServiceEntryAddressesRequired',
  level: FindingLevel.WARNING,
  description: 'a ServiceEntry serves TCP (or an unset protocol) without addresses',
  run: ctx => ctx.of('ServiceEntry', NET).flatMap(se => {
    const spec = (se.manifest.spec ?? {}) as { addresses?: string[]; ports?: Array<{ number?: number; protocol?: string }> };
    const tcp = (spec.ports ?? []).filter(p => !p.protocol || p.protocol.toUpperCase() === 'TCP');
    return (spec.addresses ?? []).length === 0 && tcp.length > 0
      ? [{ object: se, message: `ServiceEntry '${name(se)}' serves TCP on port ${tcp.map(p => p.number).join(', ')} without addresses: give it addresses, or a protocol Istio can route by (HTTP, TLS)` }]
      : [];
  }),
};

/** The Gateway, policy, Telemetry, Sidecar and ServiceEntry checks. */
export const POLICY_ANALYZERS: Analyzer[] = [
  conflictingGateways, gatewayPortNotOnService, noMatchingWorkloads, multipleSidecars, multipleTelemetries, emptyProviders, serviceEntryAddresses,
];
