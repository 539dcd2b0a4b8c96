import { HelmReleaseModel } from './model';

/**
 * The Argo Rollouts controller's release, as argoproj/argo-helm's `charts/argo-rollouts` installs it: its CRDs
 * (`installCRDs: true`, the chart's default, kept on uninstall), and when Rollouts route through Gateway API HTTPRoutes
 * the traffic router plugin `argoproj-labs/gatewayAPI` (`controller.trafficRouterPlugins`, a pinned release of
 * argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi, with its checksum when given). The chart's provider RBAC
 * (`providerRBAC.providers.istio`, `.gatewayAPI`) is on by default.
 */
export interface ArgoRolloutsReleaseModel {
  readonly chartVersion: string;
  readonly namespace: string;
  readonly gatewayApiPlugin?: { readonly version: string; readonly sha256?: string };
}

/** The Argo Rollouts controller's Helm release, with mesh-kit's values (the user's are layered over them). */
export function argoRolloutsRelease(m: ArgoRolloutsReleaseModel): HelmReleaseModel {
  const plugin = m.gatewayApiPlugin;
  const own = plugin === undefined ? {} : {
    controller: {
      trafficRouterPlugins: [{
        name: 'argoproj-labs/gatewayAPI',
        location: `https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/${plugin.version}/gatewayapi-plugin-linux-amd64`,
        ...(plugin.sha256 !== undefined ? { sha256: plugin.sha256 } : {}),
      }],
    },
  };
  return {
    name: 'argo-rollouts',
    chart: 'argo-rollouts',
    repoUrl: 'https://argoproj.github.io/argo-helm',
    repoName: 'argo',
    version: m.chartVersion,
    namespace: m.namespace,
    values: own,
  };
}

/**
 * Flagger's release, as fluxcd/flagger's `charts/flagger` and its install guides set it
 * (docs/gitbook/install/flagger-install-on-kubernetes.md, docs/gitbook/tutorials/linkerd-progressive-delivery.md):
 * `meshProvider`, `metricsServer` (the Prometheus the canaries' analysis queries), the CRDs installed by the chart
 * (`crd.create`, off by default: the guide applies crd.yaml by hand, which a GitOps output cannot), and under Linkerd
 * with linkerd-viz the AuthorizationPolicy that lets Flagger reach viz's Prometheus (`linkerdAuthPolicy`).
 */
export interface FlaggerReleaseModel {
  readonly chartVersion: string;
  readonly namespace: string;
  readonly meshProvider: string;
  readonly metricsServer: string;
  /** linkerd-viz's namespace, when Flagger must be allowed to reach its Prometheus. */
  readonly linkerdVizNamespace?: string;
}

/** Flagger's Helm release, with mesh-kit's values (the user's are layered over them). */
export function flaggerRelease(m: FlaggerReleaseModel): HelmReleaseModel {
  const own = {
    crd: { create: true },
    meshProvider: m.meshProvider,
    metricsServer: m.metricsServer,
    ...(m.linkerdVizNamespace !== undefined ? { linkerdAuthPolicy: { create: true, namespace: m.linkerdVizNamespace } } : {}),
  };
  return {
    name: 'flagger',
    chart: 'flagger',
    repoUrl: 'https://flagger.app',
    repoName: 'flagger',
    version: m.chartVersion,
    namespace: m.namespace,
    values: own,
  };
}
