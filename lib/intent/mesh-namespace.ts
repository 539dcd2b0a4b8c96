import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { Waypoint } from './waypoint';
import { useWaypointLabels } from './waypoint';
import { backendAt } from '../backends/registry';
import { fail, failAt, problem } from '../core/errors';
import { constructArgs } from '../core/input';
import { checkDnsLabel } from '../core/names';
import { ambientAt, emit } from '../hosting/cdk8s/emit';
import { renderNamespace } from '../render/kubernetes';

/** A namespace that mesh constructs can live in. */
export interface IMeshNamespace {
  /** The namespace name. */
  readonly name: string;
  /**
   * Whether the mesh injects its proxy into the namespace's pods (undefined: not known, e.g. an imported namespace).
   * @default - not known
   */
  readonly injectsSidecars?: boolean;
  /**
   * The waypoint every Service of the namespace uses (ambient mode).
   * @default - none known
   */
  readonly waypoint?: Waypoint;
}

/** How the mesh injects its proxy into a namespace's pods. */
export class NamespaceInjection {
  /**
   * Inject: Istio's `istio-injection: enabled` label (default revision), or Linkerd's
   * `linkerd.io/inject: enabled` annotation.
   */
  public static enabled(): NamespaceInjection {
    return new NamespaceInjection({ 'istio-injection': 'enabled' }, { 'linkerd.io/inject': 'enabled' });
  }

  /** Inject with a named Istio control-plane revision (`istio.io/rev: <revision>`), for canary upgrades of Istio. Istio only. */
  public static revision(revision: string): NamespaceInjection {
    return new NamespaceInjection({ 'istio.io/rev': revision }, undefined);
  }

  /** Never inject: `istio-injection: disabled`, or `linkerd.io/inject: disabled`. */
  public static disabled(): NamespaceInjection {
    return new NamespaceInjection({ 'istio-injection': 'disabled' }, { 'linkerd.io/inject': 'disabled' });
  }

  private constructor(
    /** @internal */ public readonly _istioLabels: { [key: string]: string },
    /** @internal */ public readonly _linkerdAnnotations: { [key: string]: string } | undefined,
  ) {}
}

/**
 * Linkerd's default inbound policies: who may reach a port that no Server covers. Set for the cluster
 * (`LinkerdInstallation` `defaultInboundPolicy`, the chart's `proxy.defaultInboundPolicy`), a namespace or a workload
 * (`config.linkerd.io/default-inbound-policy`), or as a Server's `accessPolicy`; the values are those Linkerd's policy
 * controller parses (linkerd2 `policy-controller/k8s/index/src/defaults.rs`, `DefaultPolicy`).
 * @see https://linkerd.io/2-edge/reference/authorization-policy/#default-policies
 */
export enum DefaultInboundPolicy {
  /** Every caller, meshed or not. */
  ALL_UNAUTHENTICATED = 'all-unauthenticated',
  /** Meshed callers (mutual TLS), from anywhere. */
  ALL_AUTHENTICATED = 'all-authenticated',
  /** Callers from the cluster's networks, meshed or not. */
  CLUSTER_UNAUTHENTICATED = 'cluster-unauthenticated',
  /** Meshed callers from the cluster's networks. */
  CLUSTER_AUTHENTICATED = 'cluster-authenticated',
  /** Nobody: every port needs a Server and an authorization. */
  DENY = 'deny',
  /** Everyone, reporting what `deny` would refuse (observe first). */
  AUDIT = 'audit',
}

/** Props of a {@link MeshNamespace}. */
export interface MeshNamespaceProps {
  /**
   * The namespace name.
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * Sidecar injection for the namespace's pods.
   * @default NamespaceInjection.enabled()
   */
  readonly injection?: NamespaceInjection;

  /**
   * Further labels.
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Linkerd's default inbound policy for the namespace's pods (`config.linkerd.io/default-inbound-policy`): what a port
   * without a Server admits. Linkerd only; Istio's counterpart is a PeerAuthentication and a deny-all AuthorizationPolicy.
   * @default - the cluster's (Linkerd's install default, all-unauthenticated)
   */
  readonly defaultInboundPolicy?: DefaultInboundPolicy;

  /**
   * The waypoint the namespace's Services use for L7 traffic under ambient mode (`istio.io/use-waypoint`).
   * @default - none (services that need L7 get their own, see `autoWaypoints`)
   */
  readonly waypoint?: Waypoint;
}

/**
 * A Namespace enrolled in the mesh: it carries the label that makes Istio inject a sidecar
 * into every pod created in it (the `istio-injection` label most tutorials forget), or under
 * MeshProvider.LINKERD the `linkerd.io/inject` annotation.
 */
export class MeshNamespace extends Construct implements IMeshNamespace {
  /** A namespace this app does not create. */
  public static fromName(name: string): IMeshNamespace {
    const err = checkDnsLabel('namespace', name);
    if (err) fail(err);
    return { name };
  }

  public readonly name: string;
  /** Whether the mesh injects its proxy into the namespace's pods (false with `NamespaceInjection.disabled()`, and under ambient mode). */
  public readonly injectsSidecars: boolean;
  /** The waypoint the namespace's Services use, if any. */
  public readonly waypoint?: Waypoint;
  /** The Namespace object (escape hatch). */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: MeshNamespaceProps = {}) {
    super(...constructArgs('MeshNamespace', [scope, id, props]));
    this.name = props.name ?? id;
    const err = checkDnsLabel('name', this.name);
    if (err) failAt(this, err);
    const injection = props.injection ?? NamespaceInjection.enabled();
    const ambient = ambientAt(this);
    if (ambient && props.injection && injection._istioLabels['istio-injection'] !== 'disabled') {
      failAt(this, problem('injection', 'cannot be combined with ambient mode: sidecar injection and ambient enrolment on one namespace (IST0123: a workload joins the mesh one way)',
        Object.entries(injection._istioLabels).map(([k, v]) => `${k}=${v}`)[0], 'leave out injection (the namespace is enrolled in ambient mode), or use DataPlane.SIDECAR'));
    }
    if (props.waypoint && !ambient) {
      failAt(this, problem('waypoint', 'needs ambient mode (DataPlane.AMBIENT): sidecars do not use waypoints', props.waypoint.name));
    }
    if (props.waypoint && injection._istioLabels['istio-injection'] === 'disabled') {
      failAt(this, problem('waypoint', 'needs the namespace enrolled in ambient mode: with NamespaceInjection.disabled() its pods are outside the mesh and no traffic reaches the waypoint',
        props.waypoint.name, 'leave out injection, or the waypoint'));
    }
    this.waypoint = props.waypoint;
    // a waypoint of another namespace admits this one on its listener, or Istio refuses the use
    props.waypoint?._usedFrom(this.name);
    this.injectsSidecars = !ambient && injection._istioLabels['istio-injection'] !== 'disabled';
    // ambient: enrolled by `istio.io/dataplane-mode: ambient` (not with NamespaceInjection.disabled()), no injection label
    const istioLabels = !ambient ? injection._istioLabels : injection._istioLabels['istio-injection'] === 'disabled' ? {} : { 'istio.io/dataplane-mode': 'ambient' };
    const marks = backendAt(this).namespaceMarks({
      istioLabels,
      linkerdAnnotations: injection._linkerdAnnotations,
      injectionShown: Object.values(injection._istioLabels)[0],
      defaultInboundPolicy: props.defaultInboundPolicy,
    });
    if (marks.refused !== undefined) failAt(this, marks.refused);
    const labels = { ...(props.labels ?? {}), ...marks.value.labels, ...useWaypointLabels(props.waypoint, this.name) };
    const annotations = marks.value.annotations ? { ...marks.value.annotations } : undefined;
    this.resource = emit(this, 'Resource', { apiVersion: 'v1', kind: 'Namespace', name: this.name, labels, annotations, body: [] },
      () => renderNamespace({ name: this.name, labels, annotations }));
  }
}
