import { ApiObject } from 'cdk8s';
import type { ContainerResources } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { chartValueProblems, gatewayChartSchemaProblems, mergeValues, secretMaterialProblems } from './chart-values';
import { IstioInstallation } from './istio-installation';
import { ProblemLike, failAt, problem } from '../core/errors';
import { constructArgs } from '../core/input';
import { checkDnsLabel, checkLabels, checkPort } from '../core/names';
import { GatewayServiceType, MeshProvider, MeshSettings } from '../core/settings';
import { emitManifest, namespaceOf } from '../hosting/cdk8s/emit';
import { IGatewayDeployment } from '../intent/ingress-gateway';
import { IMeshNamespace } from '../intent/mesh-namespace';
import { HOSTNAME_TOPOLOGY, TopologySpread } from '../intent/pod-options';
import { Autoscaling, DisruptionBudget } from '../intent/scaling';
import { resourcesModelOf } from '../intent/workload';
import {
  GatewayDeploymentModel, gatewayChartValues, renderGatewayAutoscaler, renderGatewayDeployment, renderGatewayDisruptionBudget,
  renderGatewaySecretsRole, renderGatewaySecretsRoleBinding, renderGatewayService, renderGatewayServiceAccount,
} from '../render/kubernetes/gateway';
import { Manifest } from '../render/model';

/** Which way a gateway's traffic goes. */
export enum GatewayKind {
  /** Traffic into the mesh: a LoadBalancer Service by default. */
  INGRESS = 'ingress',
  /** Traffic out of the mesh through one place: a ClusterIP Service. */
  EGRESS = 'egress',
}

/** How a gateway is deployed. */
export enum GatewayDeployment {
  /** Kubernetes objects in the chart's manifests (Istio's "Kubernetes YAML" method), applied after the installation. */
  MANIFESTS = 'manifests',
  /**
   * A release of Istio's `gateway` chart, installed with the installation (its output: a values file and helm command, an
   * Argo CD Application, a Flux HelmRelease, a Pulumi helm Release), its values checked with the chart's values.schema.json.
   */
  HELM_CHART = 'helm-chart',
}

/** One port of a gateway's Service. */
export interface GatewayPortOptions {
  /** The port name (Istio reads the protocol from its prefix: `http2`, `https`, `tcp`, `tls`). */
  readonly name: string;
  /** The Service port. */
  readonly port: number;
  /**
   * The port the gateway pods listen on: what an Istio Gateway's server names.
   * @default - the Service port
   */
  readonly targetPort?: number;
}

/** Props of an {@link IstioGateway}. */
export interface IstioGatewayProps {
  /**
   * Ingress or egress.
   * @default GatewayKind.INGRESS
   */
  readonly kind?: GatewayKind;
  /**
   * The name of the Deployment, Service and ServiceAccount.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The namespace.
   * @default - the chart's namespace; with GatewayDeployment.HELM_CHART in a chart without one, the installation's
   */
  readonly namespace?: IMeshNamespace;
  /**
   * The installation whose istiod injects the gateway: its revision is the pods' `istio.io/rev`.
   * @default - the default revision (`sidecar.istio.io/inject: "true"`)
   */
  readonly installation?: IstioInstallation;
  /**
   * How the gateway is deployed.
   * @default GatewayDeployment.MANIFESTS
   */
  readonly deployment?: GatewayDeployment;
  /**
   * Values of the `gateway` chart over the gateway's own (GatewayDeployment.HELM_CHART only), checked against the chart's
   * defaults and its values.schema.json.
   * @default - none
   */
  readonly chartValues?: { [key: string]: unknown };
  /**
   * The labels of the gateway pods, which Istio Gateways select (GatewayDeployment.MANIFESTS only: the gateway chart labels
   * its pods `app: <name>` and `istio: <name without 'istio-'>`).
   * @default - { app: <name>, istio: 'ingressgateway' } (or 'egressgateway'), as istioctl's gateways
   */
  readonly labels?: { [key: string]: string };
  /**
   * The Service's ports.
   * @default - ingress: status-port 15021, http2 80 → 8080, https 443 → 8443; egress: http2 80 → 8080, https 443 → 8443
   */
  readonly ports?: GatewayPortOptions[];
  /**
   * How the Service is exposed.
   * @default - LoadBalancer for an ingress, ClusterIP for an egress gateway
   */
  readonly serviceType?: GatewayServiceType;
  /**
   * Annotations of the Service (a cloud's load-balancer settings).
   * @default - none
   */
  readonly serviceAnnotations?: { [key: string]: string };
  /**
   * A fixed number of pods (then no autoscaler).
   * @default - autoscaled, see `autoscaling`
   */
  readonly replicas?: number;
  /**
   * The autoscaler.
   * @default Autoscaling.of({ minReplicas: 2, maxReplicas: 5 })
   */
  readonly autoscaling?: Autoscaling;
  /**
   * The PodDisruptionBudget.
   * @default - DisruptionBudget.maxUnavailable(1) with two or more pods, none with one
   */
  readonly disruptionBudget?: DisruptionBudget;
  /**
   * The proxy's resources.
   * @default - the gateway chart's: requests 100m CPU and 128Mi, limits 2 CPUs and 1Gi
   */
  readonly resources?: ContainerResources;
  /**
   * How the pods spread.
   * @default - across nodes (`kubernetes.io/hostname`, ScheduleAnyway) with two or more pods
   */
  readonly topologySpread?: TopologySpread[];
}

const DEFAULT_RESOURCES = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2000m', memory: '1Gi' } };

/**
 * An Istio ingress or egress gateway deployed as Istio recommends (a Deployment with gateway injection, its Service,
 * ServiceAccount and a Role to read TLS credentials), with production defaults: two to five pods, a
 * PodDisruptionBudget, spread across nodes. An {@link IngressGateway} selects it by object (`gateway: ingress`), and
 * the synth-time analysis checks its Gateways' ports against its Service (IST0162).
 *
 * Apply it after the installation: istiod injects the proxy (`image: auto`).
 */
export class IstioGateway extends Construct implements IGatewayDeployment {
  /** The name of the Deployment, Service and ServiceAccount. */
  public readonly name: string;
  /** The namespace. */
  public namespace?: string;
  /** Ingress or egress. */
  public readonly kind: GatewayKind;
  /** The Deployment (escape hatch), unless the gateway chart deploys it. */
  public readonly deployment?: ApiObject;
  /** The Service (escape hatch), unless the gateway chart deploys it. */
  public readonly service?: ApiObject;
  private readonly deploymentMode: GatewayDeployment;
  private model: GatewayDeploymentModel;
  private chartValues: { [key: string]: unknown } = {};

  public constructor(scope: Construct, id: string, props: IstioGatewayProps = {}) {
    super(...constructArgs('IstioGateway', [scope, id, props]));
    if (MeshSettings.of(this).mesh !== MeshProvider.ISTIO) {
      failAt(this, problem('mesh', 'must be Istio for an IstioGateway', MeshSettings.of(this).mesh, 'Linkerd routes ingress through your ingress controller'));
    }
    this.name = props.name ?? id;
    const reject = (p: ProblemLike | undefined) => {
      if (p) failAt(this, p);
    };
    reject(checkDnsLabel(props.name === undefined ? 'name (the construct id)' : 'name', this.name));
    this.namespace = namespaceOf(this, props.namespace?.name);
    this.kind = props.kind ?? GatewayKind.INGRESS;
    const ingress = this.kind === GatewayKind.INGRESS;
    this.deploymentMode = props.deployment ?? GatewayDeployment.MANIFESTS;
    const helm = this.deploymentMode === GatewayDeployment.HELM_CHART;
    if (helm) {
      if (!props.installation) {
        reject(problem('installation', 'must be given for a gateway deployed with the gateway chart: its output installs the chart', 'none',
          'pass the IstioInstallation, or deploy the gateway as GatewayDeployment.MANIFESTS'));
      }
      if (props.labels !== undefined) {
        reject(problem('labels', 'are the gateway chart\'s own (app: <name>, istio: <name without \'istio-\'>)', props.labels,
          'drop labels, or deploy the gateway as GatewayDeployment.MANIFESTS'));
      }
    } else if (props.chartValues !== undefined) {
      reject(problem('chartValues', 'are for a gateway deployed with the gateway chart', props.chartValues, 'set deployment: GatewayDeployment.HELM_CHART'));
    }
    const chartLabels = { app: this.name, istio: this.name.replace(/^istio-/, '') };
    const labels = { ...(props.labels ?? (helm ? chartLabels : { app: this.name, istio: ingress ? 'ingressgateway' : 'egressgateway' })) };
    if (Object.keys(labels).length === 0) reject(problem('labels', 'must hold at least one label for Gateways to select', '{}', 'e.g. { istio: \'ingressgateway\' }'));
    reject(checkLabels('labels', labels));
    const ports = (props.ports ?? [
      ...(ingress ? [{ name: 'status-port', port: 15021, targetPort: 15021 }] : []),
      { name: 'http2', port: 80, targetPort: 8080 },
      { name: 'https', port: 443, targetPort: 8443 },
    ]).map(p => ({ name: p.name, port: p.port, targetPort: p.targetPort ?? p.port }));
    if (ports.length === 0) reject(problem('ports', 'must hold at least one port', '[]'));
    for (const p of ports) {
      reject(checkDnsLabel('ports.name', p.name) ?? checkPort('ports.port', p.port) ?? checkPort('ports.targetPort', p.targetPort));
      if (p.targetPort < 1024 && !helm) {
        reject(problem('ports.targetPort', 'must be 1024 or above: the gateway runs as a non-root user, which cannot bind lower ports', p.targetPort,
          `keep port ${p.port} on the Service and listen on e.g. ${p.targetPort + 8000}`));
      }
    }
    for (const k of ['name', 'port', 'targetPort'] as const) {
      const seen = new Set<unknown>();
      for (const p of ports) {
        if (seen.has(p[k])) reject(problem(`ports.${k}`, 'must be unique within a gateway', p[k], `give each port its own ${k}`));
        seen.add(p[k]);
      }
    }
    if (props.replicas !== undefined && props.autoscaling !== undefined) {
      reject(problem('replicas', 'must not be given with autoscaling: the autoscaler sets the replicas', props.replicas, 'drop one of them'));
    }
    if (props.replicas !== undefined && (!Number.isInteger(props.replicas) || props.replicas < 1)) {
      reject(problem('replicas', 'must be a whole number of at least 1', props.replicas));
    }
    const autoscaling = props.replicas !== undefined ? undefined : (props.autoscaling ?? Autoscaling.of({ minReplicas: 2, maxReplicas: 5 }))._model;
    const pods = autoscaling?.minReplicas ?? props.replicas!;
    const budget = props.disruptionBudget !== undefined ? props.disruptionBudget._model : pods >= 2 ? { maxUnavailable: 1 } : undefined;
    if (budget?.minAvailable !== undefined && typeof budget.minAvailable === 'number' && budget.minAvailable >= pods) {
      reject(problem(autoscaling ? 'autoscaling.minReplicas' : 'replicas',
        `with a PodDisruptionBudget of minAvailable ${budget.minAvailable} blocks every node drain (no gateway pod may ever be evicted)`, pods,
        'run at least two pods (the default), or use DisruptionBudget.maxUnavailable(1)'));
    }
    const revision = props.installation?.revision;
    this.model = {
      name: this.name,
      namespace: this.namespace,
      kind: this.kind,
      labels,
      injection: revision !== undefined ? { 'istio.io/rev': revision } : { 'sidecar.istio.io/inject': 'true' },
      podLabels: props.installation?.ambient ? { 'istio.io/dataplane-mode': 'none' } : {},
      ports,
      serviceType: props.serviceType ?? (ingress ? GatewayServiceType.LOAD_BALANCER : GatewayServiceType.CLUSTER_IP),
      serviceAnnotations: { ...(props.serviceAnnotations ?? {}) },
      replicas: props.replicas,
      autoscaling,
      disruptionBudget: budget,
      resources: props.resources ? resourcesModelOf(props.resources) : DEFAULT_RESOURCES,
      topologySpread: props.topologySpread?.map(t => t._model)
        ?? (pods >= 2 ? [TopologySpread.across(HOSTNAME_TOPOLOGY)._model] : []),
    };
    if (helm) {
      this.namespace ??= props.installation!.namespace;
      this.model = { ...this.model, namespace: this.namespace };
      this.chartValues = { ...(props.chartValues ?? {}) };
      const problems = [
        ...chartValueProblems('gateway', 'chartValues', this.chartValues),
        ...secretMaterialProblems('chartValues', this.chartValues),
        ...gatewayChartSchemaProblems('chartValues', this.values()).filter(x => !/additional properties/.test(x)),
      ];
      reject(problems[0]);
      props.installation!._addGateway(this);
      return;
    }
    const objects: Array<Manifest | undefined> = [
      renderGatewayServiceAccount(this.model),
      renderGatewaySecretsRole(this.model),
      renderGatewaySecretsRoleBinding(this.model),
      renderGatewayDeployment(this.model),
      renderGatewayService(this.model),
      renderGatewayAutoscaler(this.model),
      renderGatewayDisruptionBudget(this.model),
    ];
    const emitted = new Map<string, ApiObject>();
    for (const o of objects) if (o) emitted.set(o.kind, emitManifest(this, o.kind, o));
    this.deployment = emitted.get('Deployment')!;
    this.service = emitted.get('Service')!;
  }

  /** The `gateway` chart's values for this gateway (GatewayDeployment.HELM_CHART). */
  public values(): { [key: string]: unknown } {
    return mergeValues(gatewayChartValues(this.model), this.chartValues);
  }

  /** The objects the gateway chart creates that the analysis reads (its Deployment's pods, its Service). @internal */
  public _chartObjects(): Manifest[] {
    return this.deploymentMode === GatewayDeployment.HELM_CHART ? [renderGatewayDeployment(this.model), renderGatewayService(this.model)] : [];
  }

  /** The labels of the gateway pods (a copy): what an Istio Gateway selects. */
  public get labels(): { [key: string]: string } {
    return { ...this.model.labels };
  }

  /** The Service's ports (copies): `targetPort` is what an Istio Gateway's server names. */
  public get ports(): Array<{ name: string; port: number; targetPort: number }> {
    return this.model.ports.map(p => ({ ...p }));
  }
}
