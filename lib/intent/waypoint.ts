import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { IMeshNamespace } from './mesh-namespace';
import { fail, failAt, problem } from '../core/errors';
import { constructArgs } from '../core/input';
import { checkDnsLabel, checkLabelValue, checkLabels } from '../core/names';
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

/**
 * Namespaces whose Services and namespaces may use a {@link Waypoint}, besides its own and those of the services and
 * namespaces of this app that use it (Istio admits them by the waypoint listener's `allowedRoutes`).
 * @see https://istio.io/latest/docs/ambient/usage/waypoint/#usewaypointnamespace
 */
export class WaypointNamespaces {
  /** These namespaces, by name (selected by their `kubernetes.io/metadata.name` label), with the waypoint's own. */
  public static named(names: string[]): WaypointNamespaces {
    if (names.length === 0) fail(problem('names', 'must hold at least one namespace', '[]', 'leave allowedNamespaces out to admit only the waypoint\'s own namespace and its users in this app'));
    for (const n of names) {
      const err = checkDnsLabel('names', n);
      if (err) fail(err);
    }
    return new WaypointNamespaces({ names: [...names] });
  }

  /**
   * The namespaces carrying these labels (`from: Selector`). The waypoint's own namespace and those of its users in this
   * app must carry them too: a selector replaces Istio's default (its own namespace); the analysis checks it (MK0023).
   */
  public static withLabels(labels: { [key: string]: string }): WaypointNamespaces {
    if (Object.keys(labels).length === 0) fail(problem('labels', 'must hold at least one label', '{}', 'use WaypointNamespaces.all() to admit every namespace'));
    const err = checkLabels('labels', labels);
    if (err) fail(err);
    return new WaypointNamespaces({ labels: { ...labels } });
  }

  /** Every namespace (`from: All`). */
  public static all(): WaypointNamespaces {
    return new WaypointNamespaces({ all: true });
  }

  private constructor(/** @internal */ public readonly _model: NonNullable<WaypointModel['admits']>) {}
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
   * The traffic it serves. Written as the `istio.io/waypoint-for` label when given, as `istioctl waypoint generate --for`
   * writes it (istio/istio `istioctl/pkg/waypoint/waypoint.go`: "only label if the user has provided their own value").
   * @default WaypointFor.SERVICE - no label: Istio's default (service), which the GatewayClass may override
   */
  readonly trafficFor?: WaypointFor;
  /**
   * The Istio revision (`istio.io/rev`) that runs it, for canary upgrades of Istio.
   * @default - the default revision
   */
  readonly revision?: string;
  /**
   * Namespaces, besides its own, whose Services and namespaces may use it, for users this app does not declare (another
   * team's services). Istio refuses a `use-waypoint` from a namespace its `mesh` listener does not admit. The
   * namespaces of this app's `MeshService`s and `MeshNamespace`s that use it are admitted without being named.
   * @default - its own namespace and those of its users in this app, by name (none written when only its own)
   */
  readonly allowedNamespaces?: WaypointNamespaces;
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
  /** Namespaces of this app whose services or namespaces use it, other than its own. */
  private readonly userNamespaces = new Set<string>();
  private readonly allowed?: WaypointNamespaces;

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
    this.allowed = props.allowedNamespaces;
    if (this.allowed?._model.names && this.namespace === undefined) {
      failAt(this, problem('allowedNamespaces', 'needs the waypoint\'s namespace: admitting namespaces by name replaces Istio\'s default (its own namespace), which must then be named too',
        this.allowed._model.names, 'give the waypoint (or its chart) a namespace'));
    }
    const model = (): WaypointModel => ({
      name: this.name,
      namespace: this.namespace,
      trafficFor: props.trafficFor,
      revision: props.revision,
      admits: this.admits(),
    });
    this.resource = emit(this, 'Gateway', {
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name: this.name, namespace: this.namespace, labels: waypointLabels(model()), body: ['spec'],
    }, () => renderWaypoint(model()));
  }

  /** The namespaces admitted besides its own: as asked, with this app's users named; undefined: its own only. */
  private admits(): WaypointModel['admits'] {
    const a = this.allowed?._model;
    if (a?.all || a?.labels) return a;
    const names = [...new Set([...(a?.names ?? []), ...this.userNamespaces])].filter(n => n !== this.namespace).sort();
    return names.length > 0 ? { names } : undefined;
  }

  /**
   * Records that a Service or namespace of `namespace` uses the waypoint (its `istio.io/use-waypoint-namespace` names the
   * waypoint's): the waypoint's listener then admits that namespace.
   * @internal
   */
  public _usedFrom(namespace: string | undefined): void {
    if (namespace !== undefined && this.namespace !== undefined && namespace !== this.namespace) this.userNamespaces.add(namespace);
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
