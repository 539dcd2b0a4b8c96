import { field, hostsMatch, isObj, nameOf, objs, specOf as spec, str, strMap, strs, toFqdn } from '../context';
import { AnalysisContext, AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';
import { trustDomains } from './kiali';

/*
 * Kiali's security checks (kiali/kiali business/checkers/authorization/, peerauthentications/, the mTLS checkers of
 * destinationrules/): codes, levels and the object reported on as kiali/kiali models/istio_validation.go has them. Its
 * Gateway API checks are kiali-gateway-api.ts.
 *
 * The mTLS state (KIA0105) is read as Kiali's util/mtls/status.go reads it, with the mesh config's `enableAutoMtls`
 * (Istio's default: on); KIA0205, KIA0206, KIA0401 and KIA0501 are made only when it is off, as Kiali makes them.
 */

const NET = 'networking.istio.io';
const SEC = 'security.istio.io';
const DOMAIN = 'svc.cluster.local';
const name = nameOf;

// ---- the mTLS state, as Kiali's util/mtls/status.go reads it (auto mTLS on, PERMISSIVE counted as enabled) ----

const ENABLED = 'MTLS_ENABLED';
const PARTIAL = 'MTLS_PARTIALLY_ENABLED';
const NOT_ENABLED = 'MTLS_NOT_ENABLED';
const DISABLED = 'MTLS_DISABLED';
interface TlsStatus { readonly dr: string; readonly pa: string; readonly overall: string }

/** A PeerAuthentication's mode (`UNSET` when `mtls` names none; '' without `mtls`): Kiali's PeerAuthnMTLSMode. */
function paMode(pa: AnalyzedObject): string {
  const mtls = field(spec(pa), 'mtls');
  return isObj(mtls) ? (typeof mtls.mode === 'string' && mtls.mode !== '' ? mtls.mode : 'UNSET') : '';
}
/** The mode of a PeerAuthentication without a selector (namespace- or mesh-wide), '' for one with a selector: Kiali's PeerAuthnHasMTLSEnabled. */
const wideMode = (pa: AnalyzedObject) => (spec(pa).selector !== undefined ? '' : paMode(pa));
/** A DestinationRule's top-level TLS mode when its host is exactly `host` (Kiali's DestinationRuleHasMTLSEnabledForHost), else ''. */
function drModeFor(dr: AnalyzedObject, host: string): string {
  if (str(spec(dr).host) !== host) return '';
  return drMode(dr);
}
const drMode = (dr: AnalyzedObject): string => {
  const mode = field(field(spec(dr).trafficPolicy, 'tls'), 'mode');
  return field(spec(dr).trafficPolicy, 'tls') === undefined ? '' : typeof mode === 'string' && mode !== '' ? mode : 'DISABLE';
};
const MESH_HOST = '*.local';
const nsHost = (ns: string) => `*.${ns}.${DOMAIN}`;
const mutual = (mode: string) => mode === 'ISTIO_MUTUAL' || mode === 'MUTUAL';

function finalStatus(dr: string, pa: string, auto: boolean): TlsStatus {
  const enabled = mutual(dr) || (dr === '' && auto);
  const disabled = dr === 'DISABLE' || (dr === '' && auto);
  const overall = (pa === 'STRICT' || pa === 'PERMISSIVE') && enabled ? ENABLED : pa === 'DISABLE' && disabled ? DISABLED : pa === '' && dr === '' ? NOT_ENABLED : PARTIAL;
  return { dr, pa, overall };
}
const defined = (t: TlsStatus | undefined) => t?.overall === ENABLED || t?.overall === DISABLED;
function overallStatus(ns: TlsStatus | undefined, mesh: TlsStatus, auto: boolean): string {
  if (defined(ns)) return ns!.overall;
  if (ns?.overall === PARTIAL) return overallStatus(undefined, finalStatus(ns.dr || mesh.dr, ns.pa || mesh.pa, auto), auto);
  if (defined(mesh)) return mesh.overall;
  if (mesh.pa === '' && mesh.dr === '') return NOT_ENABLED;
  if ((mesh.pa === 'DISABLE' && mesh.dr === '') || (mesh.dr === 'DISABLE' && mesh.pa === '')) return DISABLED;
  // half a configuration (a PeerAuthentication or a DestinationRule alone) is enough with auto mTLS only
  if (auto && (mesh.pa === 'STRICT' || mesh.pa === 'PERMISSIVE') && mesh.dr === '') return ENABLED;
  if (auto && mutual(mesh.dr) && mesh.pa === '') return ENABLED;
  return PARTIAL;
}

const first = (modes: string[]) => modes.find(m => m !== '') ?? '';

/** Whether a namespace receives mutual TLS (Kiali's MtlsEnabledChecker.hasMtlsEnabledForNamespace, util/mtls/status.go). */
function namespaceMtls(ctx: AnalysisContext, ns: string): string {
  const pas = ctx.of('PeerAuthentication', SEC);
  const drs = ctx.of('DestinationRule', NET);
  const root = ctx.meshConfig.rootNamespace;
  const auto = ctx.meshConfig.autoMtls !== false;
  const nsStatus = finalStatus(first(drs.map(d => drModeFor(d, nsHost(ns)))), first(pas.filter(p => ctx.namespaceOf(p) === ns).map(wideMode)), auto);
  const meshRaw = finalStatus(first(drs.map(d => drModeFor(d, MESH_HOST))), first(pas.filter(p => ctx.namespaceOf(p) === root).map(wideMode)), auto);
  const mesh = { ...meshRaw, overall: overallStatus(undefined, meshRaw, auto) };
  const status = overallStatus(nsStatus, mesh, auto);
  return status === NOT_ENABLED && auto ? ENABLED : status; // auto mTLS: nothing said, mutual TLS all the same
}

/** Whether the workloads a policy selects receive mutual TLS (Kiali's MtlsEnabledChecker.IsMtlsEnabledFor). */
function receivesMtls(ctx: AnalysisContext, ns: string, labels: { [k: string]: string }): boolean {
  const drs = ctx.of('DestinationRule', NET);
  for (const pa of ctx.of('PeerAuthentication', SEC).filter(p => ctx.namespaceOf(p) === ns)) {
    const sel = strMap(field(spec(pa).selector, 'matchLabels'));
    if (Object.keys(sel).length === 0 || !Object.entries(sel).every(([k, v]) => labels[k] === v)) continue;
    const mode = paMode(pa);
    if (mode === 'STRICT') return true;
    if (mode === 'DISABLE') return false;
    if (mode === 'PERMISSIVE') {
      // PERMISSIVE: what the DestinationRules of the Services of those workloads send decides
      for (const svc of ctx.of('Service', '').filter(s => ctx.namespaceOf(s) === ns)) {
        const svcSel = strMap(field(spec(svc), 'selector'));
        if (Object.keys(svcSel).length === 0 || !Object.entries(sel).every(([k, v]) => svcSel[k] === v)) continue;
        const fqdn = `${name(svc)}.${ns}.${DOMAIN}`;
        for (const dr of drs.filter(d => hostsMatch(toFqdn(ctx.namespaceOf(d), str(spec(d).host)), fqdn))) {
          if (mutual(drMode(dr))) return true;
          if (drMode(dr) === 'DISABLE') return false;
        }
      }
      break;
    }
  }
  return namespaceMtls(ctx, ns) === ENABLED;
}

/** A field of an AuthorizationPolicy that needs the caller's mTLS identity: how the message names it, its path, its value. */
interface MtlsField { readonly text: string; readonly path: string; readonly value: unknown }

/** The fields of an AuthorizationPolicy that need the caller's mTLS identity (Kiali's needsMtls). */
function fieldsNeedingMtls(ap: AnalyzedObject): MtlsField[] {
  return objs(spec(ap).rules).flatMap((rule, i) => [
    ...objs(rule.from).flatMap((from, j) => ['principals', 'notPrincipals', 'namespaces', 'notNamespaces']
      .filter(f => strs(field(from.source, f)).length > 0)
      .map(f => ({ text: `rules[${i}].from[${j}].source.${f}`, path: `spec.rules[${i}].from[${j}].source.${f}`, value: strs(field(from.source, f)) }))),
    ...objs(rule.when).flatMap((c, j) => (['source.namespace', 'source.principal', 'connection.sni'].includes(str(c.key))
      ? [{ text: `rules[${i}].when[${j}] (${str(c.key)})`, path: `spec.rules[${i}].when[${j}].key`, value: str(c.key) }] : [])),
  ]);
}

const mtlsNeeded: Analyzer = {
  analyzer: 'kiali.AuthorizationPolicyChecker',
  code: 'KIA0105',
  name: 'AuthorizationPolicyFieldNeedsMtls',
  level: FindingLevel.ERROR,
  description: 'Kiali KIA0105: an AuthorizationPolicy matches principals, namespaces or connection.sni while its workloads do not receive mutual TLS',
  run: ctx => ctx.of('AuthorizationPolicy', SEC).flatMap((ap): RawFinding[] => {
    const fields = fieldsNeedingMtls(ap);
    if (fields.length === 0 || receivesMtls(ctx, ctx.namespaceOf(ap), strMap(field(spec(ap).selector, 'matchLabels')))) return [];
    return fields.map(f => ({
      object: ap,
      field: f.path,
      value: f.value,
      message: `AuthorizationPolicy '${name(ap)}' matches ${f.text}, which needs mutual TLS, but the workloads it applies to do not receive it (${ctx.meshConfig.autoMtls === false
        ? 'auto mutual TLS is off in the mesh config, and no PeerAuthentication with a DestinationRule sending ISTIO_MUTUAL turns it on'
        : 'a PeerAuthentication or DestinationRule disables it'}): `
        + 'the field never matches (Kiali KIA0105, business/checkers/authorization/mtls_enabled_checker.go)',
      fix: `enable mutual TLS for them (a PeerAuthentication in namespace '${ctx.namespaceOf(ap)}' with mode STRICT or PERMISSIVE${ctx.meshConfig.autoMtls === false
        ? ', and a DestinationRule sending ISTIO_MUTUAL' : ''}), or match on other fields than ${f.text}`,
    }));
  }),
};

const foreignTrustDomain: Analyzer = {
  analyzer: 'kiali.AuthorizationPolicyChecker',
  code: 'KIA0108',
  name: 'AuthorizationPolicyPrincipalForeignTrustDomain',
  level: FindingLevel.WARNING,
  description: 'Kiali KIA0108: an AuthorizationPolicy principal has a trust domain the mesh config (trustDomain, trustDomainAliases) does not name: it cannot be verified',
  run: ctx => ctx.of('AuthorizationPolicy', SEC).flatMap(ap => objs(spec(ap).rules).flatMap((rule, i) => objs(rule.from).flatMap((from, j) =>
    strs(field(from.source, 'principals')).flatMap((p, k): RawFinding[] => {
      const at = p.indexOf('/ns/');
      const td = at > 0 && !p.includes('*') ? p.slice(0, at) : undefined;
      return td === undefined || trustDomains(ctx).includes(td) ? [] : [{
        object: ap,
        field: `spec.rules[${i}].from[${j}].source.principals[${k}]`,
        value: p,
        message: `AuthorizationPolicy '${name(ap)}' rules[${i}].from[${j}].source.principals[${k}] is '${p}', of trust domain '${td}', which is not the mesh's `
          + `(${trustDomains(ctx).join(', ')}): its ServiceAccount cannot be verified, and the principal matches only if that domain is trusted `
          + '(Kiali KIA0108, business/checkers/authorization/principals_checker.go)',
        fix: `add '${td}' to the mesh config's trustDomainAliases, or write the principal under trust domain '${trustDomains(ctx)[0]}'`,
      }];
    })))),
};

/** HTTP methods (Go's net/http method constants, as Kiali's util/httputil HttpMethods lists them). */
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE'];
/** A method as Istio's string match reads it: exact, `PREFIX*`, `*SUFFIX` or `*` (Kiali's validMethod). */
function validMethod(m: string): boolean {
  const method = m.trim();
  if (method === '') return false;
  if (method === '*') return true;
  const prefix = method.endsWith('*') && !method.startsWith('*');
  const suffix = method.startsWith('*') && !method.endsWith('*');
  const pattern = (prefix ? method.slice(0, -1) : suffix ? method.slice(1) : method).toUpperCase();
  return HTTP_METHODS.some(h => (prefix ? pattern !== '' && h.startsWith(pattern) : suffix ? pattern !== '' && h.endsWith(pattern) : h === pattern));
}

const wrongMethod: Analyzer = {
  analyzer: 'kiali.AuthorizationPolicyChecker',
  code: 'KIA0102',
  name: 'AuthorizationPolicyMethodNotHttp',
  level: FindingLevel.WARNING,
  description: 'Kiali KIA0102: an AuthorizationPolicy operation names a method that is not an HTTP method (or an Istio wildcard of one)',
  run: ctx => ctx.of('AuthorizationPolicy', SEC).flatMap(ap => objs(spec(ap).rules).flatMap((rule, i) => objs(rule.to).flatMap((to, j) =>
    strs(field(to.operation, 'methods')).map((m, k) => [m, `rules[${i}].to[${j}].operation.methods[${k}]`]).filter(([m]) => !validMethod(m)).map(([m, at]) => ({
      object: ap,
      field: `spec.${at}`,
      value: m,
      message: `AuthorizationPolicy '${name(ap)}' ${at} is '${m}', which is not an HTTP method: the rule never matches it `
        + '(Kiali KIA0102, business/checkers/authorization/namespace_method_checker.go)',
      fix: `use one of ${HTTP_METHODS.join(', ')} (or 'GET*', '*ET', '*'); a gRPC method is matched by paths, its HTTP method is POST`,
    }))))),
};

/** Namespaces Kiali would know of: the Namespace objects, those the objects land in, those declared outside. */
const knownNamespace = (ctx: AnalysisContext, ns: string) => ctx.namespaceExists(ns) || ctx.objects.some(o => ctx.namespaceOf(o) === ns);

/** A host of `to.operation.hosts` Istio matches as a Host header, not a registry name (Kiali's isHTTPHostHeaderMatcher). */
function hostHeaderOnly(ctx: AnalysisContext, host: string, policyNs: string): boolean {
  const h = host.trim();
  if (h === '') return false;
  if (h.startsWith('*') || h.endsWith('*')) return true;
  const dots = h.split('.').length - 1;
  if (dots >= 2) return true;
  if (dots === 1) {
    const ns = h.slice(h.indexOf('.') + 1);
    return ns !== policyNs && !knownNamespace(ctx, ns);
  }
  return false;
}

const hostNotInRegistry: Analyzer = {
  analyzer: 'kiali.AuthorizationPolicyChecker',
  code: 'KIA0104',
  name: 'AuthorizationPolicyHostNotFound',
  // Kiali: Error, lowered to Warning when outboundTrafficPolicy is ALLOW_ANY, Istio's default (business/checkers/authorization/no_host_checker.go)
  level: FindingLevel.WARNING,
  description: 'Kiali KIA0104: an AuthorizationPolicy `to.operation.hosts` names a service (`name` or `name.namespace`) no Service, ServiceEntry or VirtualService declares',
  run: ctx => ctx.of('AuthorizationPolicy', SEC).flatMap(ap => {
    const ns = ctx.namespaceOf(ap);
    const vsHosts = ctx.of('VirtualService', NET).flatMap(v => strs(spec(v).hosts).map(h => toFqdn(ctx.namespaceOf(v), h)));
    return objs(spec(ap).rules).flatMap((rule, i) => objs(rule.to).flatMap((to, j) => strs(field(to.operation, 'hosts')).flatMap((h, k): RawFinding[] => {
      if (hostHeaderOnly(ctx, h, ns)) return [];
      const fqdn = h.includes('.') ? `${h.trim()}.${DOMAIN}` : toFqdn(ns, h.trim());
      if (ctx.destinationHost(ns, undefined, fqdn) !== undefined || vsHosts.some(v => hostsMatch(v, fqdn))) return [];
      return [{
        object: ap,
        field: `spec.rules[${i}].to[${j}].operation.hosts[${k}]`,
        value: h,
        message: `AuthorizationPolicy '${name(ap)}' rules[${i}].to[${j}].operation.hosts[${k}] is '${h}', which no Service, ServiceEntry or VirtualService visible from namespace '${ns}' declares `
          + '(Kiali KIA0104, business/checkers/authorization/no_host_checker.go)',
        fix: 'name an existing Service (\'name\' or \'name.namespace\'), or write the Host header in full (\'api.example.com\')',
      }];
    })));
  }),
};

// ---- PeerAuthentication DISABLE while a DestinationRule sends ISTIO_MUTUAL (business/checkers/peerauthentications/) ----

const disabledNamespaceWide: Analyzer = {
  analyzer: 'kiali.PeerAuthenticationChecker',
  code: 'KIA0505',
  name: 'NamespaceMtlsDisabledButDestinationRuleSendsMtls',
  level: FindingLevel.ERROR,
  description: 'Kiali KIA0505: a namespace-wide PeerAuthentication disables mutual TLS while a DestinationRule for the namespace (or the mesh) sends ISTIO_MUTUAL',
  run: ctx => ctx.of('PeerAuthentication', SEC).filter(pa => ctx.namespaceOf(pa) !== ctx.meshConfig.rootNamespace && wideMode(pa) === 'DISABLE').flatMap((pa): RawFinding[] => {
    const ns = ctx.namespaceOf(pa);
    const drs = ctx.of('DestinationRule', NET);
    // the first DestinationRule for '*.<ns>.svc.cluster.local' decides; without one, a mesh-wide ISTIO_MUTUAL one
    const nsDr = drs.find(d => drModeFor(d, nsHost(ns)) === 'DISABLE' || mutual(drModeFor(d, nsHost(ns))));
    const culprit = nsDr ? (mutual(drModeFor(nsDr, nsHost(ns))) ? nsDr : undefined) : drs.find(d => mutual(drModeFor(d, MESH_HOST)));
    return culprit ? [{
      object: pa,
      field: 'spec.mtls.mode',
      value: 'DISABLE',
      message: `PeerAuthentication '${name(pa)}' disables mutual TLS in namespace '${ns}', but DestinationRule '${name(culprit)}' (host '${str(spec(culprit).host)}') sends ${drMode(culprit)} to it: `
        + 'its workloads refuse those requests (Kiali KIA0505, business/checkers/peerauthentications/disabled_namespacewide_checker.go)',
      fix: `add a DestinationRule for '${nsHost(ns)}' with tls mode DISABLE`,
    }] : [];
  }),
};

const disabledMeshWide: Analyzer = {
  analyzer: 'kiali.PeerAuthenticationChecker',
  code: 'KIA0506',
  name: 'MeshMtlsDisabledButDestinationRuleSendsMtls',
  level: FindingLevel.ERROR,
  description: 'Kiali KIA0506: a mesh-wide PeerAuthentication (root namespace) disables mutual TLS while a mesh-wide DestinationRule (`*.local`) sends ISTIO_MUTUAL',
  run: ctx => ctx.of('PeerAuthentication', SEC).filter(pa => ctx.namespaceOf(pa) === ctx.meshConfig.rootNamespace && wideMode(pa) === 'DISABLE').flatMap((pa): RawFinding[] => {
    const culprit = ctx.of('DestinationRule', NET).find(d => mutual(drModeFor(d, MESH_HOST)));
    return culprit ? [{
      object: pa,
      field: 'spec.mtls.mode',
      value: 'DISABLE',
      message: `PeerAuthentication '${name(pa)}' disables mutual TLS mesh-wide, but DestinationRule '${name(culprit)}' (host '*.local') sends ${drMode(culprit)}: `
        + 'every workload refuses those requests (Kiali KIA0506, business/checkers/peerauthentications/disabled_meshwide_checker.go)',
      fix: `set spec.trafficPolicy.tls.mode of DestinationRule '${name(culprit)}' to DISABLE`,
    }] : [];
  }),
};

// ---- DestinationRule DISABLE toward STRICT (business/checkers/destinationrules/disabled_*_mtls_checker.go) ----

const strictSentPlain = (dr: AnalyzedObject, strict: AnalyzedObject, scope: string, code: string, source: string): RawFinding => ({
  object: dr,
  field: 'spec.trafficPolicy.tls.mode',
  value: 'DISABLE',
  message: `DestinationRule '${name(dr)}' disables TLS for ${scope}, where STRICT PeerAuthentication '${nameOf(strict)}' refuses plain text: every request fails `
    + `(Kiali ${code}, business/checkers/destinationrules/${source})`,
  fix: `set spec.trafficPolicy.tls.mode to ISTIO_MUTUAL, or make PeerAuthentication '${nameOf(strict)}' PERMISSIVE`,
});

const nsDisableTowardNsStrict: Analyzer = {
  analyzer: 'kiali.DestinationRuleMtlsChecker',
  code: 'KIA0207',
  name: 'PeerAuthenticationStrictButDestinationRuleDisablesMtls',
  level: FindingLevel.ERROR,
  description: 'Kiali KIA0207: a namespace-wide DestinationRule (`*.<ns>.svc.cluster.local`) disables TLS where a namespace-wide PeerAuthentication is STRICT',
  run: ctx => ctx.of('DestinationRule', NET).flatMap((dr): RawFinding[] => {
    const ns = ctx.namespaceOf(dr);
    if (drModeFor(dr, nsHost(ns)) !== 'DISABLE') return [];
    const decisive = ctx.of('PeerAuthentication', SEC).filter(p => ctx.namespaceOf(p) === ns).find(p => wideMode(p) === 'STRICT' || wideMode(p) === 'PERMISSIVE');
    return decisive && wideMode(decisive) === 'STRICT' ? [strictSentPlain(dr, decisive, `namespace '${ns}'`, 'KIA0207', 'disabled_namespacewide_mtls_checker.go')] : [];
  }),
};

const disableTowardMeshStrict: Analyzer = {
  analyzer: 'kiali.DestinationRuleMtlsChecker',
  code: 'KIA0208',
  name: 'MeshPeerAuthenticationStrictButDestinationRuleDisablesMtls',
  level: FindingLevel.ERROR,
  description: 'Kiali KIA0208: a mesh-wide (`*.local`) or namespace-wide DestinationRule disables TLS while the mesh-wide PeerAuthentication is STRICT (every Service, with pods or not)',
  run: ctx => ctx.of('DestinationRule', NET).flatMap((dr): RawFinding[] => {
    const root = ctx.meshConfig.rootNamespace;
    const meshStrict = ctx.of('PeerAuthentication', SEC).find(p => ctx.namespaceOf(p) === root && wideMode(p) === 'STRICT');
    if (!meshStrict) return [];
    if (drModeFor(dr, MESH_HOST) === 'DISABLE') {
      return [strictSentPlain(dr, meshStrict, 'the whole mesh (*.local)', 'KIA0208', 'disabled_meshwide_mtls_checker.go')];
    }
    const ns = ctx.namespaceOf(dr);
    if (drModeFor(dr, nsHost(ns)) !== 'DISABLE') return [];
    // a namespace-wide PeerAuthentication of the namespace decides first (KIA0207 for STRICT; PERMISSIVE or DISABLE accept plain text)
    const own = ctx.of('PeerAuthentication', SEC).filter(p => ctx.namespaceOf(p) === ns).map(wideMode);
    if (own.some(m => m === 'STRICT' || m === 'PERMISSIVE' || m === 'DISABLE')) return [];
    return [strictSentPlain(dr, meshStrict, `namespace '${ns}' (the mesh-wide PeerAuthentication applies)`, 'KIA0208', 'disabled_namespacewide_mtls_checker.go')];
  }),
};

// ---- with auto mutual TLS off: the PeerAuthentication and the DestinationRule must say the same ----
// (business/checkers/peerauthentications/{mesh,namespace}_mtls_checker.go, destinationrules/{meshwide,namespacewide}_mtls_checker.go)

const autoMtlsOff = (ctx: AnalysisContext) => ctx.meshConfig.autoMtls === false;
const enables = (mode: string) => mode === 'STRICT' || mode === 'PERMISSIVE';
const AUTO_OFF = 'the mesh config turns enableAutoMtls off, so clients send mutual TLS only where a DestinationRule says ISTIO_MUTUAL';

const meshStrictWithoutDr: Analyzer = {
  analyzer: 'kiali.PeerAuthenticationChecker',
  code: 'KIA0401',
  name: 'MeshStrictWithoutMtlsDestinationRule',
  level: FindingLevel.ERROR,
  description: 'Kiali KIA0401: with auto mutual TLS off, a mesh-wide STRICT PeerAuthentication and no `*.local` DestinationRule sending ISTIO_MUTUAL',
  run: ctx => (!autoMtlsOff(ctx) ? [] : ctx.of('PeerAuthentication', SEC)
    .filter(p => ctx.namespaceOf(p) === ctx.meshConfig.rootNamespace && wideMode(p) === 'STRICT' && !ctx.of('DestinationRule', NET).some(d => drModeFor(d, MESH_HOST) === 'ISTIO_MUTUAL'))
    .map(p => ({
      object: p,
      field: 'spec.mtls.mode',
      value: 'STRICT',
      message: `PeerAuthentication '${name(p)}' requires mutual TLS mesh-wide, but ${AUTO_OFF} and none does for '*.local': every request is refused `
        + '(Kiali KIA0401, business/checkers/peerauthentications/mesh_mtls_checker.go)',
      fix: 'add a DestinationRule for \'*.local\' with tls mode ISTIO_MUTUAL',
    }))),
};

const namespaceStrictWithoutDr: Analyzer = {
  analyzer: 'kiali.PeerAuthenticationChecker',
  code: 'KIA0501',
  name: 'NamespaceStrictWithoutMtlsDestinationRule',
  level: FindingLevel.ERROR,
  description: 'Kiali KIA0501: with auto mutual TLS off, a namespace-wide STRICT PeerAuthentication and no namespace- or mesh-wide DestinationRule sending ISTIO_MUTUAL',
  run: ctx => (!autoMtlsOff(ctx) ? [] : ctx.of('PeerAuthentication', SEC).filter(p => ctx.namespaceOf(p) !== ctx.meshConfig.rootNamespace && wideMode(p) === 'STRICT')
    .filter(p => !ctx.of('DestinationRule', NET).some(d => drModeFor(d, nsHost(ctx.namespaceOf(p))) === 'ISTIO_MUTUAL' || drModeFor(d, MESH_HOST) === 'ISTIO_MUTUAL'))
    .map(p => ({
      object: p,
      field: 'spec.mtls.mode',
      value: 'STRICT',
      message: `PeerAuthentication '${name(p)}' requires mutual TLS in namespace '${ctx.namespaceOf(p)}', but ${AUTO_OFF} and none does for '${nsHost(ctx.namespaceOf(p))}' or '*.local': `
        + 'every request is refused (Kiali KIA0501, business/checkers/peerauthentications/namespace_mtls_checker.go)',
      fix: `add a DestinationRule for '${nsHost(ctx.namespaceOf(p))}' with tls mode ISTIO_MUTUAL`,
    }))),
};

const meshDrWithoutPolicy: Analyzer = {
  analyzer: 'kiali.DestinationRuleMtlsChecker',
  code: 'KIA0205',
  name: 'MeshMtlsDestinationRuleWithoutPeerAuthentication',
  level: FindingLevel.ERROR,
  description: 'Kiali KIA0205: with auto mutual TLS off, a `*.local` DestinationRule sends ISTIO_MUTUAL and no mesh-wide PeerAuthentication enables mutual TLS',
  run: ctx => (!autoMtlsOff(ctx) ? [] : ctx.of('DestinationRule', NET)
    .filter(d => drModeFor(d, MESH_HOST) === 'ISTIO_MUTUAL' && !ctx.of('PeerAuthentication', SEC).some(p => ctx.namespaceOf(p) === ctx.meshConfig.rootNamespace && enables(wideMode(p))))
    .map(d => ({
      object: d,
      field: 'spec.trafficPolicy.tls.mode',
      value: 'ISTIO_MUTUAL',
      message: `DestinationRule '${name(d)}' sends ISTIO_MUTUAL mesh-wide, but no PeerAuthentication in '${ctx.meshConfig.rootNamespace}' enables mutual TLS mesh-wide `
        + '(Kiali KIA0205, business/checkers/destinationrules/meshwide_mtls_checker.go)',
      fix: `add a PeerAuthentication without a selector in namespace '${ctx.meshConfig.rootNamespace}' with mtls mode STRICT or PERMISSIVE`,
    }))),
};

const namespaceDrWithoutPolicy: Analyzer = {
  analyzer: 'kiali.DestinationRuleMtlsChecker',
  code: 'KIA0206',
  name: 'NamespaceMtlsDestinationRuleWithoutPeerAuthentication',
  level: FindingLevel.ERROR,
  description: 'Kiali KIA0206: with auto mutual TLS off, a namespace-wide DestinationRule sends ISTIO_MUTUAL and no namespace- or mesh-wide PeerAuthentication enables mutual TLS',
  run: ctx => (!autoMtlsOff(ctx) ? [] : ctx.of('DestinationRule', NET).filter(d => drModeFor(d, nsHost(ctx.namespaceOf(d))) === 'ISTIO_MUTUAL')
    .filter(d => !ctx.of('PeerAuthentication', SEC).some(p => [ctx.namespaceOf(d), ctx.meshConfig.rootNamespace].includes(ctx.namespaceOf(p)) && enables(wideMode(p))))
    .map(d => ({
      object: d,
      field: 'spec.trafficPolicy.tls.mode',
      value: 'ISTIO_MUTUAL',
      message: `DestinationRule '${name(d)}' sends ISTIO_MUTUAL to namespace '${ctx.namespaceOf(d)}', but no PeerAuthentication of that namespace or of the mesh enables mutual TLS `
        + '(Kiali KIA0206, business/checkers/destinationrules/namespacewide_mtls_checker.go)',
      fix: `add a PeerAuthentication without a selector in namespace '${ctx.namespaceOf(d)}' with mtls mode STRICT or PERMISSIVE`,
    }))),
};

/*
 * Kiali reports every workload no AuthorizationPolicy covers. mesh-kit reports it once the mesh has an Istio
 * AuthorizationPolicy at all: an app that has not adopted authorization would otherwise get a warning per workload,
 * which buries the warnings that are mistakes; one that has, and leaves a workload out, most likely meant to cover it.
 */
const uncoveredWorkload: Analyzer = {
  analyzer: 'kiali.WorkloadChecker',
  code: 'KIA1301',
  name: 'WorkloadNotCoveredByAuthorizationPolicy',
  level: FindingLevel.WARNING,
  description: 'Kiali KIA1301: a workload no AuthorizationPolicy covers (none of its namespace selects it or is namespace-wide, none mesh-wide in the root namespace), '
    + 'in a mesh that has AuthorizationPolicies',
  run: ctx => {
    const aps = ctx.of('AuthorizationPolicy', SEC);
    if (aps.length === 0) return [];
    const root = ctx.meshConfig.rootNamespace;
    const covers = (ap: AnalyzedObject, ns: string, labels: { readonly [k: string]: string }) => {
      const apNs = ctx.namespaceOf(ap);
      if (apNs !== ns && apNs !== root) return false;
      const sel = strMap(field(spec(ap).selector, 'matchLabels'));
      return Object.entries(sel).every(([k, v]) => labels[k] === v);
    };
    return ctx.pods.filter(p => !aps.some(ap => covers(ap, p.namespace, p.labels))).map(p => ({
      object: p.object,
      field: p.template ? 'spec.template.metadata.labels' : 'metadata.labels',
      value: p.labels,
      message: `${p.object.manifest.kind} '${name(p.object)}' is covered by no AuthorizationPolicy: none in namespace '${p.namespace}' selects it or applies to the whole namespace, `
        + `and none applies mesh-wide from '${root}'; it takes requests from any caller (Kiali KIA1301, business/checkers/workloads/uncovered_workload_checker.go)`,
      fix: `add an AuthorizationPolicy in namespace '${p.namespace}' that selects its labels (ServiceAuthorization), or a namespace-wide one to deny by default`,
    }));
  },
};

/** Kiali's security and mutual TLS checks. */
export const KIALI_SECURITY_ANALYZERS: Analyzer[] = [
  mtlsNeeded, foreignTrustDomain, wrongMethod, hostNotInRegistry,
  disabledNamespaceWide, disabledMeshWide, nsDisableTowardNsStrict, disableTowardMeshStrict,
  meshStrictWithoutDr, namespaceStrictWithoutDr, meshDrWithoutPolicy, namespaceDrWithoutPolicy, uncoveredWorkload,
];
