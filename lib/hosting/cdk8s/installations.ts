import { IConstruct } from 'constructs';
import { InstallationModel } from '../../render/install/model';
import { Manifest } from '../../render/model';

/** What the synth-time checks know of an installation declared in the app. */
export interface InstallationFacts {
  /** The mesh it installs. */
  readonly mesh: 'istio' | 'linkerd';
  /** The construct path. */
  readonly path: string;
  /** The control-plane namespace. */
  readonly namespace: string;
  /** The Istio revision its istiod serves (`default` without one). */
  readonly revision?: string;
  /** The revision tags it serves besides. */
  readonly revisionTags?: readonly string[];
  /** Whether it installs istio-cni and ztunnel (ambient mode can run). */
  readonly ambient?: boolean;
  /** Whether it installs Istio's base chart (cluster-wide CRDs and webhooks: once per cluster). */
  readonly installsBase?: boolean;
  /** Objects a chart of the installation creates that the analysis reads (the gateway chart's Deployment and Service). */
  readonly chartObjects?: readonly Manifest[];
  /** Istio's effective mesh config (chart defaults, profile, the installation's settings and values). */
  readonly meshConfig?: { readonly [key: string]: unknown };
}

/** A construct that installs a mesh: the hosts write or register its releases, the analysis reads its facts. @internal */
export interface InstallationSource {
  _installation(): { readonly model: InstallationModel; readonly facts: InstallationFacts };
}

const MARK = Symbol.for('@mesh-kit/core.Installation');

/** Marks a construct as an installation. @internal */
export function markInstallation(c: IConstruct & InstallationSource): void {
  Object.defineProperty(c, MARK, { value: true });
}

/** The installation a construct is, or undefined. @internal */
export function installationOf(c: IConstruct): InstallationSource | undefined {
  return (c as unknown as { [MARK]?: boolean })[MARK] === true ? c as unknown as InstallationSource : undefined;
}
