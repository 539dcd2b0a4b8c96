/**
 * Locality load balancing at synth: a failover that Istio never carries out because its policy has no outlier
 * detection, and the back-ends that have no locality load balancing at all.
 *
 * @module
 */
import { Problem, problem } from '../core/errors';
import { FailoverWithoutOutlierDetection, failoversWithoutOutlierDetection } from '../render/istio/locality';
import { DestinationRuleModel, ServiceModel, TrafficPolicyModel } from '../render/model';

/** Outlier detection as Istio's failover task sets it (istio.io tasks/traffic-management/locality-load-balancing/failover). */
const TASK_OUTLIER_DETECTION = 'outlierDetection: { consecutive5xxErrors: 1, interval: Duration.seconds(1), baseEjectionTime: Duration.minutes(1) }';

/** The problem of one failover without outlier detection, its field named by `fieldOf`. */
function failoverProblem(f: FailoverWithoutOutlierDetection, field: string, policy: string): Problem {
  return problem(field,
    `fails over only with outlierDetection on the same policy, and ${policy} has none for ${f.traffic}: Istio never fails over without it `
      + '(istio.io tasks/traffic-management/locality-load-balancing/failover; istio/istio pilot/pkg/networking/core/loadbalancer/loadbalancer.go)',
    f.by, `add ${TASK_OUTLIER_DETECTION} to ${policy}, or use LocalityLoadBalancing.distribute(), which needs none`);
}

/** The policy a finding's setting is in, as the user wrote it: `trafficPolicy`, `trafficPolicy.ports[0]`, with `prefix` for a subset's. */
function policyField(f: FailoverWithoutOutlierDetection, prefix: string): string {
  return `${prefix}trafficPolicy${f.portIndex !== undefined ? `.ports[${f.portIndex}]` : ''}`;
}

/** A MeshService's failovers without outlier detection, named as its props and versions' options name them. */
export function serviceLocalityProblems(svc: ServiceModel): Problem[] {
  const spec = {
    trafficPolicy: svc.trafficPolicy,
    subsets: svc.versions.filter(v => !v.unversioned).map(v => ({ name: v.name, trafficPolicy: v.trafficPolicy })),
  };
  return failoversWithoutOutlierDetection(spec).map(f => {
    const policy = policyField(f, f.inSubset ? `versions[${f.subset!.name}].` : '');
    return failoverProblem(f, `${policy}.locality`, policy);
  });
}

/** A DestinationPolicy's failovers without outlier detection, named as its props name them. */
export function destinationRuleLocalityProblems(dr: DestinationRuleModel): Problem[] {
  return failoversWithoutOutlierDetection(dr).map(f => {
    const policy = policyField(f, f.inSubset ? `subsets[${f.subset!.index}].` : '');
    return failoverProblem(f, `${policy}.locality`, policy);
  });
}

/** Whether a policy or one of its ports sets locality load balancing. */
function localityIn(p: TrafficPolicyModel | undefined): string[] {
  const of = (lb: TrafficPolicyModel['loadBalancer'], at: string) =>
    (lb?.localityLbSetting || lb?.zoneAwareLbSetting ? [at] : []);
  return [of(p?.loadBalancer, 'trafficPolicy.locality'), ...(p?.portLevelSettings ?? []).map((pp, i) => of(pp.loadBalancer, `trafficPolicy.ports[${i}].locality`))].flat();
}

/**
 * Locality load balancing where the back-end has none: `cannot` says which and why, `fix` what to do. One problem per
 * policy that sets it (the service's, a version's); the fields as the user wrote them.
 */
export function localityRefusals(svc: ServiceModel, cannot: string, fix: string): Problem[] {
  return [
    ...localityIn(svc.trafficPolicy),
    ...svc.versions.flatMap(v => localityIn(v.trafficPolicy).map(f => `versions[${v.name}].${f}`)),
  ].map(field => problem(field, cannot, 'LocalityLoadBalancing', fix));
}

/** A version's locality label where no mesh reads it: `cannot` says which mesh and why. */
export function localityLabelRefusals(svc: ServiceModel, cannot: string, fix: string): Problem[] {
  return svc.versions.filter(v => v.locality !== undefined).map(v => problem(`versions[${v.name}].locality`, cannot, v.locality, fix));
}

/** The service without locality load balancing in its policies, for the back-ends' other refusals (refused once, by {@link localityRefusals}). */
export function withoutLocality(svc: ServiceModel): ServiceModel {
  const versions = svc.versions.map(v => ({ ...v, trafficPolicy: policyWithoutLocality(v.trafficPolicy) }));
  return { ...svc, trafficPolicy: policyWithoutLocality(svc.trafficPolicy), versions };
}

function policyWithoutLocality(p: TrafficPolicyModel | undefined): TrafficPolicyModel | undefined {
  const strip = (lb: TrafficPolicyModel['loadBalancer']) => {
    if (!lb) return undefined;
    const { localityLbSetting: _l, zoneAwareLbSetting: _z, ...rest } = lb;
    return Object.values(rest).some(v => v !== undefined) ? rest : undefined;
  };
  const set = (x: object) => Object.entries(x).some(([k, v]) => k !== 'port' && v !== undefined);
  if (!p) return undefined;
  const ports = (p.portLevelSettings ?? []).map(pp => ({ ...pp, loadBalancer: strip(pp.loadBalancer) })).filter(set);
  const out: TrafficPolicyModel = { ...p, loadBalancer: strip(p.loadBalancer), portLevelSettings: ports.length > 0 ? ports : undefined };
  return set(out) ? out : undefined;
}
