import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { IMeshNamespace } from './mesh-namespace';
import { failAt, problem } from '../core/errors';
import { constructArgs } from '../core/input';
import { checkDnsLabel, checkLabelValue } from '../core/names';
import { DataPlane, MeshProvider, MeshSettings } from '../core/settings';
import { emit, namespaceOf } from '../hosting/cdk8s/emit';
import { WaypointModel, renderWaypoint, waypointLabels } from '../render/gateway-api';

/** The traffic a waypoint serves (`istio.io/waypoint-for`). */
export enum WaypointFor {
  /** Traffic addressed to Services (Istio's default). */
  SERVICE = 'service',
  /** Traffic addressed to pods directly. */
  WORKLOAD = 'workload',
  /** Both. */
  ALL = 'all',
  /** None: the waypoint is deployed but serves nothing. */
  NONE = 'none',
}

/** Props of a {@link Waypoint}. */
export interface WaypointProps {
  /**
   * The Gateway's name (`istio.io/use-waypoint` names it).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The namespace it runs in.
   * @default - the chart's namespace
   */
  readonly namespace?: IMeshNamespace;
  /**
   * The traffic it serves.
   * @default WaypointFor.SERVICE - written as Istio's default (no label)
   */
  readonly trafficFor?: WaypointFor;
  /**
   * The Istio revision (`istio.io/rev`) that runs it, for canary upgrades of Istio.
   * @default - the default revision
   */
  readonly revision?: string;
}

/**
 * An Istio waypoint proxy (ambient mode): a Gateway of class `istio-waypoint` that Istio deploys to process L7 traffic
 * (routes, L7 authorization, retries, fault injection) for the services or the namespace that use it
 * (`MeshService` and `MeshNamespace` prop `waypoint`, written as `istio.io/use-waypoint`). Only in a chart whose data
 * plane is ambient.
 * @see https://istio.io/latest/docs/ambient/usage/waypoint/
 */
export class Waypoint extends Construct {
  /** The Gateway's name. */
  public readonly name: string;
  /** Its namespace. */
  public readonly namespace?: string;
  /** The traffic it serves. */
  public readonly trafficFor: WaypointFor;
  /** The Gateway (escape hatch). */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: WaypointProps = {}) {
    super(...constructArgs('Waypoint', [scope, id, props]));
    this.name = props.name ?? id;
    this.namespace = namespaceOf(this, props.namespace?.name);
    this.trafficFor = props.trafficFor ?? WaypointFor.SERVICE;
    for (const err of [
      checkDnsLabel(props.name === undefined ? 'name (the construct id)' : 'name', this.name),
      props.revision !== undefined ? checkLabelValue('revision', props.revision) : undefined,
    ]) {
      if (err) failAt(this, err);
    }
    const settings = MeshSettings.of(this);
    if (settings.mesh !== MeshProvider.ISTIO || settings.dataPlane !== DataPlane.AMBIENT) {
      failAt(this, problem('dataPlane', 'must be DataPlane.AMBIENT for a waypoint: its namespace\'s pods are not enrolled in ambient mode, so no traffic would reach it',
        settings.mesh !== MeshProvider.ISTIO ? settings.mesh : settings.dataPlane, 'set dataPlane: DataPlane.AMBIENT on the chart or the app'));
    }
    const model: WaypointModel = {
      name: this.name,
      namespace: this.namespace,
      trafficFor: this.trafficFor === WaypointFor.SERVICE ? undefined : this.trafficFor,
      revision: props.revision,
    };
    this.resource = emit(this, 'Gateway', {
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name: this.name, namespace: this.namespace, labels: waypointLabels(model), body: ['spec'],
    }, () => renderWaypoint(model));
  }

  /** Whether it serves traffic addressed to Services. */
  public get servesServices(): boolean {
    return this.trafficFor === WaypointFor.SERVICE || this.trafficFor === WaypointFor.ALL;
  }
}

/** The labels that make a Service or Namespace use `waypoint` (from namespace `from`). @internal */
export function useWaypointLabels(waypoint: Waypoint | undefined, from: string | undefined): { [key: string]: string } {
  if (!waypoint) return {};
  return {
    'istio.io/use-waypoint': waypoint.name,
    ...(waypoint.namespace !== undefined && waypoint.namespace !== from ? { 'istio.io/use-waypoint-namespace': waypoint.namespace } : {}),
  };
}
