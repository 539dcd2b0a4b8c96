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

/** A policy with its attachment read once. */
interface Indexed {
  readonly object: WorldObject;
  readonly selector?: { readonly [k: string]: string };
}

interface AuthzIndex {
  /** Policies without targetRefs, by namespace (selector or namespace-wide). */
  readonly bySelector: Map<string, Indexed[]>;
  /** Policies whose targetRefs name a Service (`namespace/name`, the policy's namespace). */
  readonly byService: Map<string, Indexed[]>;
  /** Policies whose targetRefs name a Gateway (`namespace/name`, the policy's namespace). */
  readonly byGateway: Map<string, Indexed[]>;
  /** Root-namespace policies whose targetRefs name the `istio-waypoint` GatewayClass. */
  readonly waypointClass: Indexed[];
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

const push = <T>(m: Map<string, T[]>, key: string, v: T) => {
  const same = m.get(key);
  if (same) same.push(v);
  else m.set(key, [v]);
};

const specOf = (o: WorldObject) => (isObj(o.manifest.spec) ? o.manifest.spec : {});

/** `targetRefs`, or the older single `targetRef` (`pilot/pkg/model/policyattachment.go` `GetTargetRefs`). */
export function targetRefsOf(spec: { readonly [k: string]: unknown }): Array<{ group: string; kind: string; name: string; namespace: string }> {
  const refs = Array.isArray(spec.targetRefs) && spec.targetRefs.length > 0 ? spec.targetRefs : isObj(spec.targetRef) ? [spec.targetRef] : [];
  return refs.filter(isObj).map(r => ({ group: str(r.group), kind: str(r.kind), name: str(r.name), namespace: str(r.namespace) }));
}

const canonicalGroup = (g: string) => (g === '' || g === 'core' ? '' : g);

/**
 * Policies indexed by what they attach to (`pilot/pkg/model/policyattachment.go` `ShouldAttachPolicy`): a Service
 * targetRef binds in the policy's namespace (a waypoint serving the Service enforces it), a Gateway targetRef in the
 * policy's namespace (that gateway, or that waypoint), the `istio-waypoint` GatewayClass from the root namespace (every
 * waypoint); a policy without targetRefs selects workloads by label.
 */
function authzIndex(world: World): AuthzIndex {
  let index = indexes.get(world);
  if (!index) {
    const bySelector = new Map<string, Indexed[]>();
    const byService = new Map<string, Indexed[]>();
    const byGateway = new Map<string, Indexed[]>();
    const waypointClass: Indexed[] = [];
    for (const o of world.list('security.istio.io', 'AuthorizationPolicy')) {
      const spec = specOf(o);
      const refs = targetRefsOf(spec);
      const entry: Indexed = { object: o, ...(isObj(spec.selector) ? { selector: strMap(spec.selector.matchLabels) } : {}) };
      if (refs.length === 0) {
        push(bySelector, o.namespace, entry);
        continue;
      }
      const keys = new Set<string>();
      for (const r of refs) {
        if (r.namespace !== '' && r.namespace !== o.namespace) continue; // a reference to another namespace never matches
        if (r.kind === 'Service' && canonicalGroup(r.group) === '') keys.add(`s ${o.namespace}/${r.name}`);
        else if (r.kind === 'Gateway' && canonicalGroup(r.group) === 'gateway.networking.k8s.io') keys.add(`g ${o.namespace}/${r.name}`);
        else if (r.kind === 'GatewayClass' && canonicalGroup(r.group) === 'gateway.networking.k8s.io' && r.name === 'istio-waypoint' && o.namespace === ROOT_NAMESPACE) keys.add('c');
      }
      for (const k of keys) {
        if (k === 'c') waypointClass.push(entry);
        else push(k.startsWith('s ') ? byService : byGateway, k.slice(2), entry);
      }
    }
    index = { bySelector, byService, byGateway, waypointClass, providers: meshProviders(world) };
    indexes.set(world, index);
  }
  return index;
}

/** The policies an enforcer applies, oldest first. */
export function policiesFor(world: World, enforcer: IstioEnforcer): WorldObject[] {
  const index = authzIndex(world);
  const selected = (ns: string, labels: { readonly [k: string]: string }) => [...new Set([ROOT_NAMESPACE, ns])]
    .flatMap(n => index.bySelector.get(n) ?? []).filter(p => p.selector === undefined || selectsLabels(p.selector, labels));
  let found: Indexed[];
  if (enforcer.kind === 'sidecar' || enforcer.kind === 'ztunnel') {
    found = selected(enforcer.workload.namespace, enforcer.workload.podLabels);
  } else if (enforcer.kind === 'gateway') {
    // a Gateway API gateway: targetRefs naming it, and selectors (ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY, on by default)
    const gatewayName = enforcer.labels['gateway.networking.k8s.io/gateway-name'];
    found = [...selected(enforcer.namespace, enforcer.labels), ...(gatewayName !== undefined ? index.byGateway.get(`${enforcer.namespace}/${gatewayName}`) ?? [] : [])];
  } else {
    // a waypoint never uses selectors
    found = [
      ...index.byService.get(`${enforcer.service.namespace}/${enforcer.service.name}`) ?? [],
      ...index.byGateway.get(`${enforcer.waypoint.namespace}/${enforcer.waypoint.name}`) ?? [],
      ...index.waypointClass,
    ];
  }
  return [...new Set(found.map(p => p.object))].sort((a, b) => a.index - b.index);
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
