import { ChartValues, mergeValues, secretMaterialProblems, versionProblem } from './chart-values';
import { Problem, ProblemLike, meshError, problem } from '../core/errors';
import { checkDnsLabel } from '../core/names';
import { HelmReleaseModel, argoRolloutsRelease, flaggerRelease } from '../render/install';

/** The Gateway API traffic router plugin of Argo Rollouts (argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi). */
export interface ArgoRolloutsGatewayApiPlugin {
  /** The plugin's release tag, e.g. `v0.8.0`: the controller downloads that release's linux-amd64 binary at start. */
  readonly version: string;
  /**
   * The binary's SHA-256, which the controller checks before loading it.
   * @default - not checked
   */
  readonly sha256?: string;
}

/** Options of {@link ProgressiveDeliveryController.argoRollouts}. */
export interface ArgoRolloutsControllerOptions {
  /** The argo-rollouts Helm chart version (argoproj/argo-helm), pinned, e.g. `2.41.0`. */
  readonly chartVersion: string;
  /**
   * The namespace of the controller.
   * @default 'argo-rollouts'
   */
  readonly namespace?: string;
  /**
   * The Gateway API plugin, which Rollouts that route through HTTPRoutes need (`CanaryDriver.argoRollouts()` under the
   * Gateway API).
   * @default - not installed: Rollouts route through Istio's VirtualService
   */
  readonly gatewayApiPlugin?: ArgoRolloutsGatewayApiPlugin;
  /**
   * Chart values layered over mesh-kit's.
   * @default - none
   */
  readonly values?: { [key: string]: unknown };
}

/** Which traffic API Flagger's canaries use by default (`meshProvider`; a Canary's `spec.provider` overrides it). */
export enum FlaggerMeshProvider {
  /** Istio's VirtualService and DestinationRule. */
  ISTIO = 'istio',
  /** Gateway API `v1` HTTPRoutes (Istio's Gateway API, and Linkerd 2.14 and later). */
  GATEWAY_API = 'gatewayapi:v1',
  /** Gateway API `v1beta1` HTTPRoutes, as Flagger's Linkerd tutorial sets it (docs/gitbook/tutorials/linkerd-progressive-delivery.md). */
  GATEWAY_API_V1BETA1 = 'gatewayapi:v1beta1',
  /** SMI TrafficSplits through Linkerd's SMI extension (linkerd-smi), for Linkerd before the Gateway API. */
  LINKERD_SMI = 'linkerd',
}

/** Options of {@link ProgressiveDeliveryController.flagger}. */
export interface FlaggerControllerOptions {
  /** The flagger Helm chart version (fluxcd/flagger, `https://flagger.app`), pinned, e.g. `1.44.0`. */
  readonly chartVersion: string;
  /**
   * The namespace of the controller.
   * @default - the Istio installation's namespace (Flagger's install guide: `istio-system`); under Linkerd `flagger-system` (its Linkerd tutorial)
   */
  readonly namespace?: string;
  /**
   * The canaries' default traffic API.
   * @default - FlaggerMeshProvider.ISTIO under Istio; FlaggerMeshProvider.GATEWAY_API_V1BETA1 under Linkerd (Flagger's Linkerd tutorial)
   */
  readonly meshProvider?: FlaggerMeshProvider;
  /**
   * The Prometheus the canaries' analysis queries (Flagger's `metricsServer`).
   * @default - the installation's observability add-ons' Prometheus (refused without one)
   */
  readonly metricsServer?: string;
  /**
   * Chart values layered over mesh-kit's.
   * @default - none
   */
  readonly values?: { [key: string]: unknown };
}

/** What an installation tells the controller about itself. @internal */
export interface ControllerContext {
  readonly mesh: 'istio' | 'linkerd';
  /** The mesh installation's namespace. */
  readonly namespace: string;
  /** The observability add-ons' Prometheus, when the installation has them. */
  readonly prometheusUrl?: string;
  /** linkerd-viz's namespace, when the installation installs linkerd-viz. */
  readonly linkerdVizNamespace?: string;
}

/**
 * The controller that carries out self-driving canaries (`CanaryDriver.argoRollouts()`, `CanaryDriver.flagger()`),
 * installed with the mesh by an `IstioInstallation` or `LinkerdInstallation` (`progressiveDelivery`): one more Helm
 * release after the mesh's own (Argo Rollouts and Flagger may both be installed, each driving its own canaries), so that the installation's Helm commands, Argo CD Applications or Flux HelmReleases carry
 * it, pinned like the mesh's charts.
 */
export class ProgressiveDeliveryController {
  /** Argo Rollouts (argoproj/argo-helm's argo-rollouts chart). */
  public static argoRollouts(options: ArgoRolloutsControllerOptions): ProgressiveDeliveryController {
    const problems = commonProblems(options);
    const plugin = options.gatewayApiPlugin;
    if (plugin !== undefined) {
      if (!/^v\d+\.\d+\.\d+$/.test(plugin.version)) {
        problems.push(problem('gatewayApiPlugin.version', 'must be a release tag of the plugin (pinned)', plugin.version, 'e.g. \'v0.8.0\''));
      }
      if (plugin.sha256 !== undefined && !/^[0-9a-f]{64}$/.test(plugin.sha256)) {
        problems.push(problem('gatewayApiPlugin.sha256', 'must be a SHA-256 in 64 lowercase hexadecimal digits', plugin.sha256,
          'take it from the release\'s checksums file'));
      }
    }
    throwIf(problems);
    return new ProgressiveDeliveryController(() => ({
      ...argoRolloutsRelease({ chartVersion: options.chartVersion, namespace: options.namespace ?? 'argo-rollouts', gatewayApiPlugin: plugin }),
    }), options.values);
  }

  /** Flagger (fluxcd/flagger's chart), with `meshProvider` and `metricsServer` from the installation. */
  public static flagger(options: FlaggerControllerOptions): ProgressiveDeliveryController {
    const problems = commonProblems(options);
    if (options.metricsServer !== undefined && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(options.metricsServer)) {
      problems.push(problem('metricsServer', 'must be the http(s) URL of a Prometheus', options.metricsServer, 'e.g. \'http://prometheus.istio-system:9090\''));
    }
    throwIf(problems);
    return new ProgressiveDeliveryController(context => {
      const metricsServer = options.metricsServer ?? context.prometheusUrl;
      if (metricsServer === undefined) {
        return problem('metricsServer', 'must name the Prometheus Flagger\'s analysis queries: the installation has no observability add-ons', 'none',
          'give the installation `observability` (ObservabilityAddons), or set metricsServer');
      }
      return flaggerRelease({
        chartVersion: options.chartVersion,
        namespace: options.namespace ?? (context.mesh === 'istio' ? context.namespace : 'flagger-system'),
        meshProvider: options.meshProvider ?? (context.mesh === 'istio' ? FlaggerMeshProvider.ISTIO : FlaggerMeshProvider.GATEWAY_API_V1BETA1),
        metricsServer,
        // Flagger reaches linkerd-viz's Prometheus only when an AuthorizationPolicy lets it (the Linkerd tutorial's linkerdAuthPolicy.create)
        linkerdVizNamespace: context.mesh === 'linkerd' && metricsServer === context.prometheusUrl ? context.linkerdVizNamespace : undefined,
      });
    }, options.values);
  }

  private constructor(
    private readonly release: (context: ControllerContext) => HelmReleaseModel | Problem,
    private readonly values: ChartValues | undefined,
  ) {}

  /** @internal The controller's release in an installation, or the problem that keeps it out. */
  public _release(context: ControllerContext): HelmReleaseModel | Problem {
    const r = this.release(context);
    return 'chart' in r ? { ...r, values: mergeValues(r.values, this.values) } : r;
  }
}

/**
 * The releases of an installation's controllers (`progressiveDelivery`, in order), and the problems that keep any out:
 * its own (`progressiveDelivery[i].<field>`), or a second controller of the same release (one Argo Rollouts, one Flagger).
 * @internal
 */
export function controllerReleases(controllers: readonly ProgressiveDeliveryController[] | undefined, context: ControllerContext,
): { readonly releases: HelmReleaseModel[]; readonly problems: Problem[] } {
  const releases: HelmReleaseModel[] = [];
  const problems: Problem[] = [];
  for (const [i, c] of (controllers ?? []).entries()) {
    const r = c._release(context);
    if (!('chart' in r)) {
      problems.push(problem(`progressiveDelivery[${i}].${r.field}`, r.rule, r.value, r.fix));
    } else if (releases.some(o => o.name === r.name)) {
      problems.push(problem(`progressiveDelivery[${i}]`, `must install ${r.name} once: a cluster runs one ${r.name} controller for every namespace`, r.name,
        'give each controller once'));
    } else {
      releases.push(r);
    }
  }
  return { releases, problems };
}

/** The options' own problems (their types, and that they are given, are checked by the public call's generated checks). */
function commonProblems(options: { readonly chartVersion: string; readonly namespace?: string; readonly values?: unknown }): ProblemLike[] {
  const problems: ProblemLike[] = [];
  const version = versionProblem('chartVersion', options.chartVersion);
  if (version) problems.push(version);
  if (options.namespace !== undefined) {
    const e = checkDnsLabel('namespace', options.namespace);
    if (e) problems.push(e);
  }
  if (options.values !== undefined) problems.push(...secretMaterialProblems('values', options.values));
  return problems;
}

/** Throws the problems (the public call's name is put before them by its generated checks). */
function throwIf(problems: readonly ProblemLike[]): void {
  if (problems.length > 0) throw meshError(problems, problems.length > 1 ? { header: 'Validation failed with the following errors:' } : {});
}
