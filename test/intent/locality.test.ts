import { App, Chart, Duration } from 'cdk8s';
import {
  DataPlane,
  DestinationPolicy,
  LoadBalancer,
  Locality,
  LocalityLoadBalancing,
  MeshChart,
  MeshProvider,
  MeshService,
  OutlierDetection,
  TopologyLabel,
  TrafficApi,
  TrafficPolicy,
} from '../../lib';
import { errorOf } from '../support/errors';
import { expectSchemaValid } from '../support/schemas';
import { only, synthError, synthObjects } from '../support/synth';

const OUTLIERS: OutlierDetection = { consecutive5xxErrors: 1, interval: Duration.seconds(1), baseEjectionTime: Duration.minutes(1) };
const PRIORITY = LocalityLoadBalancing.failoverPriority([TopologyLabel.NETWORK, TopologyLabel.REGION, TopologyLabel.ZONE]);

function reviewsIn(chart: Chart, trafficPolicy?: TrafficPolicy, v2?: TrafficPolicy): MeshService {
  const svc = new MeshService(chart, 'reviews', { ports: [{ port: 9080 }], trafficPolicy });
  svc.addVersion('v1', { image: 'reviews:1.0' });
  svc.addVersion('v2', { image: 'reviews:2.0', trafficPolicy: v2 });
  return svc;
}

/** The DestinationRule's spec for reviews with these policies, schema-checked. */
function ruleOf(trafficPolicy?: TrafficPolicy, v2?: TrafficPolicy): any {
  return (only(expectSchemaValid(synthObjects(app => { reviewsIn(new MeshChart(app, 'c'), trafficPolicy, v2); })), 'DestinationRule').spec as any);
}

describe('Locality', () => {
  test('of: region, zone, subzone and a trailing wildcard', () => {
    expect(['us-east1', 'us-east1/us-east1-b', 'us-east1/us-east1-b/rack1', 'us-east1/*', '*'].map(l => Locality.of(l).value))
      .toStrictEqual(['us-east1', 'us-east1/us-east1-b', 'us-east1/us-east1-b/rack1', 'us-east1/*', '*']);
  });
  test('fails if it is empty', () => {
    expect(errorOf(() => Locality.of(''))).toBe("Locality.of: 'locality' must be 'region', 'region/zone' or 'region/zone/subzone' (a trailing '*' for all): got ''; e.g. 'us-east1/us-east1-b/*'");
  });
  test('fails if a wildcard is not at its end', () => {
    expect(errorOf(() => Locality.of('us-east1/*/rack1'))).toBe("Locality.of: 'locality' must be 'region[/zone[/subzone]]': locality 'us-east1/*/rack1' may hold one '*' wildcard, at its end: got 'us-east1/*/rack1'; e.g. 'us-east1/us-east1-b/*'");
  });
  test('fails if a part is empty', () => {
    expect(errorOf(() => Locality.of('us-east1//rack1'))).toBe("Locality.of: 'locality' must be 'region[/zone[/subzone]]': locality 'us-east1//rack1' must not have an empty region, zone or subzone: got 'us-east1//rack1'; e.g. 'us-east1/us-east1-b/*'");
  });
});

describe('LocalityLoadBalancing', () => {
  const east = Locality.of('us-east1/*');
  const west = Locality.of('us-west1/*');
  test('distribute: weights per source locality', () => {
    const locality = LocalityLoadBalancing.distribute([{ from: east, to: [{ locality: east, weight: 80 }, { locality: west, weight: 20 }] }]);
    expect(ruleOf({ locality }).trafficPolicy)
      .toStrictEqual({ loadBalancer: { localityLbSetting: { distribute: [{ from: 'us-east1/*', to: { 'us-east1/*': 80, 'us-west1/*': 20 } }] } }, tls: { mode: 'ISTIO_MUTUAL' } });
  });
  test('distribute: fails if the weights of a source do not total 100', () => {
    expect(errorOf(() => LocalityLoadBalancing.distribute([{ from: east, to: [{ locality: east, weight: 80 }, { locality: west, weight: 10 }] }])))
      .toBe("LocalityLoadBalancing.distribute: 'distribute[0].to' the weights from 'us-east1/*' must total 100 (Istio's ValidateLocalityLbSetting): got 90; make the shares add up to 100");
  });
  test('distribute: fails if a weight is not between 1 and 100', () => {
    expect(errorOf(() => LocalityLoadBalancing.distribute([{ from: east, to: [{ locality: east, weight: 0 }, { locality: west, weight: 100 }] }])))
      .toBe("LocalityLoadBalancing.distribute: 'distribute[0].to[0].weight' must be a whole number between 1 and 100: got 0; give each destination a share of 1 to 100, the shares totalling 100");
  });
  test('distribute: fails if destination localities overlap', () => {
    const b = Locality.of('us-east1/us-east1-b');
    expect(errorOf(() => LocalityLoadBalancing.distribute([{ from: east, to: [{ locality: east, weight: 50 }, { locality: b, weight: 50 }] }])))
      .toBe("LocalityLoadBalancing.distribute: 'distribute[0].to' must not overlap: locality 'us-east1/us-east1-b' overlaps one given before it: got ['us-east1/*', 'us-east1/us-east1-b']; see istio.io/latest/docs/reference/config/networking/destination-rule/#LocalityLoadBalancerSetting");
  });
  test('distribute: fails if source localities overlap', () => {
    const all = [{ locality: west, weight: 100 }];
    expect(errorOf(() => LocalityLoadBalancing.distribute([{ from: Locality.of('*'), to: all }, { from: east, to: all }])))
      .toBe("LocalityLoadBalancing.distribute: 'distribute' source localities must not overlap: locality 'us-east1/*' overlaps one given before it: got ['*', 'us-east1/*']; see istio.io/latest/docs/reference/config/networking/destination-rule/#LocalityLoadBalancerSetting");
  });
  test('distribute: fails if empty', () => {
    expect(errorOf(() => LocalityLoadBalancing.distribute([])))
      .toBe("LocalityLoadBalancing.distribute: 'distribute' must name at least one source locality: got '[]'; add { from, to }, or use another LocalityLoadBalancing");
  });
  test('failover: from region to region, with outlier detection', () => {
    expect(ruleOf({ locality: LocalityLoadBalancing.failover([{ from: 'us-east1', to: 'us-west1' }]), outlierDetection: OUTLIERS }).trafficPolicy.loadBalancer)
      .toStrictEqual({ localityLbSetting: { failover: [{ from: 'us-east1', to: 'us-west1' }] } });
  });
  test('failover: fails if a region fails over to itself', () => {
    expect(errorOf(() => LocalityLoadBalancing.failover([{ from: 'us-east1', to: 'us-east1' }])))
      .toBe("LocalityLoadBalancing.failover: 'failover[0]' locality lb failover must go from one region to another (Istio's ValidateLocalityLbSetting): got 'us-east1 → us-east1'; name two different regions, e.g. { from: 'us-east1', to: 'us-west1' }");
  });
  test('failover: fails if it names a zone', () => {
    expect(errorOf(() => LocalityLoadBalancing.failover([{ from: 'us-east1/us-east1-b', to: 'us-west1' }])))
      .toBe("LocalityLoadBalancing.failover: 'failover[0]' locality lb failover names regions only (no zone or subzone) (Istio's ValidateLocalityLbSetting): got 'us-east1/us-east1-b → us-west1'; name two different regions, e.g. { from: 'us-east1', to: 'us-west1' }");
  });
  test('failover: fails if a region is empty', () => {
    expect(errorOf(() => LocalityLoadBalancing.failover([{ from: '', to: 'us-west1' }])))
      .toBe("LocalityLoadBalancing.failover: 'failover[0].from' must be a region: got ''; e.g. 'us-east1'");
  });
  test('failoverPriority: ordered labels, with a label=value override', () => {
    const locality = LocalityLoadBalancing.failoverPriority([TopologyLabel.NETWORK, 'topology.kubernetes.io/region=us-west1', TopologyLabel.ZONE]);
    expect(ruleOf({ locality, outlierDetection: OUTLIERS, loadBalancer: LoadBalancer.roundRobin() }).trafficPolicy.loadBalancer).toStrictEqual({
      simple: 'ROUND_ROBIN',
      localityLbSetting: { failoverPriority: ['topology.istio.io/network', 'topology.kubernetes.io/region=us-west1', 'topology.kubernetes.io/zone'] },
    });
  });
  test('failoverPriority: fails if a label is named twice', () => {
    expect(errorOf(() => LocalityLoadBalancing.failoverPriority([TopologyLabel.ZONE, 'topology.kubernetes.io/zone=a'])))
      .toBe("LocalityLoadBalancing.failoverPriority: 'failoverPriority[1]' must name each label once: got 'topology.kubernetes.io/zone=a'");
  });
  test('failoverPriority: fails if a label is not a label key', () => {
    expect(errorOf(() => LocalityLoadBalancing.failoverPriority(['not a label'])))
      .toMatch(/^LocalityLoadBalancing.failoverPriority: 'failoverPriority\[0\]' must be a label key \('\[prefix\/\]name'\): .*: got 'not a label'$/);
  });
  test('failoverPriority: fails with failover if it names the region, zone or subzone', () => {
    expect(errorOf(() => LocalityLoadBalancing.failoverPriority([TopologyLabel.NETWORK, TopologyLabel.ZONE], { failover: [{ from: 'a', to: 'b' }] })))
      .toBe("LocalityLoadBalancing.failoverPriority: 'failoverPriority' cannot name the region, zone or subzone label when failover is set (Istio's ValidateLocalityLbSetting): got 'topology.kubernetes.io/zone'; drop the label from failoverPriority, or drop failover");
  });
  test('failoverPriority: the network label beside failover', () => {
    const locality = LocalityLoadBalancing.failoverPriority([TopologyLabel.NETWORK], { failover: [{ from: 'a', to: 'b' }] });
    expect(ruleOf({ locality, outlierDetection: OUTLIERS }).trafficPolicy.loadBalancer)
      .toStrictEqual({ localityLbSetting: { failoverPriority: ['topology.istio.io/network'], failover: [{ from: 'a', to: 'b' }] } });
  });
  test('zoneAware: nothing by default', () => {
    expect(ruleOf({ locality: LocalityLoadBalancing.zoneAware() }).trafficPolicy.loadBalancer).toStrictEqual({ zoneAwareLbSetting: {} });
  });
  test('zoneAware: minClusterSize, and failover with outlier detection', () => {
    const locality = LocalityLoadBalancing.zoneAware({ minClusterSize: 3, failover: [{ from: 'a', to: 'b' }] });
    expect(ruleOf({ locality, outlierDetection: OUTLIERS }).trafficPolicy.loadBalancer)
      .toStrictEqual({ zoneAwareLbSetting: { failover: [{ from: 'a', to: 'b' }], minClusterSize: 3 } });
  });
  test('zoneAware: fails if failoverPriority names a topology label', () => {
    expect(errorOf(() => LocalityLoadBalancing.zoneAware({ failoverPriority: [TopologyLabel.REGION] })))
      .toBe("LocalityLoadBalancing.zoneAware: 'zoneAware.failoverPriority' cannot name the region, zone or subzone label: zone-aware load balancing orders them itself (Istio's ValidateZoneAwareLbSetting): got 'topology.kubernetes.io/region'; drop the label, and order regions with failover");
  });
  test('zoneAware: fails if minClusterSize is below 1', () => {
    expect(errorOf(() => LocalityLoadBalancing.zoneAware({ minClusterSize: 0 })))
      .toBe("LocalityLoadBalancing.zoneAware: 'zoneAware.minClusterSize' must be a whole number of at least 1: got 0");
  });
  test('disabled: enabled false', () => {
    const locality = LocalityLoadBalancing.disabled();
    expect(ruleOf({ locality }).trafficPolicy.loadBalancer).toStrictEqual({ localityLbSetting: { enabled: false } });
  });
  test('failsOver: failover, failoverPriority and a zone-aware failover; not distribute, disabled or plain zone-aware', () => {
    expect([PRIORITY, LocalityLoadBalancing.failover([{ from: 'a', to: 'b' }]), LocalityLoadBalancing.zoneAware({ failoverPriority: ['x'] }),
      LocalityLoadBalancing.distribute([{ from: east, to: [{ locality: east, weight: 100 }] }]), LocalityLoadBalancing.disabled(),
      LocalityLoadBalancing.zoneAware()].map(l => l.failsOver)).toStrictEqual([true, true, true, false, false, false]);
  });
  test('fails from JavaScript if the labels are not a list', () => {
    expect(errorOf(() => (LocalityLoadBalancing.failoverPriority as (x: unknown) => unknown)('topology.kubernetes.io/zone')))
      .toMatch(/^LocalityLoadBalancing.failoverPriority: 'labels' must be/);
  });
});

describe('a failover needs outlier detection on the same policy (synth)', () => {
  test('the default: no locality setting written', () => {
    expect(ruleOf().trafficPolicy).toStrictEqual({ tls: { mode: 'ISTIO_MUTUAL' } });
  });
  test('fails if the service fails over without outlier detection', () => {
    expect(synthError(app => { reviewsIn(new MeshChart(app, 'c'), { locality: PRIORITY }); })).toContain(
      "[c/reviews] 'trafficPolicy.locality' fails over only with outlierDetection on the same policy, and trafficPolicy has none for the host: Istio never fails over without it "
      + '(istio.io tasks/traffic-management/locality-load-balancing/failover; istio/istio pilot/pkg/networking/core/loadbalancer/loadbalancer.go): '
      + "got ['failoverPriority']; add outlierDetection: { consecutive5xxErrors: 1, interval: Duration.seconds(1), baseEjectionTime: Duration.minutes(1) } "
      + 'to trafficPolicy, or use LocalityLoadBalancing.distribute(), which needs none');
  });
  test('fails if a port fails over without its own outlier detection (a port\'s policy replaces the service\'s)', () => {
    const msg = synthError(app => { reviewsIn(new MeshChart(app, 'c'), { outlierDetection: OUTLIERS, ports: [{ port: 9080, locality: PRIORITY }] }); });
    expect(msg).toContain("[c/reviews] 'trafficPolicy.ports[0].locality' fails over only with outlierDetection on the same policy, and trafficPolicy.ports[0] has none for port 9080");
  });
  test('fails if a version fails over and neither it nor the service detects outliers', () => {
    const msg = synthError(app => { reviewsIn(new MeshChart(app, 'c'), undefined, { locality: PRIORITY }); });
    expect(msg).toContain("[c/reviews] 'versions[v2].trafficPolicy.locality' fails over only with outlierDetection on the same policy, and versions[v2].trafficPolicy has none for subset 'v2'");
  });
  test('a version\'s failover takes the service\'s outlier detection (Istio merges the subset\'s policy into the host\'s)', () => {
    expect(ruleOf({ outlierDetection: OUTLIERS }, { locality: PRIORITY }).subsets[1].trafficPolicy)
      .toStrictEqual({ loadBalancer: { localityLbSetting: { failoverPriority: ['topology.istio.io/network', 'topology.kubernetes.io/region', 'topology.kubernetes.io/zone'] } } });
  });
  test('fails if the service fails over and only a version detects outliers (the host\'s own traffic never fails over)', () => {
    const msg = synthError(app => { reviewsIn(new MeshChart(app, 'c'), { locality: PRIORITY }, { outlierDetection: OUTLIERS }); });
    expect(msg).toContain("[c/reviews] 'trafficPolicy.locality' fails over only with outlierDetection on the same policy, and trafficPolicy has none for the host");
  });
  test('distribute needs no outlier detection', () => {
    const east = Locality.of('us-east1/*');
    expect(ruleOf({ locality: LocalityLoadBalancing.distribute([{ from: east, to: [{ locality: east, weight: 100 }] }]) }).trafficPolicy.loadBalancer)
      .toStrictEqual({ localityLbSetting: { distribute: [{ from: 'us-east1/*', to: { 'us-east1/*': 100 } }] } });
  });
  test('a zone-aware failover needs it too (istiod\'s webhook warns)', () => {
    const msg = synthError(app => { reviewsIn(new MeshChart(app, 'c'), { locality: LocalityLoadBalancing.zoneAware({ failover: [{ from: 'a', to: 'b' }] }) }); });
    expect(msg).toContain("[c/reviews] 'trafficPolicy.locality' fails over only with outlierDetection on the same policy, and trafficPolicy has none for the host");
  });
  test('DestinationPolicy: fails if a subset fails over without outlier detection', () => {
    const msg = synthError(app => {
      const chart = new MeshChart(app, 'c');
      const svc = MeshService.fromAttributes({ name: 'payments', namespace: 'pay', ports: [{ port: 8080 }], versions: ['v1'] });
      new DestinationPolicy(chart, 'payments', { service: svc, subsets: [{ name: 'v1', trafficPolicy: { locality: PRIORITY } }] });
    });
    expect(msg).toContain("[c/payments] 'subsets[0].trafficPolicy.locality' fails over only with outlierDetection on the same policy, and subsets[0].trafficPolicy has none for subset 'v1'");
  });
  test('DestinationPolicy: written with outlier detection', () => {
    const objects = expectSchemaValid(synthObjects(app => {
      const svc = MeshService.fromAttributes({ name: 'payments', namespace: 'pay', ports: [{ port: 8080 }], versions: ['v1'] });
      new DestinationPolicy(new MeshChart(app, 'c'), 'payments', { service: svc, trafficPolicy: { locality: PRIORITY, outlierDetection: OUTLIERS } });
    }));
    expect((only(objects, 'DestinationRule').spec as any).trafficPolicy.loadBalancer.localityLbSetting.failoverPriority).toHaveLength(3);
  });
});

describe('back-ends without locality load balancing', () => {
  test('fails under the Gateway API back-end', () => {
    const msg = synthError(app => { reviewsIn(new MeshChart(app, 'c', { trafficApi: TrafficApi.GATEWAY_API }), { locality: PRIORITY, outlierDetection: OUTLIERS }); });
    expect(msg).toContain("[c/reviews] 'trafficPolicy.locality' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API): locality load balancing is a "
      + 'DestinationRule setting (localityLbSetting), and this back-end writes none (versions are Services of their own); the Gateway API has no locality setting: '
      + "got 'LocalityLoadBalancing'; remove it, or render this chart with TrafficApi.ISTIO (Istio applies the DestinationRule to calls from the mesh and gateways alike)");
  });
  test('fails under Linkerd, once, with the other settings refused as before', () => {
    const msg = synthError(app => { reviewsIn(new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD }), undefined, { locality: LocalityLoadBalancing.disabled() }); });
    expect(msg).toContain("[c/reviews] 'versions[v2].trafficPolicy.locality' cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): open-source Linkerd has no "
      + "locality load balancing (its proxy balances over every endpoint by latency): got 'LocalityLoadBalancing'; remove it, or render this chart for MeshProvider.ISTIO");
    expect(msg).not.toContain("'versions[v2].trafficPolicy' cannot");
  });
  test('under Linkerd a port whose only policy is locality is refused once', () => {
    const policy = { outlierDetection: { consecutive5xxErrors: 3 }, ports: [{ port: 9080, locality: PRIORITY }] };
    const msg = synthError(app => { reviewsIn(new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD }), policy); });
    expect(msg).toContain("'trafficPolicy.ports[0].locality' cannot be expressed with the Linkerd back-end");
    expect(msg).not.toContain("'trafficPolicy' cannot");
  });
});

describe('ServiceVersionOptions.locality: Istio\'s pod label', () => {
  const podLabelsOf = (objects: any[]) => (only(objects, 'Deployment', 'reviews-v1') as any).spec.template.metadata.labels;
  test('the default: no locality label', () => {
    expect(podLabelsOf(synthObjects(app => { reviewsIn(new MeshChart(app, 'c')); }))).toStrictEqual({ app: 'reviews', version: 'v1' });
  });
  test('topology.istio.io/locality with dots for slashes', () => {
    const objects = expectSchemaValid(synthObjects(app => {
      new MeshService(new MeshChart(app, 'c'), 'reviews', { ports: [{ port: 9080 }] })
        .addVersion('v1', { image: 'reviews:1.0', locality: Locality.of('us-east1/us-east1-b/rack1') });
    }));
    expect(podLabelsOf(objects)).toStrictEqual({ 'app': 'reviews', 'version': 'v1', 'topology.istio.io/locality': 'us-east1.us-east1-b.rack1' });
  });
  test('fails if the locality holds a wildcard', () => {
    expect(errorOf(() => new MeshService(new MeshChart(new App(), 'c'), 'reviews', { ports: [{ port: 9080 }] })
      .addVersion('v1', { image: 'reviews:1.0', locality: Locality.of('us-east1/*') })))
      .toBe("[c/reviews] 'versions.v1.locality' must be the one locality of the pods: no '*' wildcard: got 'us-east1/*'; name the region, zone and subzone, e.g. 'us-east1/us-east1-b'");
  });
  test('fails if a part holds a dot', () => {
    expect(errorOf(() => new MeshService(new MeshChart(new App(), 'c'), 'reviews', { ports: [{ port: 9080 }] })
      .addVersion('v1', { image: 'reviews:1.0', locality: Locality.of('eu.west/a') })))
      .toBe("[c/reviews] 'versions.v1.locality' must have no '.' in its region, zone or subzone: the pod label topology.istio.io/locality separates them with dots: got 'eu.west/a'");
  });
  test('fails if podLabels sets the label too', () => {
    expect(errorOf(() => new MeshService(new MeshChart(new App(), 'c'), 'reviews', { ports: [{ port: 9080 }] })
      .addVersion('v1', { image: 'reviews:1.0', locality: Locality.of('a/b'), podLabels: { 'topology.istio.io/locality': 'a.b' } })))
      .toBe("[c/reviews] 'versions.v1.locality' must not be given beside podLabels['topology.istio.io/locality']: got 'a/b'; keep one of them");
  });
  test('fails under Linkerd', () => {
    const msg = synthError(app => {
      new MeshService(new MeshChart(app, 'c', { mesh: MeshProvider.LINKERD }), 'reviews', { ports: [{ port: 9080 }] })
        .addVersion('v1', { image: 'reviews:1.0', locality: Locality.of('a/b') });
    });
    expect(msg).toContain("[c/reviews] 'versions[v1].locality' cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): topology.istio.io/locality is a "
      + "label istiod reads: got 'a/b'; remove it (Linkerd reads no locality), or render this chart for MeshProvider.ISTIO");
  });
});

describe('ambient mode: the waypoint applies locality load balancing', () => {
  test('a service with locality load balancing gets a waypoint (Istio\'s API), its DestinationRule applied there', () => {
    const objects = expectSchemaValid(synthObjects(app => {
      const chart = new MeshChart(app, 'c', { dataPlane: DataPlane.AMBIENT, trafficApi: TrafficApi.ISTIO });
      reviewsIn(chart, undefined, { locality: PRIORITY, outlierDetection: OUTLIERS });
    }));
    expect(only(objects, 'Gateway').metadata.name).toBe('reviews-waypoint');
    expect(only(objects, 'Service', 'reviews').metadata.labels).toMatchObject({ 'istio.io/use-waypoint': 'reviews-waypoint' });
    expect((only(objects, 'DestinationRule').spec as any).subsets[1].trafficPolicy.loadBalancer.localityLbSetting).toBeDefined();
  });
  test('fails with autoWaypoints off and no waypoint', () => {
    expect(synthError(app => {
      reviewsIn(new MeshChart(app, 'c', { dataPlane: DataPlane.AMBIENT, trafficApi: TrafficApi.ISTIO, autoWaypoints: false }), { locality: LocalityLoadBalancing.disabled() });
    })).toContain("[c/reviews] 'waypoint' must be given under ambient mode with autoWaypoints off: locality load balancing (c/reviews) needs L7 processing");
  });
  test('no waypoint for a service without locality load balancing (unchanged)', () => {
    const objects = synthObjects(app => { reviewsIn(new MeshChart(app, 'c', { dataPlane: DataPlane.AMBIENT, trafficApi: TrafficApi.ISTIO })); });
    expect(objects.filter(o => o.kind === 'Gateway')).toStrictEqual([]);
  });
});

describe('DestinationPolicy under the Gateway API back-end', () => {
  test('fails naming locality, not the load balancer', () => {
    const msg = errorOf(() => {
      const svc = MeshService.fromAttributes({ name: 'payments', namespace: 'pay', ports: [{ port: 8080 }], versions: [] });
      new DestinationPolicy(new MeshChart(new App(), 'c', { trafficApi: TrafficApi.GATEWAY_API }), 'payments', { service: svc, trafficPolicy: { locality: PRIORITY } });
    });
    expect(msg).toContain("'trafficPolicy.locality' cannot be expressed with the Gateway API back-end (TrafficApi.GATEWAY_API): locality load balancing is a "
      + "DestinationRule setting, which a BackendTLSPolicy is not: got 'LocalityLoadBalancing'; remove it, or render this chart with TrafficApi.ISTIO");
    expect(msg).not.toContain("'trafficPolicy.loadBalancer'");
  });
});
