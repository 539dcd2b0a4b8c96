import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { fail, failAt } from '../core/errors';
import { checkDnsLabel } from '../core/names';
import { emit } from '../hosting/cdk8s/emit';
import { renderNamespace } from '../render/kubernetes';

/** A namespace that mesh constructs can live in. */
export interface IMeshNamespace {
  /** The namespace name. */
  readonly name: string;
}

/** How Istio injects sidecars into a namespace's pods. */
export class NamespaceInjection {
  /** Inject with the default revision (`istio-injection: enabled`). */
  public static enabled(): NamespaceInjection {
    return new NamespaceInjection({ 'istio-injection': 'enabled' });
  }

  /** Inject with a named control-plane revision (`istio.io/rev: <revision>`), for canary upgrades of Istio. */
  public static revision(revision: string): NamespaceInjection {
    return new NamespaceInjection({ 'istio.io/rev': revision });
  }

  /** Never inject (`istio-injection: disabled`). */
  public static disabled(): NamespaceInjection {
    return new NamespaceInjection({ 'istio-injection': 'disabled' });
  }

  private constructor(/** @internal */ public readonly _labels: { [key: string]: string }) {}
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
 * into every pod created in it (the `istio-injection` label most tutorials forget).
 */
export class MeshNamespace extends Construct implements IMeshNamespace {
  /** A namespace this app does not create. */
  public static fromName(name: string): IMeshNamespace {
    const err = checkDnsLabel('namespace', name);
    if (err) fail(err);
    return { name };
  }

  public readonly name: string;
  /** The Namespace object (escape hatch). */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: MeshNamespaceProps = {}) {
    super(scope, id);
    this.name = props.name ?? id;
    const err = checkDnsLabel('name', this.name);
    if (err) failAt(this, err);
    const injection = props.injection ?? NamespaceInjection.enabled();
    const labels = { ...(props.labels ?? {}), ...injection._labels };
    this.resource = emit(this, 'Resource', { apiVersion: 'v1', kind: 'Namespace', name: this.name, labels, body: [] }, () => renderNamespace({ name: this.name, labels }));
  }
}
