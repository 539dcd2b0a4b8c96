/** One Helm release of an installation: a chart at a pinned version, with its values. */
export interface HelmChartRelease {
  /** The release name (`helm install <name>`). */
  readonly name: string;
  /** The chart's name in its repository. */
  readonly chart: string;
  /** The chart repository's URL. */
  readonly repoUrl: string;
  /** The repository's local name (`helm repo add <name> <url>`). */
  readonly repoName: string;
  /** The pinned chart version. */
  readonly version: string;
  /** The namespace the release is installed into (created when missing). */
  readonly namespace: string;
  /** The values, as a values file holds them. */
  readonly values: { readonly [key: string]: unknown };
  /** `helm --set-file` arguments the user supplies from files kept outside Git (`key -> what the file holds`). */
  readonly setFiles?: { readonly [key: string]: string };
}

/** One Helm release, as model data: the public {@link HelmChartRelease}. */
export type HelmReleaseModel = HelmChartRelease;

/** Where an installation is written: files for Helm or istioctl, or GitOps objects. */
export type InstallOutputModel =
  | { readonly kind: 'helm' }
  | { readonly kind: 'istio-operator' }
  | { readonly kind: 'argo-cd'; readonly namespace: string; readonly project: string; readonly server: string }
  | { readonly kind: 'flux'; readonly namespace: string; readonly interval: string };

/** An installation of a mesh's control plane, as model data. */
export interface InstallationModel {
  /** The mesh: what the README and the object names say. */
  readonly mesh: 'istio' | 'linkerd';
  /** A DNS label naming the installation (its Argo CD Applications and Flux objects are prefixed with it). */
  readonly name: string;
  /** The Istio profile, when one was chosen. */
  readonly profile?: string;
  /** The releases, in install order. */
  readonly releases: readonly HelmReleaseModel[];
  /** The output. */
  readonly output: InstallOutputModel;
  /** The IstioOperator `spec`, for `istioctl install -f` (Istio, InstallOutput.istioOperator() only). */
  readonly operatorSpec?: { readonly [key: string]: unknown };
  /** The namespace of the IstioOperator. */
  readonly operatorNamespace?: string;
  /** Lines the README adds after the commands (what to apply next, what is checked). */
  readonly notes: readonly string[];
}
