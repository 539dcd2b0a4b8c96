import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { fail, failAt, problem } from '../core/errors';
import { constructArgs } from '../core/input';
import { checkDnsLabel } from '../core/names';
import { MeshProvider, MeshSettings } from '../core/settings';
import { emit } from '../hosting/cdk8s/emit';
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
  /** Whether the mesh injects its proxy into the namespace's pods (false with `NamespaceInjection.disabled()`). */
  public readonly injectsSidecars: boolean;
  /** The Namespace object (escape hatch). */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: MeshNamespaceProps = {}) {
    super(...constructArgs('MeshNamespace', [scope, id, props]));
    this.name = props.name ?? id;
    const err = checkDnsLabel('name', this.name);
    if (err) failAt(this, err);
    const injection = props.injection ?? NamespaceInjection.enabled();
    this.injectsSidecars = injection._istioLabels['istio-injection'] !== 'disabled';
    const mesh = MeshSettings.of(this).mesh;
    const linkerd = mesh === MeshProvider.LINKERD;
    if (linkerd && !injection._linkerdAnnotations) {
      failAt(this, problem('injection', 'cannot be expressed with the Linkerd back-end (MeshProvider.LINKERD): revisions are Istio\'s',
        Object.values(injection._istioLabels)[0], 'use NamespaceInjection.enabled() or disabled()'));
    }
    const labels = { ...(props.labels ?? {}), ...(mesh === MeshProvider.ISTIO ? injection._istioLabels : {}) };
    const annotations = linkerd ? { ...injection._linkerdAnnotations } : undefined;
    this.resource = emit(this, 'Resource', { apiVersion: 'v1', kind: 'Namespace', name: this.name, labels, annotations, body: [] },
      () => renderNamespace({ name: this.name, labels, annotations }));
  }
}
