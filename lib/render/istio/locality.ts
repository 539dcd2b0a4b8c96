/**
 * Where a DestinationRule's locality failover does nothing: what istiod makes of the rule's policies for each subset and
 * port, read from the rule's wire shape (a rendered spec, a hand-written one, or the model, which has the same shape).
 * One pure function, shared by the synth-time check of the constructs (lib/validation/locality.ts) and the analyzer
 * of hand-written objects (lib/analysis/analyzers/locality.ts).
 *
 * @module
 */

/** A failover setting whose policy has no outlier detection, so that Envoy never fails over. */
export interface FailoverWithoutOutlierDetection {
  /** The subset whose merged policy it is (its index and name), or undefined: the host's own policy. */
  readonly subset?: { readonly index: number; readonly name: string };
  /** The index of the port-level policy in `portLevelSettings` of the policy the setting is in, or undefined: not a port's. */
  readonly portIndex?: number;
  /** Whether the setting is in the subset's own policy (else in the host's). */
  readonly inSubset: boolean;
  /** The setting's name: `localityLbSetting` or `zoneAwareLbSetting`. */
  readonly setting: 'localityLbSetting' | 'zoneAwareLbSetting';
  /** What the setting fails over by (`failover`, `failoverPriority`), for a message. */
  readonly by: string[];
  /** The traffic it is about: `the host`, `subset 'v1'`, `port 9080`, `subset 'v1' on port 9080`. */
  readonly traffic: string;
}

type Json = { readonly [key: string]: unknown };
const objOf = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Json : undefined);
const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** One level's load balancer and outlier detection for a port (`GetPortLevelTrafficPolicy`), with where they are. */
interface Level {
  readonly lb?: Json;
  readonly od?: Json;
  readonly portIndex?: number;
  readonly hasPort: boolean;
}

/** istio/istio pilot/pkg/networking/util/util.go GetPortLevelTrafficPolicy: a port's policy replaces the level's four fields. */
function levelOf(policy: Json | undefined, port: number | undefined): Level | undefined {
  if (!policy) return undefined;
  if (port !== undefined) {
    const i = listOf(policy.portLevelSettings).findIndex(p => objOf(objOf(p)?.port)?.number === port);
    if (i >= 0) {
      const p = objOf(listOf(policy.portLevelSettings)[i])!;
      return { lb: objOf(p.loadBalancer), od: objOf(p.outlierDetection), portIndex: i, hasPort: true };
    }
  }
  return { lb: objOf(policy.loadBalancer), od: objOf(policy.outlierDetection), hasPort: false };
}

/** What a load balancer fails over by, under istiod's reading (none when it does not fail over). */
function failoverOf(lb: Json | undefined): { readonly setting: FailoverWithoutOutlierDetection['setting']; readonly by: string[] } | undefined {
  // loadbalancer.go GetEffectiveLbSetting: a zone-aware setting wins over a locality one
  const za = objOf(lb?.zoneAwareLbSetting);
  if (za) {
    // ZoneAwareLBSettings: `enabled: false` turns routing (and its failover) off
    if (za.enabled === false) return undefined;
    const by = ['failover', 'failoverPriority'].filter(k => listOf(za[k]).length > 0);
    return by.length > 0 ? { setting: 'zoneAwareLbSetting', by } : undefined;
  }
  const loc = objOf(lb?.localityLbSetting);
  // `enabled: false` is no locality load balancing; `distribute` is applied instead of any failover (ApplyLocalityLoadBalancer)
  if (!loc || loc.enabled === false || listOf(loc.distribute).length > 0) return undefined;
  const by = ['failover', 'failoverPriority'].filter(k => listOf(loc[k]).length > 0);
  return by.length > 0 ? { setting: 'localityLbSetting', by } : undefined;
}

/**
 * The failover settings of a DestinationRule spec (`{ trafficPolicy, subsets }`) that take effect without outlier
 * detection, once per setting. istiod fails over only when the cluster's merged policy has outlier detection
 * (pilot/pkg/networking/core/loadbalancer/loadbalancer.go, LocalityLBSettings.ApplyToCluster: `enableFailover :=
 * l.Force || c.OutlierDetection != nil`); its webhook warns of it (pkg/config/validation/agent/validation.go, "outlier
 * detection policy must be provided for failover"), for zone-aware settings too. The policy of a subset and port is
 * Istio's merge (pilot/pkg/networking/util/util.go MergeSubsetTrafficPolicy, pilot/pkg/model/destination_rule.go
 * MergeTrafficPolicy): a port's policy replaces its level's fields, a subset's fields replace the host's where set (all
 * of them when the subset has a policy for the port).
 */
export function failoversWithoutOutlierDetection(spec: unknown): FailoverWithoutOutlierDetection[] {
  const s = objOf(spec) ?? {};
  const host = objOf(s.trafficPolicy);
  const portsOf = (p: Json | undefined) => listOf(p?.portLevelSettings).map(x => objOf(objOf(x)?.port)?.number).filter((n): n is number => typeof n === 'number');
  const found = new Map<string, FailoverWithoutOutlierDetection>();
  const subsets: Array<{ index: number; name: string; policy?: Json } | undefined> = [undefined,
    ...listOf(s.subsets).map((x, index) => ({ index, name: String(objOf(x)?.name ?? ''), policy: objOf(objOf(x)?.trafficPolicy) }))];
  for (const subset of subsets) {
    const ports: Array<number | undefined> = [undefined, ...new Set([...portsOf(host), ...portsOf(subset?.policy)])];
    for (const port of ports) {
      const h = levelOf(host, port);
      const sub = levelOf(subset?.policy, port);
      // MergeTrafficPolicy: the subset's field where it sets one, every field when it has a policy for the port
      const takeSub = (k: 'lb' | 'od') => sub !== undefined && (sub[k] !== undefined || sub.hasPort);
      const lbFromSub = takeSub('lb');
      const lb = lbFromSub ? sub!.lb : h?.lb;
      const od = takeSub('od') ? sub!.od : h?.od;
      const f = failoverOf(lb);
      if (!f || od !== undefined) continue;
      const portIndex = lbFromSub ? sub!.portIndex : h?.portIndex;
      const key = `${lbFromSub ? subset!.index : '-'}/${portIndex ?? '-'}`;
      if (found.has(key)) continue;
      const traffic = [subset ? `subset '${subset.name}'` : undefined, port !== undefined ? `port ${port}` : undefined].filter(x => x).join(' on ') || 'the host';
      const where = subset ? { index: subset.index, name: subset.name } : undefined;
      found.set(key, { subset: where, inSubset: lbFromSub, portIndex, setting: f.setting, by: f.by, traffic });
    }
  }
  return [...found.values()];
}
