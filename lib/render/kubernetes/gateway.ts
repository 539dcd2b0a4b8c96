import type { k8s } from 'cdk8s-plus-27';
import { autoscalerSpec, disruptionBudgetSpec } from './scaling';
import { resourcesOf } from '../addons/common';
import { compact } from '../compact';
import { metadataOf } from '../metadata';
import { AutoscalingModel, DisruptionBudgetModel, Manifest, ResourcesModel, TopologySpreadModel } from '../model';
import { intOrString } from '../wire-values';

/** A gateway deployed the way Istio documents ("Deploying a gateway", Kubernetes YAML), as model data. */
export interface GatewayDeploymentModel {
  readonly name: string;
  readonly namespace?: string;
  /** `ingress` (a LoadBalancer by default) or `egress`. */
  readonly kind: 'ingress' | 'egress';
  /** The labels of the pods, which the Deployment, Service, PDB and Istio Gateways select. */
  readonly labels: { readonly [key: string]: string };
  /** The labels that ask for injection: `sidecar.istio.io/inject: "true"`, or `istio.io/rev: <revision>`. */
  readonly injection: { readonly [key: string]: string };
  /** Further pod labels that select nothing (e.g. `istio.io/dataplane-mode: none`). */
  readonly podLabels: { readonly [key: string]: string };
  readonly ports: ReadonlyArray<{ readonly name: string; readonly port: number; readonly targetPort: number }>;
  readonly serviceType: string;
  readonly serviceAnnotations: { readonly [key: string]: string };
  readonly replicas?: number;
  readonly autoscaling?: AutoscalingModel;
  readonly disruptionBudget?: DisruptionBudgetModel;
  readonly resources?: ResourcesModel;
  readonly topologySpread: readonly TopologySpreadModel[];
}

const meta = (g: GatewayDeploymentModel, name = g.name, annotations?: { [key: string]: string }) =>
  metadataOf(name, g.namespace, { ...g.labels }, annotations);

/** The gateway's topology spread constraints, each over its own pods. */
function spreadOf(g: GatewayDeploymentModel): k8s.TopologySpreadConstraint[] {
  return g.topologySpread.map(t => compact({
    topologyKey: t.topologyKey,
    maxSkew: t.maxSkew,
    whenUnsatisfiable: t.whenUnsatisfiable,
    minDomains: t.minDomains,
    labelSelector: { matchLabels: { ...g.labels } },
  }));
}

/** The gateway's ServiceAccount: its identity in the mesh. */
export function renderGatewayServiceAccount(g: GatewayDeploymentModel): Manifest {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(g) };
}

/** The Role that lets the gateway read TLS credentials (Secrets) of its namespace, as Istio's gateway docs grant. */
export function renderGatewaySecretsRole(g: GatewayDeploymentModel): Manifest {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: meta(g, `${g.name}-sds`),
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }],
  };
}

/** Binds the secrets Role to the gateway's ServiceAccount. */
export function renderGatewaySecretsRoleBinding(g: GatewayDeploymentModel): Manifest {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: meta(g, `${g.name}-sds`),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${g.name}-sds` },
    subjects: [{ kind: 'ServiceAccount', name: g.name, ...(g.namespace !== undefined ? { namespace: g.namespace } : {}) }],
  };
}

/**
 * The gateway's Deployment: one `istio-proxy` container with `image: auto`, which Istio's injector (the `gateway`
 * template) replaces with the proxy image of the revision that serves it; non-root, no privilege, every capability
 * dropped (the pods listen on unprivileged ports: the Service maps 80 and 443 to them). The injector adds the container's
 * ports and probes.
 */
export function renderGatewayDeployment(g: GatewayDeploymentModel): Manifest {
  const spec: k8s.DeploymentSpec = {
    replicas: g.autoscaling ? undefined : g.replicas,
    selector: { matchLabels: { ...g.labels } },
    template: {
      metadata: {
        labels: { ...g.labels, ...g.injection, ...g.podLabels },
        annotations: {
          'inject.istio.io/templates': 'gateway',
          'prometheus.io/path': '/stats/prometheus',
          'prometheus.io/port': '15020',
          'prometheus.io/scrape': 'true',
        },
      },
      spec: {
        serviceAccountName: g.name,
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{
          name: 'istio-proxy',
          image: 'auto',
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            privileged: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            runAsUser: 1337,
            runAsGroup: 1337,
          },
          resources: resourcesOf(g.resources),
        }],
        topologySpreadConstraints: g.topologySpread.length === 0 ? undefined : spreadOf(g),
      },
    },
  };
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta(g), spec: compact(spec) };
}

/** The gateway's Service: its ports to the pods' listening ports. */
export function renderGatewayService(g: GatewayDeploymentModel): Manifest {
  const spec: k8s.ServiceSpec = {
    type: g.serviceType,
    selector: { ...g.labels },
    ports: g.ports.map(p => ({ name: p.name, port: p.port, targetPort: intOrString(p.targetPort), protocol: 'TCP' })),
  };
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(g, g.name, Object.keys(g.serviceAnnotations).length > 0 ? { ...g.serviceAnnotations } : undefined),
    spec: compact(spec),
  };
}

/** The gateway's HorizontalPodAutoscaler. */
export function renderGatewayAutoscaler(g: GatewayDeploymentModel): Manifest | undefined {
  return g.autoscaling ? { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta(g), spec: autoscalerSpec(g.name, g.autoscaling) } : undefined;
}

/** The gateway's PodDisruptionBudget. */
export function renderGatewayDisruptionBudget(g: GatewayDeploymentModel): Manifest | undefined {
  return g.disruptionBudget ? { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta(g), spec: disruptionBudgetSpec(g.labels, g.disruptionBudget) } : undefined;
}

/**
 * The values of Istio's `gateway` chart that deploy the same gateway: its revision, scaling, budget, Service, resources
 * and spread (the chart labels the pods `app` and `istio` itself), under the user's `chartValues`.
 */
export function gatewayChartValues(g: GatewayDeploymentModel): { [key: string]: unknown } {
  const a = g.autoscaling;
  return {
    ...(g.injection['istio.io/rev'] !== undefined ? { revision: g.injection['istio.io/rev'] } : {}),
    ...(a ? {
      autoscaling: {
        enabled: true,
        minReplicas: a.minReplicas,
        maxReplicas: a.maxReplicas,
        ...(a.cpuUtilization !== undefined ? { targetCPUUtilizationPercentage: a.cpuUtilization } : {}),
        ...(a.memoryUtilization !== undefined ? { targetMemoryUtilizationPercentage: a.memoryUtilization } : {}),
      },
    } : { autoscaling: { enabled: false }, replicaCount: g.replicas }),
    ...(g.disruptionBudget ? { podDisruptionBudget: { ...g.disruptionBudget } } : {}),
    service: {
      type: g.serviceType,
      ports: g.ports.map(p => ({ name: p.name, port: p.port, protocol: 'TCP', targetPort: p.targetPort })),
      ...(Object.keys(g.serviceAnnotations).length > 0 ? { annotations: { ...g.serviceAnnotations } } : {}),
    },
    ...(Object.keys(g.podLabels).length > 0 ? { labels: { ...g.podLabels } } : {}),
    ...(g.resources ? { resources: g.resources } : {}),
    ...(g.topologySpread.length > 0 ? { topologySpreadConstraints: spreadOf(g) } : {}),
  };
}
