import { failoversWithoutOutlierDetection } from '../../render/istio/locality';
import { field, isObj, nameOf, objs, specOf } from '../context';
import { AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';

/*
 * mesh-kit's checks of a DestinationRule's locality load balancing that istiod accepts and then does not carry out
 * (issue 36). What its webhook refuses (distribute with failover, weights not totalling 100, a failover from a region to
 * itself, overlapping localities) is lib/schema's (lib/schema/rules/istio-traffic-policy.ts), not repeated here.
 */

const NET = 'networking.istio.io';
const name = nameOf;

/** Every load balancer of a DestinationRule with its field path: the host's, each port's, each subset's and its ports'. */
function loadBalancers(dr: AnalyzedObject): Array<{ readonly at: string; readonly lb: { [k: string]: unknown } }> {
  const s = specOf(dr);
  const policies = [
    { at: 'spec.trafficPolicy', p: field(s, 'trafficPolicy') },
    ...objs(s.subsets).map((sub, i) => ({ at: `spec.subsets[${i}].trafficPolicy`, p: sub.trafficPolicy })),
  ];
  return policies.flatMap(({ at, p }) => [
    { at: `${at}.loadBalancer`, lb: field(p, 'loadBalancer') },
    ...objs(field(p, 'portLevelSettings')).map((pp, i) => ({ at: `${at}.portLevelSettings[${i}].loadBalancer`, lb: pp.loadBalancer })),
  ]).filter((x): x is { at: string; lb: { [k: string]: unknown } } => isObj(x.lb));
}

const nonEmpty = (v: unknown) => Array.isArray(v) && v.length > 0;

const failoverWithoutOutlierDetection: Analyzer = {
  analyzer: 'meshkit.LocalityFailoverAnalyzer',
  code: 'MK0057',
  name: 'LocalityFailoverWithoutOutlierDetection',
  level: FindingLevel.WARNING,
  description: 'a DestinationRule fails over by locality (failover, failoverPriority) where no outlier detection applies: Envoy never ejects an endpoint, '
    + 'so istiod never fails over',
  run: ctx => ctx.of('DestinationRule', NET).flatMap(dr => failoversWithoutOutlierDetection(specOf(dr)).map((f): RawFinding => {
    const policy = `spec.${f.inSubset ? `subsets[${f.subset!.index}].` : ''}trafficPolicy${f.portIndex !== undefined ? `.portLevelSettings[${f.portIndex}]` : ''}`;
    const at = `${policy}.loadBalancer.${f.setting}`;
    const setting = loadBalancers(dr).find(x => x.at === `${policy}.loadBalancer`)?.lb[f.setting];
    return {
      object: dr,
      message: `DestinationRule '${name(dr)}' fails over by ${f.by.join(' and ')} (${at}), but no outlier detection applies to ${f.traffic}: istiod fails over only `
        + 'when the policy has outlierDetection, and its webhook merely warns (istio/istio pilot/pkg/networking/core/loadbalancer/loadbalancer.go, '
        + 'LocalityLBSettings.ApplyToCluster; pkg/config/validation/agent/validation.go; istio.io tasks/traffic-management/locality-load-balancing/failover)',
      field: at,
      value: setting,
      fix: `add outlierDetection to ${policy} (Istio's failover task: { consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 1m }), or use distribute, which needs none`,
    };
  })),
};

const failoverPriorityWithDistribute: Analyzer = {
  analyzer: 'meshkit.LocalityFailoverAnalyzer',
  code: 'MK0058',
  name: 'LocalityFailoverPriorityIgnored',
  level: FindingLevel.WARNING,
  description: 'a DestinationRule\'s localityLbSetting sets both distribute and failoverPriority: istiod applies the weights and ignores failoverPriority',
  run: ctx => ctx.of('DestinationRule', NET).flatMap(dr => loadBalancers(dr).flatMap(({ at, lb }): RawFinding[] => {
    const loc = lb.localityLbSetting;
    if (!isObj(loc) || !nonEmpty(loc.distribute) || !nonEmpty(loc.failoverPriority)) return [];
    return [{
      object: dr,
      message: `DestinationRule '${name(dr)}' sets both distribute and failoverPriority in ${at}.localityLbSetting: istiod applies the distribute weights and `
        + 'never the failover priority (istio/istio pilot/pkg/networking/core/loadbalancer/loadbalancer.go, ApplyLocalityLoadBalancer and '
        + 'LocalityLBSettings.FailoverPriorityLabels); its webhook refuses distribute only beside failover',
      field: `${at}.localityLbSetting.failoverPriority`,
      value: loc.failoverPriority,
      fix: `remove failoverPriority from ${at}.localityLbSetting, or remove distribute (and add outlierDetection) to fail over by priority`,
    }];
  })),
};

const disabledSettings: Analyzer = {
  analyzer: 'meshkit.LocalityFailoverAnalyzer',
  code: 'MK0059',
  name: 'LocalitySettingsDisabled',
  level: FindingLevel.WARNING,
  description: 'a DestinationRule\'s localityLbSetting or zoneAwareLbSetting has enabled: false beside settings that then never apply',
  run: ctx => ctx.of('DestinationRule', NET).flatMap(dr => loadBalancers(dr).flatMap(({ at, lb }): RawFinding[] =>
    (['localityLbSetting', 'zoneAwareLbSetting'] as const).flatMap((setting): RawFinding[] => {
      const s = lb[setting];
      if (!isObj(s) || s.enabled !== false) return [];
      // a disabled zone-aware setting still writes minClusterSize (routing_enabled 0%); its failover is skipped
      const dead = (setting === 'localityLbSetting' ? ['distribute', 'failover', 'failoverPriority'] : ['failover', 'failoverPriority']).filter(k => nonEmpty(s[k]));
      if (dead.length === 0) return [];
      return [{
        object: dr,
        message: `DestinationRule '${name(dr)}' turns ${setting} off (enabled: false) in ${at} but sets ${dead.join(', ')}, which therefore never apply `
          + '(istio/istio pilot/pkg/networking/core/loadbalancer/loadbalancer.go, GetEffectiveLbSetting and ZoneAwareLBSettings)',
        field: `${at}.${setting}.enabled`,
        value: false,
        fix: `remove enabled: false from ${at}.${setting} for ${dead.join(', ')} to apply, or remove ${dead.join(', ')}`,
      }];
    }))),
};

/** mesh-kit's checks of locality load balancing. */
export const LOCALITY_ANALYZERS: readonly Analyzer[] = [failoverWithoutOutlierDetection, failoverPriorityWithDistribute, disabledSettings];
