import { reviewsRule as rule } from './finding-shapes/locality';
import { objectsOfYaml } from '../../lib/analysis/load';
import { analyze } from '../../lib/analysis/run';

const found = (yaml: string, code: string) => analyze(objectsOfYaml(yaml, 'test.yaml'), { world: 'closed' }).findings.filter(f => f.code === code);
const OUTLIERS = 'outlierDetection: { consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 1m }';
const PRIORITY = 'localityLbSetting: { failoverPriority: [topology.istio.io/network, topology.kubernetes.io/region] }';

describe('MK0057 LocalityFailoverWithoutOutlierDetection', () => {
  test('fails if the host fails over by failoverPriority without outlier detection', () => {
    const [f, ...rest] = found(rule(`  trafficPolicy: { loadBalancer: { ${PRIORITY} } }`), 'MK0057');
    expect(rest).toHaveLength(0);
    expect(f.message).toBe("[MK0057] DestinationRule 'reviews' fails over by failoverPriority (spec.trafficPolicy.loadBalancer.localityLbSetting), but no outlier "
      + 'detection applies to the host: istiod fails over only when the policy has outlierDetection, and its webhook merely warns (istio/istio '
      + 'pilot/pkg/networking/core/loadbalancer/loadbalancer.go, LocalityLBSettings.ApplyToCluster; pkg/config/validation/agent/validation.go; '
      + 'istio.io tasks/traffic-management/locality-load-balancing/failover); add outlierDetection to spec.trafficPolicy (Istio\'s failover task: '
      + '{ consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 1m }), or use distribute, which needs none');
    expect(f).toMatchObject({
      level: 'Warning',
      field: 'spec.trafficPolicy.loadBalancer.localityLbSetting',
      // a finding's value is the JSON of what is written there
      value: JSON.stringify({ failoverPriority: ['topology.istio.io/network', 'topology.kubernetes.io/region'] }),
    });
  });

  test('fails if a port\'s policy fails over without its own outlier detection (a port\'s policy replaces the host\'s)', () => {
    const [f, ...rest] = found(rule(`  trafficPolicy:
    ${OUTLIERS}
    portLevelSettings: [{ port: { number: 9080 }, loadBalancer: { localityLbSetting: { failover: [{ from: a, to: b }] } } }]`), 'MK0057');
    expect(rest).toHaveLength(0);
    expect(f).toMatchObject({ field: 'spec.trafficPolicy.portLevelSettings[0].loadBalancer.localityLbSetting', value: '{"failover":[{"from":"a","to":"b"}]}' });
    expect(f.message).toContain('but no outlier detection applies to port 9080');
  });

  test('fails if a subset fails over with a port policy of its own that drops the host\'s outlier detection', () => {
    const [f, ...rest] = found(rule(`  trafficPolicy: { ${OUTLIERS} }
  subsets:
  - name: v1
    labels: { version: v1 }
    trafficPolicy:
      loadBalancer: { ${PRIORITY} }
      portLevelSettings: [{ port: { number: 9080 }, loadBalancer: { zoneAwareLbSetting: { failover: [{ from: a, to: b }] } } }]`), 'MK0057');
    expect(rest).toHaveLength(0);
    expect(f.field).toBe('spec.subsets[0].trafficPolicy.portLevelSettings[0].loadBalancer.zoneAwareLbSetting');
    expect(f.message).toContain("fails over by failover (spec.subsets[0].trafficPolicy.portLevelSettings[0].loadBalancer.zoneAwareLbSetting), but no outlier detection applies to subset 'v1' on port 9080");
  });

  test('stays quiet with outlier detection on the policy, or merged from the host into a subset', () => {
    expect(found(rule(`  trafficPolicy: { ${OUTLIERS}, loadBalancer: { ${PRIORITY} } }`), 'MK0057')).toStrictEqual([]);
    expect(found(rule(`  trafficPolicy: { ${OUTLIERS} }
  subsets: [{ name: v1, labels: { version: v1 }, trafficPolicy: { loadBalancer: { ${PRIORITY} } } }]`), 'MK0057')).toStrictEqual([]);
  });

  test('stays quiet for distribute, a disabled setting, and zone-aware balancing without failover', () => {
    for (const lb of [
      "localityLbSetting: { distribute: [{ from: 'a/*', to: { 'a/*': 100 } }] }",
      'localityLbSetting: { enabled: false, failover: [{ from: a, to: b }] }',
      'zoneAwareLbSetting: { minClusterSize: 3 }',
      'zoneAwareLbSetting: { enabled: false, failover: [{ from: a, to: b }] }',
    ]) expect(found(rule(`  trafficPolicy: { loadBalancer: { ${lb} } }`), 'MK0057')).toStrictEqual([]);
  });
});

describe('MK0058 LocalityFailoverPriorityIgnored', () => {
  test('fails if distribute and failoverPriority are both set', () => {
    const [f, ...rest] = found(rule('  trafficPolicy: { loadBalancer: { localityLbSetting: { distribute: [{ from: \'a/*\', to: { \'a/*\': 100 } }], failoverPriority: [x] } } }'), 'MK0058');
    expect(rest).toHaveLength(0);
    expect(f.message).toBe("[MK0058] DestinationRule 'reviews' sets both distribute and failoverPriority in spec.trafficPolicy.loadBalancer.localityLbSetting: "
      + 'istiod applies the distribute weights and never the failover priority (istio/istio pilot/pkg/networking/core/loadbalancer/loadbalancer.go, '
      + 'ApplyLocalityLoadBalancer and LocalityLBSettings.FailoverPriorityLabels); its webhook refuses distribute only beside failover; '
      + 'remove failoverPriority from spec.trafficPolicy.loadBalancer.localityLbSetting, or remove distribute (and add outlierDetection) to fail over by priority');
    expect(f).toMatchObject({ level: 'Warning', field: 'spec.trafficPolicy.loadBalancer.localityLbSetting.failoverPriority', value: '["x"]' });
  });
  test('stays quiet for either alone', () => {
    expect(found(rule('  trafficPolicy: { loadBalancer: { localityLbSetting: { distribute: [{ from: \'a/*\', to: { \'a/*\': 100 } }] } } }'), 'MK0058')).toStrictEqual([]);
    expect(found(rule(`  trafficPolicy: { ${OUTLIERS}, loadBalancer: { ${PRIORITY} } }`), 'MK0058')).toStrictEqual([]);
  });
});

describe('MK0059 LocalitySettingsDisabled', () => {
  test('fails if a locality setting is turned off beside distribute, failover or failoverPriority', () => {
    const [f, ...rest] = found(rule('  trafficPolicy: { loadBalancer: { localityLbSetting: { enabled: false, failover: [{ from: a, to: b }] } } }'), 'MK0059');
    expect(rest).toHaveLength(0);
    expect(f.message).toBe("[MK0059] DestinationRule 'reviews' turns localityLbSetting off (enabled: false) in spec.trafficPolicy.loadBalancer but sets failover, "
      + 'which therefore never apply (istio/istio pilot/pkg/networking/core/loadbalancer/loadbalancer.go, GetEffectiveLbSetting and ZoneAwareLBSettings); '
      + 'remove enabled: false from spec.trafficPolicy.loadBalancer.localityLbSetting for failover to apply, or remove failover');
    expect(f).toMatchObject({ level: 'Warning', field: 'spec.trafficPolicy.loadBalancer.localityLbSetting.enabled', value: 'false' });
  });
  test('fails if a zone-aware setting is turned off beside its failover, in a subset', () => {
    const [f] = found(rule('  subsets: [{ name: v1, labels: { version: v1 }, trafficPolicy: { loadBalancer: { zoneAwareLbSetting: { enabled: false, failoverPriority: [x] } } } }]'), 'MK0059');
    expect(f.field).toBe('spec.subsets[0].trafficPolicy.loadBalancer.zoneAwareLbSetting.enabled');
  });
  test('stays quiet for enabled: false alone, a disabled zone-aware setting\'s minClusterSize, and enabled: true', () => {
    for (const lb of [
      'localityLbSetting: { enabled: false }',
      'zoneAwareLbSetting: { enabled: false, minClusterSize: 3 }',
      'localityLbSetting: { enabled: true, distribute: [{ from: \'a/*\', to: { \'a/*\': 100 } }] }',
    ]) expect(found(rule(`  trafficPolicy: { loadBalancer: { ${lb} } }`), 'MK0059')).toStrictEqual([]);
  });
});
