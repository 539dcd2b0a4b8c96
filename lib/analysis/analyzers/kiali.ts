import { DestinationRuleSpec, VirtualServiceSpec } from './types';
import { list, nameOf, selects, str, strs, toFqdn } from '../context';
import { AnalysisContext, AnalyzedObject, Analyzer, FindingLevel, PodTemplateRef, RawFinding } from '../model';

/*
 * Kiali's consistency checks that `istioctl analyze` does not make (kiali/kiali models/istio_validation.go gives the
 * codes and levels). mesh-kit's own checks of the same objects, where Kiali has no code, are sidecar-mtls.ts and
 * route-policies.ts.
 */

const NET = 'networking.istio.io';
const SEC = 'security.istio.io';
const name = nameOf;
const vsSpec = (o: AnalyzedObject) => (o.manifest.spec ?? {}) as VirtualServiceSpec;
const drSpec = (o: AnalyzedObject) => (o.manifest.spec ?? {}) as DestinationRuleSpec;

/** The pods a cluster-local host's Service selects (none for other hosts). */
export function podsOfHost(ctx: AnalysisContext, fromNs: string, host: string): PodTemplateRef[] {
  const entry = ctx.destinationHost(fromNs, undefined, host);
  const svc = entry?.object?.manifest.kind === 'Service' ? entry.object : undefined;
  const selector = (svc?.manifest.spec as { selector?: { [k: string]: string } } | undefined)?.selector;
  return svc && selector && Object.keys(selector).length > 0 ? ctx.podsSelectedBy(selector, ctx.namespaceOf(svc)) : [];
}

/** The trust domains of the mesh's identities (`trustDomain` and its aliases). */
export const trustDomains = (ctx: AnalysisContext) => ctx.meshConfig.trustDomains ?? ['cluster.local'];

/** The PeerAuthentication mode in force for a pod: workload, then namespace, then mesh-wide (root namespace). */
function peerMode(ctx: AnalysisContext, pod: PodTemplateRef): string | undefined {
  const pas = ctx.of('PeerAuthentication', SEC);
  const mode = (o: AnalyzedObject) => ((o.manifest.spec ?? {}) as { mtls?: { mode?: string } }).mtls?.mode;
  const sel = (o: AnalyzedObject) => ((o.manifest.spec ?? {}) as { selector?: { matchLabels?: { [k: string]: string } } }).selector?.matchLabels;
  const workload = pas.find(p => ctx.namespaceOf(p) === pod.namespace && sel(p) && Object.keys(sel(p)!).length > 0 && selects(sel(p), pod.labels));
  const namespace = pas.find(p => ctx.namespaceOf(p) === pod.namespace && !(sel(p) && Object.keys(sel(p)!).length > 0));
  const mesh = pas.find(p => ctx.namespaceOf(p) === ctx.meshConfig.rootNamespace && !(sel(p) && Object.keys(sel(p)!).length > 0));
  for (const p of [workload, namespace, mesh]) {
    const m = p ? mode(p) : undefined;
    if (m && m !== 'UNSET') return m;
  }
  return undefined;
}

/** The client TLS modes a DestinationRule writes (top level and subsets). */
export const tlsModes = (dr: AnalyzedObject) => [
  drSpec(dr).trafficPolicy?.tls?.mode, ...list(drSpec(dr).subsets).map(s => s?.trafficPolicy?.tls?.mode),
].filter((m): m is string => typeof m === 'string');

const strictButDisabled: Analyzer = {
  analyzer: 'kiali.DestinationRuleMtlsChecker',
  code: 'KIA0207',
  name: 'PeerAuthenticationStrictButDestinationRuleDisablesMtls',
  level: FindingLevel.ERROR,
  description: 'Kiali KIA0207: a DestinationRule sends plain text (tls DISABLE) to pods a STRICT PeerAuthentication covers: every request is refused',
  run: ctx => ctx.of('DestinationRule', NET).flatMap((dr): RawFinding[] => {
    if (!tlsModes(dr).includes('DISABLE')) return [];
    const strict = podsOfHost(ctx, ctx.namespaceOf(dr), drSpec(dr).host ?? '').filter(p => peerMode(ctx, p) === 'STRICT');
    // where DISABLE is written: the top level, else the first subset that writes it
    const subset = list(drSpec(dr).subsets).findIndex(s => s?.trafficPolicy?.tls?.mode === 'DISABLE');
    const field = drSpec(dr).trafficPolicy?.tls?.mode === 'DISABLE' ? 'spec.trafficPolicy.tls.mode' : `spec.subsets[${subset}].trafficPolicy.tls.mode`;
    return strict.length > 0 ? [{
      object: dr,
      message: `DestinationRule '${name(dr)}' disables TLS toward '${drSpec(dr).host}', whose pods (${strict[0].object.manifest.metadata.name}) a STRICT PeerAuthentication covers: `
        + 'the requests are refused (Kiali KIA0207)',
      field,
      value: 'DISABLE',
      fix: 'use ISTIO_MUTUAL, or a PERMISSIVE PeerAuthentication',
    }] : [];
  }),
};

/** An AuthorizationPolicy principal with Istio's `*` prefix or suffix, as a regular expression (Kiali's regexpFromPrincipal). */
const principalPattern = (p: string) => new RegExp(`^${p.split('*').map(x => x.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`);

const principalNotFound: Analyzer = {
  analyzer: 'kiali.AuthorizationPolicyChecker',
  code: 'KIA0106',
  name: 'AuthorizationPolicyPrincipalNotFound',
  level: FindingLevel.ERROR,
  description: 'Kiali KIA0106: an AuthorizationPolicy names a principal (<trust domain>/ns/<ns>/sa/<name>, or a `*` prefix or suffix of one) that no ServiceAccount of the mesh has',
  run: ctx => {
    const accounts = new Set(ctx.of('ServiceAccount', '').map(s => `${ctx.namespaceOf(s)}/${name(s)}`));
    for (const p of ctx.pods) accounts.add(`${p.namespace}/${typeof p.spec.serviceAccountName === 'string' ? p.spec.serviceAccountName : 'default'}`);
    // Istio deploys a Gateway API Gateway of its classes with a ServiceAccount of its own (pilot's gateway deployment
    // controller): `<name>` for a waypoint (class istio-waypoint), `<name>-istio` for an ingress (class istio)
    for (const gw of ctx.of('Gateway', 'gateway.networking.k8s.io')) {
      const cls = (gw.manifest.spec as { gatewayClassName?: unknown } | undefined)?.gatewayClassName;
      if (cls === 'istio-waypoint') accounts.add(`${ctx.namespaceOf(gw)}/${name(gw)}`);
      if (cls === 'istio') accounts.add(`${ctx.namespaceOf(gw)}/${name(gw)}-istio`);
    }
    // every ServiceAccount under every trust domain of the mesh, as Kiali lists them (business/istio_validations.go)
    const principals = trustDomains(ctx).flatMap(td => [...accounts].map(a => { const [ns, sa] = a.split('/'); return `${td}/ns/${ns}/sa/${sa}`; }));
    return ctx.of('AuthorizationPolicy', SEC).flatMap(ap => list(((ap.manifest.spec ?? {}) as { rules?: Array<{ from?: Array<{ source?: { principals?: string[] } }> }> }).rules)
      .flatMap((r, i) => list(r?.from).map((f, j) => ({ f, at: `spec.rules[${i}].from[${j}].source.principals` })))
      .flatMap(({ f, at }) => strs(f?.source?.principals).map((p, k) => ({ p, field: `${at}[${k}]` }))).flatMap(({ p, field }): RawFinding[] => {
        if (p === '*') return [];
        const wild = p.startsWith('*') || p.endsWith('*');
        if (wild ? principals.some(x => principalPattern(p).test(x)) : principals.includes(p)) return [];
        const m = /^([^/*]+)\/ns\/([^/]+)\/sa\/[^/]+$/.exec(p);
        // a trust domain the mesh config does not name is Kiali's KIA0108 (kiali-security.ts), not a missing ServiceAccount
        if (!wild && p.indexOf('/ns/') > 0 && !trustDomains(ctx).includes(p.slice(0, p.indexOf('/ns/')))) return [];
        // a partial world (an app) knows the ServiceAccounts of the namespaces it creates only
        if (ctx.world === 'partial' && (wild || !m || ctx.namespace(m[2]) === undefined)) return [];
        const why = m ? `namespace '${m[2]}' has no ServiceAccount '${p.slice(p.lastIndexOf('/') + 1)}'` : wild ? 'it matches no ServiceAccount of the mesh'
          : `it is not of the form <trust domain>/ns/<namespace>/sa/<name> that peer identities have (trust domains: ${trustDomains(ctx).join(', ')})`;
        const fix = m ? `create ServiceAccount '${p.slice(p.lastIndexOf('/') + 1)}' in namespace '${m[2]}', or name the ServiceAccount the callers run as`
          : `write the callers' principal${wild ? ' pattern' : ''} as ${trustDomains(ctx)[0]}/ns/<namespace>/sa/<service account>`;
        return [{ object: ap, message: `AuthorizationPolicy '${name(ap)}' names principal '${p}', but ${why} (Kiali KIA0106, business/checkers/authorization/principals_checker.go)`, field, value: p, fix }];
      }));
  },
};

/** The findings of a check of each route (http, tcp, tls) of each VirtualService. */
type RouteFinding = Omit<RawFinding, 'object'>;
function eachRoute(ctx: AnalysisContext, check: (vs: AnalyzedObject, at: string, destinations: RouteDestination[]) => RouteFinding[]): RawFinding[] {
  const out: RawFinding[] = [];
  for (const vs of ctx.of('VirtualService', NET)) {
    for (const kind of ['http', 'tcp', 'tls'] as const) {
      const routes = vsSpec(vs)[kind] as unknown;
      if (!Array.isArray(routes)) continue;
      for (let i = 0; i < routes.length; i++) {
        const destinations = (routes[i] as { route?: unknown } | undefined)?.route;
        if (!Array.isArray(destinations) || destinations.length === 0) continue;
        for (const f of check(vs, `${kind}[${i}]`, destinations as RouteDestination[])) out.push({ object: vs, ...f });
      }
    }
  }
  return out;
}
type RouteDestination = {
  readonly weight?: number;
  readonly destination?: { readonly host?: string; readonly subset?: string; readonly port?: { readonly number?: number } };
};

const singleWeight: Analyzer = {
  analyzer: 'kiali.RouteChecker',
  code: 'KIA1104',
  name: 'SingleDestinationWeightBelow100',
  level: FindingLevel.WARNING,
  description: 'Kiali KIA1104: a route with one destination gives it a weight below 100 (it gets all the traffic anyway)',
  run: ctx => eachRoute(ctx, (vs, at, dests) => (dests.length === 1 && typeof dests[0]?.weight === 'number' && dests[0].weight < 100
    ? [{
      message: `VirtualService '${name(vs)}' ${at} has one destination with weight ${dests[0].weight}: it gets 100% of the traffic (Kiali KIA1104)`,
      field: `spec.${at}.route[0].weight`,
      value: dests[0].weight,
      fix: 'write 100 or add the other destinations',
    }]
    : [])),
};

const repeatedSubset: Analyzer = {
  analyzer: 'kiali.RouteChecker',
  code: 'KIA1105',
  name: 'RepeatedDestinationSubset',
  level: FindingLevel.WARNING,
  description: 'Kiali KIA1105: a route names the same host and subset in two of its destinations',
  run: ctx => eachRoute(ctx, (vs, at, dests) => {
    if (dests.length < 2) return [];
    const seen = new Set<string>();
    const dups: RouteFinding[] = [];
    dests.forEach((d, k) => {
      const key = `${toFqdn(ctx.namespaceOf(vs), str(d?.destination?.host))}|${str(d?.destination?.subset)}|${str(d?.destination?.port?.number)}`;
      const what = `${str(d?.destination?.host)}${d?.destination?.subset ? ` subset '${str(d.destination.subset)}'` : ''}`;
      if (seen.has(key)) {
        dups.push({
          message: `VirtualService '${name(vs)}' ${at} names ${what} in two destinations (Kiali KIA1105)`,
          field: `spec.${at}.route[${k}].destination`,
          value: d?.destination,
          fix: 'merge their weights',
        });
      }
      seen.add(key);
    });
    return dups;
  }),
};

/** Kiali's consistency checks. */
export const KIALI_ANALYZERS: Analyzer[] = [strictButDisabled, principalNotFound, singleWeight, repeatedSubset];
