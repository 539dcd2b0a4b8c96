import * as YAML from 'yaml';
import { ROOT_NAMESPACE } from './identity';
import { PolicyAction, RequestAttributes, RuleMatch, envoyRuleMatch, ztunnelRuleMatch } from './istio-rules';
import { Tri } from './tri';
import { isObj, str, strMap } from '../../analysis/context';
import { ServiceInfo, WorkloadInfo, World, WorldObject, selectsLabels } from '../world';

/**
 * Which AuthorizationPolicies a proxy enforces and what they decide, in Istio's order: CUSTOM (an external authorizer),
 * then DENY, then ALLOW; AUDIT never changes the verdict (istio/istio `pilot/pkg/security/authz/builder/builder.go`,
 * the AuthorizationPolicy reference: "If there are any CUSTOM policies that match the request, evaluate and deny the
 * request if the evaluation result is deny. If there are any DENY policies that match the request, deny the request.
 * If there are no ALLOW policies for the workload, allow the request. If any of the ALLOW policies match the request,
 * allow the request. Deny the request.").
 *
 * A CUSTOM policy that matches hands the request to its provider, which the model cannot run: the verdict is then
 * `undecided` — unless a DENY policy matches or the ALLOW policies refuse it, which deny whatever the provider answers.
 */

/** A proxy that enforces AuthorizationPolicies. */
export type IstioEnforcer =
  /** A workload's sidecar: policies selecting the workload (selector, namespace-wide, root namespace), never targetRefs. */
  | { readonly kind: 'sidecar'; readonly workload: WorkloadInfo }
  /** A gateway's Envoy: selector policies, and for a Gateway API Gateway the policies whose targetRefs name it. */
  | { readonly kind: 'gateway'; readonly namespace: string; readonly labels: { readonly [k: string]: string } }
  /** A waypoint: only policies whose targetRefs name it, the Service it serves, or the `istio-waypoint` GatewayClass. */
  | { readonly kind: 'waypoint'; readonly waypoint: WorldObject; readonly service: ServiceInfo }
  /** A workload's ztunnel (ambient): selector, namespace-wide and root-namespace policies, L4 only, ALLOW and DENY only. */
  | { readonly kind: 'ztunnel'; readonly workload: WorkloadInfo };

/** What the policies decide. */
export interface IstioVerdict {
  readonly verdict: 'allow' | 'deny' | 'undecided';
  readonly policy?: WorldObject;
  readonly rule?: number;
  readonly reason: string;
  /** Things the enforcer ignored or could not read, worth knowing. */
  readonly notes: readonly string[];
}

interface AuthzIndex {
  readonly byNamespace: Map<string, WorldObject[]>;
  readonly providers?: ReadonlySet<string>;
}
const indexes = new WeakMap<World, AuthzIndex>();

/** The extension providers MeshConfig declares (the `istio` ConfigMap of the root namespace), when the configuration holds it. */
function meshProviders(world: World): ReadonlySet<string> | undefined {
  const cm = world.get('', 'ConfigMap', ROOT_NAMESPACE, 'istio');
  const data = cm && isObj(cm.manifest.data) ? cm.manifest.data : undefined;
  if (!data || typeof data.mesh !== 'string') return undefined;
  try {
    const mesh: unknown = YAML.parse(data.mesh);
    const providers = isObj(mesh) && Array.isArray(mesh.extensionProviders) ? mesh.extensionProviders.filter(isObj).map(p => str(p.name)) : [];
    return new Set(providers);
  } catch {
    return undefined;
  }
}

function authzIndex(world: World): AuthzIndex {
  let index = indexes.get(world);
  if (!index) {
    const byNamespace = new Map<string, WorldObject[]>();
    for (const o of world.list('security.istio.io', 'AuthorizationPolicy')) {
      const same = byNamespace.get(o.namespace);
      if (same) same.push(o);
      else byNamespace.set(o.namespace, [o]);
    }
    index = { byNamespace, providers: meshProviders(world) };
    indexes.set(world, index);
  }
  return index;
}

const specOf = (o: WorldObject) => (isObj(o.manifest.spec) ? o.manifest.spec : {});

/** `targetRefs`, or the older single `targetRef` (`pilot/pkg/model/policyattachment.go` `GetTargetRefs`). */
export function targetRefsOf(spec: { readonly [k: string]: unknown }): Array<{ group: string; kind: string; name: string; namespace: string }> {
  const refs = Array.isArray(spec.targetRefs) && spec.targetRefs.length > 0 ? spec.targetRefs : isObj(spec.targetRef) ? [spec.targetRef] : [];
  return refs.filter(isObj).map(r => ({ group: str(r.group), kind: str(r.kind), name: str(r.name), namespace: str(r.namespace) }));
}

const canonicalGroup = (g: string) => (g === '' || g === 'core' ? '' : g);

/**
 * Whether a policy attaches to the enforcer (`pilot/pkg/model/policyattachment.go` `ShouldAttachPolicy`: a workload
 * that is not a Gateway API gateway uses selectors and ignores targetRefs; a Gateway API gateway uses targetRefs, and
 * selectors too (`ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY`, default on); a waypoint only targetRefs).
 */
function attaches(policy: WorldObject, enforcer: IstioEnforcer): boolean {
  const spec = specOf(policy);
  const refs = targetRefsOf(spec);
  const selected = (labels: { readonly [k: string]: string }) => !isObj(spec.selector) || selectsLabels(strMap(spec.selector.matchLabels), labels);
  if (enforcer.kind === 'sidecar' || enforcer.kind === 'ztunnel') return refs.length === 0 && selected(enforcer.workload.podLabels);
  if (enforcer.kind === 'gateway') {
    const gatewayName = enforcer.labels['gateway.networking.k8s.io/gateway-name'];
    if (gatewayName === undefined) return refs.length === 0 && selected(enforcer.labels);
    if (refs.length === 0) return selected(enforcer.labels);
    return policy.namespace === enforcer.namespace && refs.some(r => canonicalGroup(r.group) === 'gateway.networking.k8s.io' && r.kind === 'Gateway'
      && r.name === gatewayName && (r.namespace === '' || r.namespace === enforcer.namespace));
  }
  const { waypoint, service } = enforcer;
  return refs.some(r => {
    if (r.kind === 'Service' && canonicalGroup(r.group) === '' && r.name === service.name && policy.namespace === service.namespace) return true;
    if (r.kind === 'GatewayClass' && canonicalGroup(r.group) === 'gateway.networking.k8s.io' && r.name === 'istio-waypoint' && policy.namespace === ROOT_NAMESPACE) return true;
    return policy.namespace === waypoint.namespace && (r.namespace === '' || r.namespace === waypoint.namespace)
      && r.kind === 'Gateway' && canonicalGroup(r.group) === 'gateway.networking.k8s.io' && r.name === waypoint.name;
  });
}

/** The policies an enforcer applies: the root namespace's and its own namespace's (and the Service's, for a waypoint). */
export function policiesFor(world: World, enforcer: IstioEnforcer): WorldObject[] {
  const index = authzIndex(world);
  const own = enforcer.kind === 'gateway' ? enforcer.namespace : enforcer.kind === 'waypoint' ? enforcer.waypoint.namespace : enforcer.workload.namespace;
  const namespaces = [ROOT_NAMESPACE, own, ...(enforcer.kind === 'waypoint' ? [enforcer.service.namespace] : [])];
  return [...new Set(namespaces)].flatMap(ns => index.byNamespace.get(ns) ?? []).filter(p => attaches(p, enforcer));
}

const isDryRun = (p: WorldObject) => /^(1|t|T|TRUE|true|True)$/.test(strMap(p.manifest.metadata.annotations)['istio.io/dry-run'] ?? '');

const ACTIONS: ReadonlySet<string> = new Set(['ALLOW', 'DENY', 'AUDIT', 'CUSTOM']);
const actionOf = (p: WorldObject): PolicyAction | undefined => {
  const a = str(specOf(p).action) || 'ALLOW';
  return ACTIONS.has(a) ? a as PolicyAction : undefined;
};

export const policyName = (p: WorldObject) => `${p.namespace}/${p.name}`;

interface PolicyMatch {
  readonly policy: WorldObject;
  readonly match: Tri;
  readonly rule?: number;
  readonly why?: string;
}

/** A policy matches when one of its rules does; a policy without rules matches nothing (`builder.go` `rbacPolicyMatchNever`). */
function policyMatch(policy: WorldObject, evaluate: (rule: unknown) => RuleMatch): PolicyMatch {
  const rules = Array.isArray(specOf(policy).rules) ? specOf(policy).rules as unknown[] : [];
  if (rules.length === 0) return { policy, match: 'no' };
  let unknown: PolicyMatch | undefined;
  let skipped: string | undefined;
  for (let i = 0; i < rules.length; i++) {
    const r = evaluate(rules[i]);
    if (r.match === 'yes') return { policy, match: 'yes', rule: i, ...(r.why ? { why: r.why } : {}) };
    if (r.match === 'unknown') unknown ??= { policy, match: 'unknown', rule: i, why: r.why };
    if (r.match === 'skip') skipped ??= `rule ${i}: ${r.why}`;
  }
  return unknown ?? { policy, match: 'no', ...(skipped ? { why: skipped } : {}) };
}

const ruleRef = (m: PolicyMatch) => `${policyName(m.policy)}${m.rule !== undefined ? ` rule ${m.rule}` : ''}`;

/** What an enforcer's AuthorizationPolicies decide for a request. */
export function evaluateIstio(world: World, enforcer: IstioEnforcer, attrs: RequestAttributes): IstioVerdict {
  const all = policiesFor(world, enforcer);
  const notes: string[] = [];
  const ztunnel = enforcer.kind === 'ztunnel';
  const policies = all.filter(p => {
    if (isDryRun(p)) {
      notes.push(`AuthorizationPolicy ${policyName(p)} is a dry run (istio.io/dry-run): ${ztunnel ? 'ztunnel ignores it' : 'it is logged, not enforced'}`);
      return false;
    }
    const action = actionOf(p);
    if (action === undefined) {
      notes.push(`AuthorizationPolicy ${policyName(p)} has action '${str(specOf(p).action)}', which Istio ignores`);
      return false;
    }
    if (ztunnel && (action === 'CUSTOM' || action === 'AUDIT')) {
      notes.push(`ztunnel does not support the ${action} action: AuthorizationPolicy ${policyName(p)} is ignored there`);
      return false;
    }
    return true;
  });
  const evaluate = (p: WorldObject): PolicyMatch => {
    const action = actionOf(p)!;
    return policyMatch(p, rule => (ztunnel ? ztunnelRuleMatch(rule, attrs, action as 'ALLOW' | 'DENY', p.namespace) : envoyRuleMatch(rule, attrs, action, p.namespace)));
  };
  const of = (action: PolicyAction) => policies.filter(p => actionOf(p) === action).map(evaluate);
  const custom = of('CUSTOM');
  const deny = of('DENY');
  const allowPolicies = policies.filter(p => actionOf(p) === 'ALLOW');
  const allow = allowPolicies.map(evaluate);
  for (const m of [...custom, ...deny, ...allow]) if (m.why && m.match !== 'unknown') notes.push(`AuthorizationPolicy ${policyName(m.policy)}: ${m.why}`);

  const denied = deny.find(m => m.match === 'yes');
  if (denied) return { verdict: 'deny', policy: denied.policy, rule: denied.rule, reason: `DENY policy ${ruleRef(denied)} matches`, notes };

  // CUSTOM: an undefined provider (or several providers on one workload) makes istiod deny what the policies match
  const providers = [...new Set(custom.map(m => str(isObj(specOf(m.policy).provider) ? (specOf(m.policy).provider as { name?: unknown }).name : '')))];
  const index = authzIndex(world);
  const badProvider = custom.find(m => m.match === 'yes' && (providers.length > 1 || (index.providers !== undefined && !index.providers.has(providers[0]))));
  if (badProvider) {
    const why = providers.length > 1 ? `the workload has CUSTOM policies of ${providers.length} providers (${providers.join(', ')})`
      : `its provider '${providers[0]}' is not among MeshConfig's extensionProviders`;
    return { verdict: 'deny', policy: badProvider.policy, rule: badProvider.rule, reason: `CUSTOM policy ${ruleRef(badProvider)} matches and ${why}: istiod denies what it matches`, notes };
  }

  const allowed = allow.find(m => m.match === 'yes');
  const allowUnknown = allow.find(m => m.match === 'unknown');
  if (allowPolicies.length > 0 && !allowed && !allowUnknown) {
    const names = allowPolicies.map(policyName).join(', ');
    return { verdict: 'deny', reason: allowPolicies.length === 1 ? `ALLOW policy ${names} applies and does not match` : `ALLOW policies ${names} apply and none matches`, notes, ...(allowPolicies.length === 1 ? { policy: allowPolicies[0] } : {}) };
  }
  const undecided = (m: PolicyMatch, what: string): IstioVerdict => ({ verdict: 'undecided', policy: m.policy, rule: m.rule, reason: `${what} ${ruleRef(m)}: ${m.why}`, notes });
  const denyUnknown = deny.find(m => m.match === 'unknown');
  if (denyUnknown) return undecided(denyUnknown, 'whether DENY policy matches is undecided:');
  const asked = custom.find(m => m.match === 'yes');
  if (asked) {
    return {
      verdict: 'undecided',
      policy: asked.policy,
      rule: asked.rule,
      notes,
      reason: `CUSTOM policy ${ruleRef(asked)} matches: the external authorizer '${providers[0]}' decides, which the model cannot run`,
    };
  }
  const customUnknown = custom.find(m => m.match === 'unknown');
  if (customUnknown) return undecided(customUnknown, 'whether the external authorizer is asked is undecided: CUSTOM policy');
  if (!allowed && allowUnknown) return undecided(allowUnknown, 'whether ALLOW policy matches is undecided:');
  if (allowed) return { verdict: 'allow', policy: allowed.policy, rule: allowed.rule, reason: `ALLOW policy ${ruleRef(allowed)} matches`, notes };
  const what = all.length === 0 ? 'no AuthorizationPolicy applies' : deny.length > 0 ? 'no DENY policy matches and no ALLOW policy applies' : 'no ALLOW or DENY policy applies';
  return { verdict: 'allow', reason: what, notes };
}
