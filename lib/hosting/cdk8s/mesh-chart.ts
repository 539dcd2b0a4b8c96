import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { failAt, problem } from '../../core/errors';
import { constructArgs } from '../../core/input';
import { DataPlane, HostNames, IstioApiVersion, LinkerdVersion, MeshProvider, MeshSettings, TrafficApi, UnpinnedImages } from '../../core/settings';

/** Props of a {@link MeshChart}. */
export interface MeshChartProps extends ChartProps {
  /**
   * The mesh this chart's constructs are rendered for.
   * @default - the app's setting ({@link MeshSettings.apply}), else MeshProvider.ISTIO
   */
  readonly mesh?: MeshProvider;

  /**
   * The Istio API version of every Istio object in this chart.
   * @default - the app's setting ({@link MeshSettings.apply}), else IstioApiVersion.V1
   */
  readonly istioApiVersion?: IstioApiVersion;

  /**
   * The API routing in this chart is rendered to.
   * @default - the app's setting ({@link MeshSettings.apply}), else TrafficApi.ISTIO
   */
  readonly trafficApi?: TrafficApi;

  /**
   * Istio's data plane for this chart's workloads: sidecars, or ambient mode (ztunnel and waypoints).
   * @default - the app's setting ({@link MeshSettings.apply}), else DataPlane.SIDECAR
   */
  readonly dataPlane?: DataPlane;

  /**
   * Under ambient mode, give services that need L7 processing a waypoint of their own when none is used.
   * @default - the app's setting ({@link MeshSettings.apply}), else true
   */
  readonly autoWaypoints?: boolean;

  /**
   * The Linkerd release this chart's Linkerd objects target.
   * @default - the app's setting ({@link MeshSettings.apply}), else LinkerdVersion.V2_20
   */
  readonly linkerdVersion?: LinkerdVersion;

  /**
   * Annotate this chart's objects with Argo CD sync waves.
   * @default - the app's setting ({@link MeshSettings.apply}), else false
   */
  readonly argoCdSyncWaves?: boolean;

  /**
   * The images this chart may deploy without a pinned tag or digest: {@link UnpinnedImages.of} some repositories, or
   * {@link UnpinnedImages.ALL} (tutorials, development clusters).
   * @default - the app's setting ({@link MeshSettings.apply}), else UnpinnedImages.NONE
   */
  readonly allowUnpinnedImages?: UnpinnedImages;

  /**
   * How this chart's Istio objects name in-cluster Services in `host`/`hosts` ({@link HostNames.FULLY_QUALIFIED}:
   * `<name>.<namespace>.svc.cluster.local`, as Istio recommends).
   * @default - the app's setting ({@link MeshSettings.apply}), else HostNames.SHORT
   */
  readonly hostNames?: HostNames;

  /**
   * The file this chart synthesizes to under a {@link MeshApp}, without the extension; may hold
   * `/` for a subfolder (e.g. `gateway-api/route-all-v1`).
   * @default - cdk8s's name for the chart (its id, when that is a DNS label)
   */
  readonly fileName?: string;

  /**
   * The group of alternatives this chart is one of: charts (files) of one group are never applied together — a task's
   * steps, a canary's stages and rollback, routing scenarios — but each one with the charts of no group (the base).
   * The synth-time analysis checks each alternative in a world of its own, the base and that chart, never with its
   * siblings; the base alone is a world too. Each finding of the report names the world it was found in.
   * Objects of one kind and name in different files stay alternatives whatever the groups.
   * @default - none: the chart is part of the base, applied with every other chart
   */
  readonly alternativeGroup?: string;
}

/**
 * A cdk8s chart that carries mesh settings for everything in it. Synthesizes to one file,
 * `<id>.k8s.yaml`, so each chart is something a pipeline can apply on its own.
 */
export class MeshChart extends Chart {
  /** The file name under a {@link MeshApp}, when one was given. */
  public readonly fileName?: string;
  /** The group of alternatives this chart is one of, when it is one ({@link MeshChartProps.alternativeGroup}). */
  public readonly alternativeGroup?: string;

  public constructor(scope: Construct, id: string, props: MeshChartProps = {}) {
    super(...constructArgs('MeshChart', [scope, id, props], { needsChart: false }), props);
    if (props.fileName !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/.test(props.fileName)) {
      failAt(this, problem('fileName', 'must be a relative path of letters, digits, \'.\', \'_\' and \'-\' segments', props.fileName, 'e.g. \'gateway-api/route-all-v1\''));
    }
    if (props.alternativeGroup !== undefined && (typeof props.alternativeGroup !== 'string' || props.alternativeGroup.trim() === '')) {
      failAt(this, problem('alternativeGroup', 'must be a non-empty string naming the group of charts never applied together', props.alternativeGroup,
        'e.g. \'egress-task\' on each step\'s chart, or leave it out for a chart applied with everything'));
    }
    this.fileName = props.fileName;
    this.alternativeGroup = props.alternativeGroup;
    MeshSettings.apply(this, {
      mesh: props.mesh,
      istioApiVersion: props.istioApiVersion,
      trafficApi: props.trafficApi,
      argoCdSyncWaves: props.argoCdSyncWaves,
      dataPlane: props.dataPlane,
      autoWaypoints: props.autoWaypoints,
      linkerdVersion: props.linkerdVersion,
      allowUnpinnedImages: props.allowUnpinnedImages,
      hostNames: props.hostNames,
    });
  }
}
