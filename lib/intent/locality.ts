import { Problem, fail, problem } from '../core/errors';
import { checkLabelKey, checkLabelValue } from '../core/names';
import { LocalityFailoverModel, LocalityLbSettingModel, ZoneAwareLbSettingModel } from '../render/model';
import { TOPOLOGY_LABELS, failoverPairProblems, localitiesProblem } from '../schema/rules/istio-traffic-policy';

/*
 * Locality load balancing, typed: the values of Istio's LocalityLoadBalancerSetting and ZoneAwareLoadBalancerSetting
 * (istio/api networking/v1alpha3/destination_rule.proto), checked as istiod's webhook checks them (istio/istio
 * pkg/config/validation/agent/validation.go, ValidateLocalityLbSetting and ValidateZoneAwareLbSetting). The rules are
 * the ones lib/schema applies to hand-written objects (lib/schema/rules/istio-traffic-policy.ts), shared, not repeated.
 */

/** What a problem of a locality says to look up. */
const SEE = 'see istio.io/latest/docs/reference/config/networking/destination-rule/#LocalityLoadBalancerSetting';

/**
 * A locality: `region`, `region/zone` or `region/zone/subzone`, as Istio writes it; a trailing `*` stands for every
 * zone (`us-east1/*`), every subzone (`us-east1/us-east1-b/*`) or everything (`*`).
 * @see https://istio.io/latest/docs/tasks/traffic-management/locality-load-balancing/
 */
export class Locality {
  /**
   * A locality of `region[/zone[/subzone]]`, a trailing `*` for all of what is left out. Istio's rules: at most one
   * `*`, at its end; no empty region, zone or subzone (istio/istio pkg/config/validation/agent/validation.go,
   * validateLocalities).
   */
  public static of(locality: string): Locality {
    if (locality === '') fail(problem('locality', 'must be \'region\', \'region/zone\' or \'region/zone/subzone\' (a trailing \'*\' for all)', locality, 'e.g. \'us-east1/us-east1-b/*\''));
    const p = localitiesProblem([locality]);
    if (p) fail(problem('locality', `must be 'region[/zone[/subzone]]': ${p}`, locality, 'e.g. \'us-east1/us-east1-b/*\''));
    return new Locality(locality);
  }

  private constructor(
    /** The locality as Istio writes it (`us-east1/us-east1-b/*`). */
    public readonly value: string) {}

  /** The locality as Istio writes it. */
  public toString(): string {
    return this.value;
  }
}

/**
 * Labels Istio orders endpoints by in `failoverPriority` (and the regions, zones and subzones it reads for localities).
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#LocalityLoadBalancerSetting
 */
export enum TopologyLabel {
  /** The endpoint's network (multi-network meshes). */
  NETWORK = 'topology.istio.io/network',
  /** The node's region. */
  REGION = 'topology.kubernetes.io/region',
  /** The node's zone. */
  ZONE = 'topology.kubernetes.io/zone',
  /** The node's subzone (Istio's own node label). */
  SUBZONE = 'topology.istio.io/subzone',
}

/** A destination locality and the share of traffic it takes. */
export interface LocalityWeight {
  /** The destination locality. */
  readonly locality: Locality;
  /** Its share, in percent (1 to 100); the shares of one {@link LocalityDistribution} total 100. */
  readonly weight: number;
}

/** Where the traffic of clients in one locality goes. */
export interface LocalityDistribution {
  /** The clients' locality. */
  readonly from: Locality;
  /** The destination localities and their shares (totalling 100). */
  readonly to: LocalityWeight[];
}

/** A failover from one region to another when the region's own endpoints are unhealthy. */
export interface LocalityFailover {
  /** The clients' region. */
  readonly from: string;
  /** The region their traffic fails over to. */
  readonly to: string;
}

/** Options of {@link LocalityLoadBalancing.failoverPriority}. */
export interface FailoverPriorityOptions {
  /**
   * Region failovers applied besides the priority labels; then the labels may not name the region, zone or subzone
   * (Istio refuses `failover` with a topology label in `failoverPriority`).
   * @default - none
   */
  readonly failover?: LocalityFailover[];
}

/** Options of {@link LocalityLoadBalancing.zoneAware}. */
export interface ZoneAwareOptions {
  /**
   * The order of regions to fail over to (regions only: Envoy orders zones and subzones itself).
   * @default - none: Istio's default order
   */
  readonly failover?: LocalityFailover[];
  /**
   * Labels endpoints are prioritised by before the region; not the region, zone or subzone, which Envoy handles.
   * @default - none
   */
  readonly failoverPriority?: string[];
  /**
   * Fewest endpoints of the local region for zone-aware routing to apply.
   * @default - Envoy's: 6
   */
  readonly minClusterSize?: number;
}

/**
 * Locality load balancing of a DestinationRule (Istio's `localityLbSetting`, or 1.31's `zoneAwareLbSetting`): which
 * endpoints a client prefers by where it runs, and where its traffic goes when they fail.
 *
 * Failover (`failover`, `failoverPriority`, a zone-aware setting's failover) happens only when the same policy has
 * outlier detection: without it Envoy never ejects an endpoint and never drops to a lower priority (Istio's task
 * tasks/traffic-management/locality-load-balancing/failover; istio/istio pilot/pkg/networking/core/loadbalancer/
 * loadbalancer.go). mesh-kit refuses such a policy at synth. `distribute` needs none: Istio applies its weights
 * whether or not outlier detection is set (the same file, ApplyLocalityLoadBalancer; the task
 * locality-load-balancing/distribute sets none).
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/locality-load-balancing/
 */
export class LocalityLoadBalancing {
  /**
   * Weighted distribution: clients in each `from` locality send the given share of traffic to each destination
   * locality. Needs no outlier detection.
   * @example LocalityLoadBalancing.distribute([{ from: Locality.of('region1/zone1/*'), to: [{ locality: Locality.of('region1/zone1/*'), weight: 80 }, { locality: Locality.of('region1/zone2/*'), weight: 20 }] }])
   */
  public static distribute(distributions: LocalityDistribution[]): LocalityLoadBalancing {
    if (distributions.length === 0) fail(problem('distribute', 'must name at least one source locality', '[]', 'add { from, to }, or use another LocalityLoadBalancing'));
    const distribute = distributions.map((d, i) => {
      const at = `distribute[${i}]`;
      if (d.to.length === 0) fail(problem(`${at}.to`, 'must name at least one destination locality', '[]'));
      const to: { [locality: string]: number } = {};
      d.to.forEach((t, j) => {
        if (!Number.isInteger(t.weight) || t.weight < 1 || t.weight > 100) {
          fail(problem(`${at}.to[${j}].weight`, 'must be a whole number between 1 and 100', t.weight, 'give each destination a share of 1 to 100, the shares totalling 100'));
        }
        if (to[t.locality.value] !== undefined) fail(problem(`${at}.to[${j}].locality`, 'must name each destination locality once', t.locality.value));
        to[t.locality.value] = t.weight;
      });
      const total = d.to.reduce((sum, t) => sum + t.weight, 0);
      if (total !== 100) {
        fail(problem(`${at}.to`, `the weights from '${d.from.value}' must total 100 (Istio's ValidateLocalityLbSetting)`, total, 'make the shares add up to 100'));
      }
      const overlap = localitiesProblem(Object.keys(to));
      if (overlap) fail(problem(`${at}.to`, `must not overlap: ${overlap}`, Object.keys(to), SEE));
      return { from: d.from.value, to };
    });
    const overlap = localitiesProblem(distribute.map(d => d.from));
    if (overlap) fail(problem('distribute', `source localities must not overlap: ${overlap}`, distribute.map(d => d.from), SEE));
    return new LocalityLoadBalancing({ localityLbSetting: { distribute } }, false);
  }

  /**
   * Region failover: when the endpoints of a client's region are unhealthy, its traffic goes to the `to` region (by
   * default Istio fails over zone by zone, then to any region). Needs outlier detection on the same policy.
   * @example LocalityLoadBalancing.failover([{ from: 'us-east1', to: 'us-west1' }])
   */
  public static failover(failover: LocalityFailover[]): LocalityLoadBalancing {
    if (failover.length === 0) fail(problem('failover', 'must name at least one region failover', '[]', 'add { from, to }, or use LocalityLoadBalancing.failoverPriority()'));
    return new LocalityLoadBalancing({ localityLbSetting: { failover: failoverModel('failover', failover, 'locality lb') } }, true);
  }

  /**
   * Priority failover: endpoints sharing more of the client's values of these labels, in order, come first
   * (`TopologyLabel.NETWORK`, `REGION`, `ZONE`, `SUBZONE`, or a label of your own); `label=value` prefers endpoints whose
   * label has that value whatever the client's. Needs outlier detection on the same policy.
   * @example LocalityLoadBalancing.failoverPriority([TopologyLabel.NETWORK, TopologyLabel.REGION, TopologyLabel.ZONE])
   */
  public static failoverPriority(labels: string[], options: FailoverPriorityOptions = {}): LocalityLoadBalancing {
    if (labels.length === 0) fail(problem('failoverPriority', 'must name at least one label', '[]', 'e.g. [TopologyLabel.REGION, TopologyLabel.ZONE]'));
    const failoverPriority = priorityModel('failoverPriority', labels);
    const failover = options.failover && options.failover.length > 0 ? failoverModel('failover', options.failover, 'locality lb') : undefined;
    const topology = failover ? labels.find(l => TOPOLOGY_LABELS.has(labelOf(l))) : undefined;
    if (topology !== undefined) {
      fail(problem('failoverPriority', 'cannot name the region, zone or subzone label when failover is set (Istio\'s ValidateLocalityLbSetting)', topology,
        'drop the label from failoverPriority, or drop failover'));
    }
    return new LocalityLoadBalancing({ localityLbSetting: { failoverPriority, failover } }, true);
  }

  /**
   * Istio 1.31's zone-aware load balancing (`zoneAwareLbSetting`): Envoy keeps traffic in the client's zone while the
   * zone has capacity, spilling over in proportion otherwise; with `failover` or `failoverPriority`, it needs outlier
   * detection on the same policy (istiod's webhook warns otherwise: ValidateZoneAwareLbSetting). Waypoints do not
   * support it: a waypoint applies locality load balancing instead (loadbalancer.go, ZoneAwareLBSettings.ApplyToCluster).
   */
  public static zoneAware(options: ZoneAwareOptions = {}): LocalityLoadBalancing {
    const failover = options.failover && options.failover.length > 0 ? failoverModel('zoneAware.failover', options.failover, 'zone aware lb') : undefined;
    const failoverPriority = options.failoverPriority && options.failoverPriority.length > 0
      ? priorityModel('zoneAware.failoverPriority', options.failoverPriority) : undefined;
    const topology = (failoverPriority ?? []).find(l => TOPOLOGY_LABELS.has(labelOf(l)));
    if (topology !== undefined) {
      fail(problem('zoneAware.failoverPriority', 'cannot name the region, zone or subzone label: zone-aware load balancing orders them itself (Istio\'s ValidateZoneAwareLbSetting)',
        topology, 'drop the label, and order regions with failover'));
    }
    const min = options.minClusterSize;
    if (min !== undefined && (!Number.isInteger(min) || min < 1 || min > 4294967295)) {
      fail(problem('zoneAware.minClusterSize', 'must be a whole number of at least 1', min));
    }
    const model: ZoneAwareLbSettingModel = { failover, failoverPriority, minClusterSize: min };
    return new LocalityLoadBalancing({ zoneAwareLbSetting: model }, failover !== undefined || failoverPriority !== undefined);
  }

  /**
   * Locality load balancing off for this host (`enabled: false`), whatever the mesh config says: endpoints are picked
   * wherever they are.
   */
  public static disabled(): LocalityLoadBalancing {
    return new LocalityLoadBalancing({ localityLbSetting: { enabled: false } }, false);
  }

  private constructor(
    /** @internal */ public readonly _model: LocalitySettingsModel,
    /** Whether the setting fails over, which needs outlier detection on the same policy. */
    public readonly failsOver: boolean) {}
}

/** What a {@link LocalityLoadBalancing} writes into the load balancer. */
interface LocalitySettingsModel {
  readonly localityLbSetting?: LocalityLbSettingModel;
  readonly zoneAwareLbSetting?: ZoneAwareLbSettingModel;
}

/** The label of a `failoverPriority` entry (`label` or `label=value`). */
function labelOf(entry: string): string {
  const i = entry.indexOf('=');
  return i >= 0 ? entry.slice(0, i) : entry;
}

function priorityModel(field: string, labels: readonly string[]): string[] {
  labels.forEach((entry, i) => {
    const i2 = entry.indexOf('=');
    const p = checkLabelKey(`${field}[${i}]`, labelOf(entry)) ?? (i2 >= 0 ? checkLabelValue(`${field}[${i}]`, entry.slice(i2 + 1)) : undefined);
    if (p) fail(p);
    if (labels.findIndex(x => labelOf(x) === labelOf(entry)) !== i) fail(problem(`${field}[${i}]`, 'must name each label once', entry));
  });
  return [...labels];
}

function failoverModel(field: string, failover: readonly LocalityFailover[], what: string): LocalityFailoverModel[] {
  return failover.map((f, i) => {
    for (const [k, region] of [['from', f.from], ['to', f.to]] as const) {
      if (region === '') fail(problem(`${field}[${i}].${k}`, 'must be a region', region, 'e.g. \'us-east1\''));
    }
    const p = failoverPairProblems(f.from, f.to, what);
    const fn = what === 'zone aware lb' ? 'ValidateZoneAwareLbSetting' : 'ValidateLocalityLbSetting';
    if (p.length > 0) fail(problem(`${field}[${i}]`, `${p[0]} (Istio's ${fn})`, `${f.from} → ${f.to}`, 'name two different regions, e.g. { from: \'us-east1\', to: \'us-west1\' }'));
    return { from: f.from, to: f.to };
  });
}

/** Istio's pod label of a workload's locality (istio/api label/labels.yaml, `topology.istio.io/locality`). @internal */
export const LOCALITY_LABEL = 'topology.istio.io/locality';

/**
 * The pod label of a version's locality: `region.zone.subzone`, since a label value holds no `/` (istiod turns the dots
 * back into slashes: istio/istio pkg/model/proxy.go SanitizeLocalityLabel). A pod is in one locality: no wildcard; no
 * dot in a part, which istiod would read as a separator. @internal
 */
export function localityLabelOf(field: string, locality: Locality, podLabels: { readonly [key: string]: string }):
{ readonly value: { [key: string]: string }; readonly refused?: undefined } | { readonly refused: Problem; readonly value?: undefined } {
  const l = locality.value;
  if (l.includes('*')) return { refused: problem(field, 'must be the one locality of the pods: no \'*\' wildcard', l, 'name the region, zone and subzone, e.g. \'us-east1/us-east1-b\'') };
  if (l.includes('.')) {
    return { refused: problem(field, `must have no '.' in its region, zone or subzone: the pod label ${LOCALITY_LABEL} separates them with dots`, l) };
  }
  const value = l.split('/').join('.');
  if (podLabels[LOCALITY_LABEL] !== undefined) {
    return { refused: problem(field, `must not be given beside podLabels['${LOCALITY_LABEL}']`, l, 'keep one of them') };
  }
  const p = checkLabelValue(field, value);
  return p ? { refused: p } : { value: { [LOCALITY_LABEL]: value } };
}
