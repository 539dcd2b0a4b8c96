import { Duration } from 'cdk8s';
import { durationString } from '../core/duration';
import { fail, problem } from '../core/errors';
import { checkDnsLabel } from '../core/names';
import { InstallOutputModel } from '../render/install/model';

/** Options of {@link InstallOutput.argoCd}. */
export interface ArgoCdOutputOptions {
  /**
   * The namespace of the Applications (where Argo CD runs).
   * @default 'argocd'
   */
  readonly namespace?: string;
  /**
   * The Argo CD project of the Applications.
   * @default 'default'
   */
  readonly project?: string;
  /**
   * The cluster the charts are installed into.
   * @default 'https://kubernetes.default.svc' - the cluster Argo CD runs in
   */
  readonly server?: string;
}

/** Options of {@link InstallOutput.flux}. */
export interface FluxOutputOptions {
  /**
   * The namespace of the HelmRepository and HelmReleases (where Flux runs).
   * @default 'flux-system'
   */
  readonly namespace?: string;
  /**
   * How often Flux reconciles the releases.
   * @default Duration.minutes(10)
   */
  readonly interval?: Duration;
}

/**
 * How an installation is written: Helm values files with the `helm` commands, an IstioOperator for istioctl, or GitOps
 * objects (Argo CD Applications, Flux HelmReleases) pinned to the chart version. One setting per installation.
 */
export class InstallOutput {
  /**
   * One values file per chart in install order and a README with the exact `helm upgrade --install` commands, in the
   * chart's folder of the output (`<chart file>/README.md`, `<chart file>/values/1-istio-base.yaml`, …). The Pulumi
   * component installs the same releases as `helm.v3.Release`s before the chart's objects.
   */
  public static helm(): InstallOutput {
    return new InstallOutput({ kind: 'helm' });
  }

  /** An IstioOperator for `istioctl install -f` (`<chart file>/istio-operator.yaml`) and a README. Istio only; not under Pulumi. */
  public static istioOperator(): InstallOutput {
    return new InstallOutput({ kind: 'istio-operator' });
  }

  /** One Argo CD Application per chart in the chart's manifests, pinned to the chart version, in sync waves before the workloads. */
  public static argoCd(options: ArgoCdOutputOptions = {}): InstallOutput {
    const namespace = options.namespace ?? 'argocd';
    const err = checkDnsLabel('argoCd.namespace', namespace) ?? checkDnsLabel('argoCd.project', options.project ?? 'default');
    if (err) fail(err);
    const server = options.server ?? 'https://kubernetes.default.svc';
    if (!/^https:\/\/[^\s/]+(\/\S*)?$/.test(server)) {
      fail(problem('argoCd.server', 'must be the https URL of a cluster Argo CD knows', server, 'e.g. \'https://kubernetes.default.svc\''));
    }
    return new InstallOutput({ kind: 'argo-cd', namespace, project: options.project ?? 'default', server });
  }

  /** A Flux HelmRepository and one HelmRelease per chart in the chart's manifests, pinned to the chart version, each depending on the one before. */
  public static flux(options: FluxOutputOptions = {}): InstallOutput {
    const namespace = options.namespace ?? 'flux-system';
    const err = checkDnsLabel('flux.namespace', namespace);
    if (err) fail(err);
    const interval = durationString('flux.interval', options.interval ?? Duration.minutes(10));
    return new InstallOutput({ kind: 'flux', namespace, interval });
  }

  private constructor(/** @internal */ public readonly _model: InstallOutputModel) {}
}
