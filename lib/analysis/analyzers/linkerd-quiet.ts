import { field, nameOf, objs, specOf as spec, str, strMap, strs } from '../context';
import { AnalysisContext, AnalyzedObject, Analyzer, FindingLevel, PodTemplateRef, RawFinding } from '../model';

/*
 * mesh-kit's checks of Linkerd mistakes that synthesize without a word and fail at run time (issue 37's quiet list):
 * an authorization whose callers are not meshed, and two EgressNetworks that both claim every external address.
 */

const POLICY = 'policy.linkerd.io';
const INJECT = 'linkerd.io/inject';
const name = nameOf;

/**
 * Whether Linkerd's proxy injector meshes a pod: its own `linkerd.io/inject` (`enabled` or `ingress`), else its
 * namespace's, `disabled` on the pod winning over an enabled namespace (linkerd2 pkg/inject/report.go, disableInjection);
 * a pod that already has a `linkerd-proxy` container is meshed.
 */
function meshedByLinkerd(ctx: AnalysisContext, pod: PodTemplateRef): boolean {
  const containers = objs(pod.spec.containers).concat(objs(pod.spec.initContainers));
  if (containers.some(c => str(c.name) === 'linkerd-proxy')) return true;
  const own = pod.annotations[INJECT];
  if (own !== undefined) return own === 'enabled' || own === 'ingress';
  const ns = ctx.namespace(pod.namespace);
  const nsInject = ns ? strMap(ns.manifest.metadata.annotations)[INJECT] : undefined;
  return nsInject === 'enabled' || nsInject === 'ingress';
}

/** A caller an authorization names: the pods that carry its identity, and what to call it in a message. */
interface Caller {
  readonly field: string;
  readonly value: string;
  readonly namespace: string;
  /** `ServiceAccount 'web' of namespace 'shop'`. */
  readonly what: string;
  readonly pods: PodTemplateRef[];
}

/** The pods running as a ServiceAccount (a pod without `serviceAccountName` runs as `default`). */
function podsOfServiceAccount(ctx: AnalysisContext, namespace: string, account: string): PodTemplateRef[] {
  return ctx.podsIn(namespace).filter(p => (str(p.spec.serviceAccountName) || str(p.spec.serviceAccount) || 'default') === account);
}

/** A reference to a ServiceAccount or a Namespace (`identityRefs[i]`, `requiredAuthenticationRefs[i]`) as a caller, else undefined. */
function callerOfRef(ctx: AnalysisContext, ref: { [k: string]: unknown }, at: string, own: string): Caller | undefined {
  const kind = str(ref.kind);
  const n = str(ref.name);
  const group = str(ref.group);
  if (n === '' || n === '*' || (group !== '' && group !== 'core')) return undefined;
  if (kind === 'ServiceAccount') {
    const ns = str(ref.namespace) || own;
    return { field: `${at}.name`, value: n, namespace: ns, what: `ServiceAccount '${n}' of namespace '${ns}'`, pods: podsOfServiceAccount(ctx, ns, n) };
  }
  if (kind === 'Namespace') return { field: `${at}.name`, value: n, namespace: n, what: `namespace '${n}'`, pods: [...ctx.podsIn(n)] };
  return undefined;
}

/** A Linkerd identity string `<sa>.<ns>.serviceaccount.identity.<control-plane ns>.<trust domain>` as a caller. */
function callerOfIdentity(ctx: AnalysisContext, identity: string, at: string): Caller | undefined {
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.serviceaccount\.identity\./.exec(identity);
  if (!m) return undefined;
  const [, sa, ns] = m;
  return { field: at, value: identity, namespace: ns, what: `ServiceAccount '${sa}' of namespace '${ns}'`, pods: podsOfServiceAccount(ctx, ns, sa) };
}

/** The callers an authorization names: a MeshTLSAuthentication's identities, an AuthorizationPolicy's ServiceAccounts. */
function callersOf(ctx: AnalysisContext, o: AnalyzedObject): Caller[] {
  const own = ctx.namespaceOf(o);
  const s = spec(o);
  if (o.manifest.kind === 'MeshTLSAuthentication') {
    return [
      ...objs(s.identityRefs).map((r, i) => callerOfRef(ctx, r, `spec.identityRefs[${i}]`, own)),
      ...strs(s.identities).map((id, i) => callerOfIdentity(ctx, id, `spec.identities[${i}]`)),
    ].filter((c): c is Caller => c !== undefined);
  }
  return objs(s.requiredAuthenticationRefs).map((r, i) => callerOfRef(ctx, r, `spec.requiredAuthenticationRefs[${i}]`, own))
    .filter((c): c is Caller => c !== undefined);
}

const callerNotMeshed: Analyzer = {
  analyzer: 'meshkit.LinkerdCallerAnalyzer',
  code: 'MK0040',
  name: 'LinkerdCallerNotMeshed',
  level: FindingLevel.WARNING,
  description: 'a Linkerd MeshTLSAuthentication or AuthorizationPolicy admits callers whose pods are not meshed: their requests carry no mTLS identity, so it never admits them',
  run: ctx => [...ctx.of('MeshTLSAuthentication', POLICY), ...ctx.of('AuthorizationPolicy', POLICY)].flatMap((o): RawFinding[] =>
    callersOf(ctx, o).flatMap(c => {
      // a caller with no pod here is another question (a reference to nothing, or pods deployed elsewhere)
      if (c.pods.length === 0 || c.pods.some(p => meshedByLinkerd(ctx, p))) return [];
      const workloads = [...new Set(c.pods.map(p => `${p.object.manifest.kind} '${name(p.object)}'`))];
      return [{
        object: o,
        message: `${o.manifest.kind} '${name(o)}' admits ${c.what}, whose pods (${workloads.join(', ')}) are not meshed by Linkerd: `
          + 'their requests carry no mTLS identity, so the authorization never admits them (linkerd2 policy-controller authorizes by the client\'s '
          + 'meshed identity: policy-controller/core/src/inbound.rs, ClientAuthentication::TlsAuthenticated)',
        field: c.field,
        value: c.value,
        fix: `annotate namespace '${c.namespace}' (or the pod template of ${workloads[0]}) with ${INJECT}: enabled`,
      }];
    })),
};

/** The `/0` networks of an EgressNetwork that hold every address of their family, without exceptions: `0.0.0.0/0`, `::/0`. */
function wholeFamilies(o: AnalyzedObject): { readonly families: string[]; readonly field: string; readonly value: unknown } {
  const networks = field(spec(o), 'networks');
  // without `networks`, Linkerd takes 0.0.0.0/0 and ::/0 less the cluster's networks (egress_network.rs, from_resource)
  if (networks === undefined) return { families: ['0.0.0.0/0', '::/0'], field: 'spec.networks', value: ['0.0.0.0/0', '::/0'] };
  const whole = objs(networks).filter(n => ['0.0.0.0/0', '::/0'].includes(str(n.cidr)) && strs(n.except).length === 0).map(n => str(n.cidr));
  return { families: [...new Set(whole)], field: 'spec.networks', value: whole };
}

const egressNetworksOverlap: Analyzer = {
  analyzer: 'meshkit.LinkerdEgressNetworkAnalyzer',
  code: 'MK0041',
  name: 'EgressNetworksOverlap',
  level: FindingLevel.WARNING,
  description: 'two Linkerd EgressNetworks of one namespace both cover every external address: Linkerd sends every external call to the older one, and the other never applies',
  run: ctx => {
    const byNs = new Map<string, AnalyzedObject[]>();
    for (const o of ctx.of('EgressNetwork', POLICY)) byNs.set(ctx.namespaceOf(o), [...(byNs.get(ctx.namespaceOf(o)) ?? []), o]);
    return [...byNs].flatMap(([ns, nets]) => {
      // linkerd2 policy-controller/k8s/index/src/outbound/index/egress_network.rs, compare_matched_egress_network: the most
      // specific network, then the older resource, then namespace/name; here no network is more specific than the other
      const sorted = nets.map(o => ({ o, w: wholeFamilies(o) })).filter(x => x.w.families.length > 0)
        .sort((a, b) => name(a.o).localeCompare(name(b.o)));
      return sorted.flatMap((x, i): RawFinding[] => {
        // one name is one object (a later file's version of it replaces it), never two networks
        const first = sorted.slice(0, i).find(y => name(y.o) !== name(x.o) && y.w.families.some(f => x.w.families.includes(f)));
        if (!first) return [];
        const shared = x.w.families.filter(f => first.w.families.includes(f));
        return [{
          object: x.o,
          message: `EgressNetwork '${name(x.o)}' and EgressNetwork '${name(first.o)}' of namespace '${ns}' both cover every external address (${shared.join(', ')}): `
            + 'Linkerd sends each external call to the older of the two, so one of them never applies '
            + '(linkerd2 policy-controller/k8s/index/src/outbound/index/egress_network.rs, compare_matched_egress_network)',
          field: x.w.field,
          value: x.w.value,
          fix: `merge EgressNetwork '${name(x.o)}' into '${name(first.o)}', or give it the networks it is meant for in spec.networks`,
        }];
      });
    });
  },
};

/** A reference of a Linkerd policy to an object of the world: where it is written, what it names, and whether that exists. */
interface PolicyRef {
  readonly field: string;
  readonly what: string;
  readonly namespace: string;
  readonly name: string;
  readonly exists: boolean;
  readonly fix: string;
}

/** Whether a ServiceAccount is there: its object, or pods running as it (a pod's account may come from elsewhere). */
const accountExists = (ctx: AnalysisContext, ns: string, sa: string) =>
  sa === 'default' || ctx.find('ServiceAccount', '', ns, sa) !== undefined || podsOfServiceAccount(ctx, ns, sa).length > 0;

/** The references of a Linkerd AuthorizationPolicy (its target, its authentications) or MeshTLSAuthentication (its ServiceAccounts). */
function policyRefs(ctx: AnalysisContext, o: AnalyzedObject): PolicyRef[] {
  const own = ctx.namespaceOf(o);
  const s = spec(o);
  const out: PolicyRef[] = [];
  const account = (r: { [k: string]: unknown }, at: string) => {
    const n = str(r.name);
    const ns = str(r.namespace) || own;
    if (str(r.kind) !== 'ServiceAccount' || n === '' || n === '*') return;
    out.push({
      field: `${at}.name`,
      what: `ServiceAccount '${n}' of namespace '${ns}'`,
      namespace: ns,
      name: n,
      exists: accountExists(ctx, ns, n),
      fix: `create ServiceAccount '${n}' in namespace '${ns}' and run the callers as it, or name the account they run as`,
    });
  };
  if (o.manifest.kind === 'MeshTLSAuthentication') {
    objs(s.identityRefs).forEach((r, i) => account(r, `spec.identityRefs[${i}]`));
    return out;
  }
  const target = field(s, 'targetRef');
  if (target && typeof target === 'object' && !Array.isArray(target)) {
    const t = target as { [k: string]: unknown };
    const [kind, n] = [str(t.kind), str(t.name)];
    const groups = kind === 'Server' ? [POLICY] : kind === 'HTTPRoute' ? [POLICY, 'gateway.networking.k8s.io'] : kind === 'GRPCRoute' ? ['gateway.networking.k8s.io'] : [];
    if (groups.length > 0 && n !== '') {
      out.push({
        field: 'spec.targetRef.name',
        what: `${kind} '${n}'`,
        namespace: own,
        name: n,
        exists: groups.some(g => ctx.find(kind, g, own, n) !== undefined),
        fix: `create ${kind} '${n}' in namespace '${own}', or target one that exists${(() => {
          const there = groups.flatMap(g => ctx.of(kind, g)).filter(x => ctx.namespaceOf(x) === own).map(x => `'${name(x)}'`);
          return there.length > 0 ? ` (${there.slice(0, 5).join(', ')})` : '';
        })()}`,
      });
    }
  }
  objs(s.requiredAuthenticationRefs).forEach((r, i) => {
    const [kind, n] = [str(r.kind), str(r.name)];
    const at = `spec.requiredAuthenticationRefs[${i}]`;
    if ((kind === 'MeshTLSAuthentication' || kind === 'NetworkAuthentication') && n !== '') {
      const ns = str(r.namespace) || own;
      out.push({
        field: `${at}.name`,
        what: `${kind} '${n}' of namespace '${ns}'`,
        namespace: ns,
        name: n,
        exists: ctx.find(kind, POLICY, ns, n) !== undefined,
        fix: `create ${kind} '${n}' in namespace '${ns}', or name one that exists`,
      });
    } else {account(r, at);}
  });
  return out;
}

const policyReferenceNotFound: Analyzer = {
  analyzer: 'meshkit.LinkerdPolicyReferenceAnalyzer',
  code: 'MK0042',
  name: 'LinkerdPolicyReferenceNotFound',
  level: FindingLevel.WARNING,
  description: 'a Linkerd AuthorizationPolicy targets, or requires an authentication, that does not exist, or a MeshTLSAuthentication names a ServiceAccount '
    + 'nothing runs as: the policy authorizes nobody',
  run: ctx => [...ctx.of('AuthorizationPolicy', POLICY), ...ctx.of('MeshTLSAuthentication', POLICY)].flatMap((o): RawFinding[] =>
    // an app that deploys part of a cluster names objects of other namespaces that may exist there: only its own are known
    policyRefs(ctx, o).filter(r => !r.exists && (ctx.world === 'closed' || r.namespace === ctx.namespaceOf(o))).map(r => ({
      object: o,
      message: `${o.manifest.kind} '${ctx.namespaceOf(o)}/${name(o)}' names ${r.what}, which ${r.what.startsWith('ServiceAccount') ? 'neither exists nor runs any pod' : 'does not exist'}: `
        + (o.manifest.kind === 'MeshTLSAuthentication' ? 'no client has that identity, so it authenticates nobody'
          : 'Linkerd\'s policy controller applies the policy to nothing it can resolve, so it authorizes nobody and the traffic it meant to allow stays refused where the default denies')
        + ' (linkerd2 policy-controller/k8s/index/src/inbound/index.rs resolves targets and authentications by name in the policy\'s namespace) (mesh-kit MK0042)',
      field: r.field,
      value: r.name,
      fix: r.fix,
    }))),
};

/** mesh-kit's checks of Linkerd's quiet mistakes. */
export const LINKERD_QUIET_ANALYZERS: Analyzer[] = [callerNotMeshed, egressNetworksOverlap, policyReferenceNotFound];
