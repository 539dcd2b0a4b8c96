import { DestinationRuleSpec, GatewaySpec, HttpMatchRequest, StringMatch, VirtualServiceSpec } from './types';
import { distinct, isClusterLocal, selects } from '../context';
import { AnalysisContext, AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';

const NET = 'networking.istio.io';
const vsSpec = (o: AnalyzedObject) => (o.manifest.spec ?? {}) as VirtualServiceSpec;
const name = (o: AnalyzedObject) => o.manifest.metadata.name;

const destinationsCache = new WeakMap<VirtualServiceSpec, Array<{ host?: string; subset?: string; port?: number; at: string }>>();

/** Every destination of a VirtualService, with where it is (computed once per object). */
function destinations(spec: VirtualServiceSpec): Array<{ host?: string; subset?: string; port?: number; at: string }> {
  const cached = destinationsCache.get(spec);
  if (cached) return cached;
  const out: Array<{ host?: string; subset?: string; port?: number; at: string }> = [];
  destinationsCache.set(spec, out);
  for (const [kind, routes] of [['http', spec.http], ['tcp', spec.tcp], ['tls', spec.tls]] as const) {
    for (const [i, r] of (routes ?? []).entries()) {
      for (const d of r.route ?? []) out.push({ host: d.destination?.host, subset: d.destination?.subset, port: d.destination?.port?.number, at: `${kind}[${i}]` });
      const mirror = kind === 'http' ? (r as { mirror?: { host?: string; subset?: string; port?: { number?: number } } }).mirror : undefined;
      if (mirror) out.push({ host: mirror.host, subset: mirror.subset, port: mirror.port?.number, at: `${kind}[${i}].mirror` });
    }
  }
  return out;
}

/** The `name.namespace` a cluster-local host stands for, from a namespace. */
export function serviceKey(host: string, fromNamespace: string): string {
  const parts = host.split('.');
  return parts.length === 1 ? `${parts[0]}.${fromNamespace}` : `${parts[0]}.${parts[1]}`;
}

/** The DestinationRules of the app for a host (resolved from each object's namespace). */
export function destinationRulesFor(ctx: AnalysisContext, host: string, fromNamespace: string): AnalyzedObject[] {
  if (!isClusterLocal(host)) return ctx.of('DestinationRule', NET).filter(d => (d.manifest.spec as DestinationRuleSpec)?.host === host);
  return [...ctx.destinationRulesOf(serviceKey(host, fromNamespace))];
}

/** The Gateway a VirtualService's `gateways` entry names (`name` or `namespace/name`), when it is in the app. */
function gatewayRef(ctx: AnalysisContext, ref: string, vsNamespace: string): { ns: string; gwName: string; gateway?: AnalyzedObject } {
  const [ns, gwName] = ref.includes('/') ? ref.split('/', 2) : [vsNamespace, ref];
  const gateway = ctx.of('Gateway', NET).find(g => name(g) === gwName && ctx.namespaceOf(g) === ns);
  return { ns, gwName, gateway };
}

const referencedResourceNotFound: Analyzer = {
  code: 'IST0101',
  name: 'ReferencedResourceNotFound',
  level: FindingLevel.ERROR,
  description: 'a VirtualService names a subset its DestinationRule does not define, a gateway the app declares in another namespace, or a Service missing from a namespace the app creates',
  run: ctx => ctx.of('VirtualService', NET).flatMap(vs => {
    const ns = ctx.namespaceOf(vs);
    const found: RawFinding[] = [];
    for (const d of destinations(vsSpec(vs))) {
      if (!d.host) continue;
      const local = isClusterLocal(d.host);
      const svc = local ? ctx.serviceOf(d.host, ns) : undefined;
      if (local && !svc && !ctx.serviceEntryDeclares(d.host) && ctx.namespaceObject(serviceKey(d.host, ns).split('.')[1])) {
        found.push({ object: vs, message: `VirtualService '${name(vs)}' routes to host '${d.host}' (${d.at}), but namespace '${serviceKey(d.host, ns).split('.')[1]}', which this app creates, has no such Service` });
        continue;
      }
      if (d.subset === undefined) continue;
      const rules = destinationRulesFor(ctx, d.host, ns);
      if (rules.length > 0 && !rules.some(r => ((r.manifest.spec as DestinationRuleSpec).subsets ?? []).some(s => s.name === d.subset))) {
        found.push({ object: vs, message: `VirtualService '${name(vs)}' routes to subset '${d.subset}' which DestinationRule '${name(rules[0])}' does not define` });
      } else if (rules.length === 0 && svc) {
        found.push({ object: vs, message: `VirtualService '${name(vs)}' routes to subset '${d.subset}' of '${d.host}', but no DestinationRule defines subsets for it` });
      }
    }
    for (const ref of vsSpec(vs).gateways ?? []) {
      if (ref === 'mesh') continue;
      const { ns: gwNs, gwName, gateway } = gatewayRef(ctx, ref, ns);
      const elsewhere = ctx.of('Gateway', NET).filter(g => name(g) === gwName && ctx.namespaceOf(g) !== gwNs);
      if (!gateway && elsewhere.length > 0) {
        found.push({
          object: vs,
          message: `VirtualService '${name(vs)}' binds to gateway '${ref}', which is not in namespace '${gwNs}'; the app declares it in '${ctx.namespaceOf(elsewhere[0])}': write '${ctx.namespaceOf(elsewhere[0])}/${gwName}'`,
        });
      }
    }
    return found;
  }),
};

const conflictingMeshGatewayHosts: Analyzer = {
  code: 'IST0109',
  name: 'ConflictingMeshGatewayVirtualServiceHosts',
  level: FindingLevel.ERROR,
  description: 'two VirtualServices bound to the mesh gateway define the same host',
  run: ctx => {
    const byHost = new Map<string, AnalyzedObject[]>();
    for (const vs of ctx.of('VirtualService', NET)) {
      const gws = vsSpec(vs).gateways ?? [];
      if (gws.length > 0 && !gws.includes('mesh')) continue;
      for (const h of vsSpec(vs).hosts ?? []) {
        const key = isClusterLocal(h) ? serviceKey(h, ctx.namespaceOf(vs)) : h;
        byHost.set(key, [...(byHost.get(key) ?? []), vs]);
      }
    }
    return [...byHost].filter(([, list]) => distinct(list).length > 1).flatMap(([host, list]) => list.map(vs => ({
      object: vs,
      message: `The VirtualServices ${distinct(list).map(v => `'${ctx.namespaceOf(v)}/${name(v)}'`).join(', ')} bound to the mesh gateway define the same host '${host}': merge them into one`,
    })));
  },
};

const destinationPortRequired: Analyzer = {
  code: 'IST0112',
  name: 'VirtualServiceDestinationPortSelectorRequired',
  level: FindingLevel.ERROR,
  description: 'a VirtualService routes to a Service with several ports without naming one',
  run: ctx => ctx.of('VirtualService', NET).flatMap(vs => destinations(vsSpec(vs)).flatMap(d => {
    const svc = d.host && d.port === undefined ? ctx.serviceOf(d.host, ctx.namespaceOf(vs)) : undefined;
    const ports = ((svc?.manifest.spec as { ports?: Array<{ port?: number }> } | undefined)?.ports ?? []).map(p => p.port);
    return svc && ports.length > 1
      ? [{ object: vs, message: `VirtualService '${name(vs)}' routes to '${d.host}' (${d.at}), which exposes ports ${ports.join(', ')}, without choosing one` }]
      : [];
  })),
};

/** Why a regular expression is not one Envoy's RE2 accepts, or undefined. */
export function re2Problem(re: string): string | undefined {
  if (/\(\?<?[=!]/.test(re)) return 'RE2 has no lookaround';
  if (/\\[1-9]/.test(re)) return 'RE2 has no backreferences';
  if (/\(\?<[A-Za-z]/.test(re)) return 'RE2 names groups (?P<name>...)';
  try {
    new RegExp(re.replace(/\(\?P</g, '(?<'));
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

function regexesOf(m: HttpMatchRequest): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const add = (where: string, s: StringMatch | undefined) => { if (s?.regex !== undefined) out.push([where, s.regex]); };
  add('uri', m.uri);
  add('authority', m.authority);
  add('method', m.method);
  for (const [h, s] of Object.entries(m.headers ?? {})) add(`headers.${h}`, s);
  for (const [q, s] of Object.entries(m.queryParams ?? {})) add(`queryParams.${q}`, s);
  return out;
}

const invalidRegexp: Analyzer = {
  code: 'IST0122',
  name: 'InvalidRegexp',
  level: FindingLevel.WARNING,
  description: 'a match\'s regular expression is not valid RE2 (the syntax Envoy uses)',
  run: ctx => ctx.of('VirtualService', NET).flatMap(vs => (vsSpec(vs).http ?? []).flatMap((r, i) => (r.match ?? []).flatMap((m, j) =>
    regexesOf(m).flatMap(([where, re]) => {
      const why = re2Problem(re);
      return why ? [{ object: vs, message: `VirtualService '${name(vs)}' http[${i}].match[${j}].${where}: regular expression '${re}' is invalid (${why})` }] : [];
    })))),
};

/** A match that matches everything: none at all, or an empty one. */
const catchesAll = (m: HttpMatchRequest[] | undefined) => !m || m.length === 0 || m.some(x => Object.keys(x).filter(k => k !== 'name').length === 0);

const unreachableRule: Analyzer = {
  code: 'IST0130',
  name: 'VirtualServiceUnreachableRule',
  level: FindingLevel.WARNING,
  description: 'a VirtualService rule comes after a rule that matches every request',
  run: ctx => ctx.of('VirtualService', NET).flatMap(vs => {
    const http = vsSpec(vs).http ?? [];
    const first = http.findIndex(r => catchesAll(r.match));
    return first >= 0 && first < http.length - 1
      ? http.slice(first + 1).map((r, k) => ({
        object: vs,
        message: `VirtualService '${name(vs)}' rule http[${first + 1 + k}]${r.name ? ` '${r.name}'` : ''} is never used: rule http[${first}] before it matches every request`,
      }))
      : [];
  }),
};

const ineffectiveMatch: Analyzer = {
  code: 'IST0131',
  name: 'VirtualServiceIneffectiveMatch',
  level: FindingLevel.INFO,
  description: 'a VirtualService match repeats a match of an earlier rule',
  run: ctx => ctx.of('VirtualService', NET).flatMap(vs => {
    const seen = new Map<string, number>();
    const found: RawFinding[] = [];
    for (const [i, r] of (vsSpec(vs).http ?? []).entries()) {
      for (const [j, m] of (r.match ?? []).entries()) {
        const { name: _n, ...rest } = m;
        const key = JSON.stringify(rest, Object.keys(rest).sort());
        const earlier = seen.get(key);
        if (earlier !== undefined && earlier !== i) {
          found.push({ object: vs, message: `VirtualService '${name(vs)}' http[${i}].match[${j}] is never used: rule http[${earlier}] has the same match` });
        } else if (earlier === undefined) {
          seen.set(key, i);
        }
      }
    }
    return found;
  }),
};

/** A gateway server host (`ns/host` or `host`) admits a VirtualService host from a namespace. */
export function serverAdmits(serverHost: string, vsHost: string, vsNamespace: string): boolean {
  const [ns, h] = serverHost.includes('/') ? serverHost.split('/', 2) : ['*', serverHost];
  if (ns !== '*' && ns !== '.' && ns !== vsNamespace) return false;
  if (h === '*' || h === vsHost) return true;
  if (h.startsWith('*.')) return vsHost.endsWith(h.slice(1)) || (vsHost.startsWith('*.') && vsHost.endsWith(h.slice(1)));
  return false;
}

const hostNotInGateway: Analyzer = {
  code: 'IST0132',
  name: 'VirtualServiceHostNotFoundInGateway',
  level: FindingLevel.WARNING,
  description: 'a VirtualService host is not served by the gateway it binds to',
  run: ctx => ctx.of('VirtualService', NET).flatMap(vs => {
    const ns = ctx.namespaceOf(vs);
    return (vsSpec(vs).gateways ?? []).filter(g => g !== 'mesh').flatMap(ref => {
      const gw = gatewayRef(ctx, ref, ns).gateway;
      if (!gw) return [];
      const hosts = ((gw.manifest.spec as GatewaySpec).servers ?? []).flatMap(s => s.hosts ?? []);
      const missing = (vsSpec(vs).hosts ?? []).filter(h => !hosts.some(sh => serverAdmits(sh, h, ns)));
      return missing.length > 0
        ? [{ object: vs, message: `VirtualService '${name(vs)}' hosts ${missing.map(h => `'${h}'`).join(', ')} are not served by gateway '${ref}' (it serves ${hosts.map(h => `'${h}'`).join(', ')})` }]
        : [];
    });
  }),
};

const jwtRoutingWithoutAuthn: Analyzer = {
  code: 'IST0149',
  name: 'JwtClaimBasedRoutingWithoutRequestAuthN',
  level: FindingLevel.ERROR,
  description: 'a VirtualService routes on JWT claims at a gateway that no RequestAuthentication covers',
  run: ctx => ctx.of('VirtualService', NET).flatMap(vs => {
    const ns = ctx.namespaceOf(vs);
    const keys = (vsSpec(vs).http ?? []).flatMap(r => (r.match ?? []).flatMap(m => Object.keys(m.headers ?? {}).filter(h => h.startsWith('@request.auth.claims'))));
    if (keys.length === 0) return [];
    return (vsSpec(vs).gateways ?? []).filter(g => g !== 'mesh').flatMap(ref => {
      const gw = gatewayRef(ctx, ref, ns).gateway;
      if (!gw) return [];
      const selector = (gw.manifest.spec as GatewaySpec).selector ?? {};
      const covered = ctx.of('RequestAuthentication', 'security.istio.io').some(ra => {
        const sel = (ra.manifest.spec as { selector?: { matchLabels?: { [k: string]: string } } })?.selector?.matchLabels;
        const all = sel === undefined || Object.keys(sel).length === 0;
        // selecting the gateway's pods (in the namespace they run in, which the Gateway object does not tell),
        // or namespace-wide where the Gateway is, or mesh-wide from the root namespace
        return (!all && selects(sel, selector)) || (all && [ctx.namespaceOf(gw), 'istio-system'].includes(ctx.namespaceOf(ra)));
      });
      return covered ? [] : [{
        object: vs,
        message: `VirtualService '${name(vs)}' routes on the JWT claim '${keys[0]}' at gateway '${ref}', but no RequestAuthentication selects the gateway's pods (${JSON.stringify(selector)}): `
          + 'the claims are only available once a RequestAuthentication validates the token',
      }];
    });
  }),
};

/** The VirtualService checks. */
export const VIRTUAL_SERVICE_ANALYZERS: Analyzer[] = [
  referencedResourceNotFound, conflictingMeshGatewayHosts, destinationPortRequired, invalidRegexp, unreachableRule, ineffectiveMatch,
  hostNotInGateway, jwtRoutingWithoutAuthn,
];
