import type { k8s } from 'cdk8s-plus-27';
import { AddonsModel } from './model';
import { compact } from '../compact';
import { metadataOf } from '../metadata';
import { Manifest, ResourcesModel } from '../model';
import { intOrString, quantity } from '../wire-values';

/** The labels of every object of one add-on; `app` alone selects its pods. */
export function addonLabels(app: string): { [key: string]: string } {
  return { 'app': app, 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': 'mesh-kit-observability' };
}

/** What a pod of an add-on is. */
export interface AddonPod {
  readonly app: string;
  readonly serviceAccountName?: string;
  readonly containers: k8s.Container[];
  readonly initContainers?: k8s.Container[];
  readonly volumes?: k8s.Volume[];
  readonly annotations?: { [key: string]: string };
  /** The user (and group) the containers run as: never root. */
  readonly runAsUser: number;
  /** The Deployment strategy; `Recreate` for single-writer storage. */
  readonly recreate?: boolean;
  /** Mount the Kubernetes API token (only for add-ons that read the API: Prometheus, Kiali). */
  readonly apiToken?: boolean;
}

/**
 * The hardening of every add-on container: the "restricted" Pod Security Standard, with the user
 * and group set explicitly so that the kubelet can check `runAsNonRoot` whatever the image declares.
 */
export function restrictedContainer(readOnlyRootFilesystem: boolean): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: readOnlyRootFilesystem || undefined,
  };
}

/** Kubernetes quantities from the model's strings. */
export function resourcesOf(r: ResourcesModel | undefined): k8s.ResourceRequirements | undefined {
  if (!r) return undefined;
  const q = (x: { cpu?: string; memory?: string } | undefined) => {
    if (!x) return undefined;
    const out: { [key: string]: k8s.Quantity } = {};
    if (x.cpu !== undefined) out.cpu = quantity(x.cpu);
    if (x.memory !== undefined) out.memory = quantity(x.memory);
    return out;
  };
  return { requests: q(r.requests), limits: q(r.limits) };
}

/**
 * The pod template's injection marker: the add-ons run outside the mesh, as Istio's samples do
 * (Prometheus scrapes sidecars in plain text; the gateway reaches them with `tls: DISABLE`).
 */
function injection(m: AddonsModel): { labels: { [k: string]: string }; annotations: { [k: string]: string } } {
  return m.mesh === 'istio'
    ? { labels: { 'sidecar.istio.io/inject': 'false' }, annotations: {} }
    : { labels: {}, annotations: { 'linkerd.io/inject': 'disabled' } };
}

/** The Deployment of one add-on: one replica, hardened pod, not injected. */
export function addonDeployment(m: AddonsModel, pod: AddonPod, name = pod.app): Manifest {
  const labels = addonLabels(pod.app);
  const inj = injection(m);
  const annotations = { ...pod.annotations, ...inj.annotations };
  const spec: k8s.DeploymentSpec = {
    replicas: 1,
    selector: { matchLabels: { app: pod.app } },
    strategy: pod.recreate ? { type: 'Recreate' } : undefined,
    template: {
      metadata: {
        labels: { ...labels, ...inj.labels },
        annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
      },
      spec: {
        serviceAccountName: pod.serviceAccountName,
        automountServiceAccountToken: pod.apiToken ? true : false,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: pod.runAsUser,
          runAsGroup: pod.runAsUser,
          fsGroup: pod.runAsUser,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        initContainers: pod.initContainers,
        containers: pod.containers,
        volumes: pod.volumes,
      },
    },
  };
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: metadataOf(name, m.namespace, labels), spec: compact(spec) };
}

/** One port of an add-on Service. */
export interface AddonServicePort {
  readonly name: string;
  readonly port: number;
  readonly targetPort?: number;
  /** The application protocol, for ports whose name does not say it (Istio reads it). */
  readonly appProtocol?: string;
}

/** A ClusterIP Service selecting the pods of `app`. */
export function addonService(m: AddonsModel, name: string, app: string, ports: AddonServicePort[]): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadataOf(name, m.namespace, addonLabels(app)),
    spec: {
      type: 'ClusterIP',
      selector: { app },
      ports: ports.map(p => ({ name: p.name, port: p.port, protocol: 'TCP', targetPort: p.targetPort ?? p.port, ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) })),
    },
  };
}

/** The ServiceAccount of an add-on: it mounts no API token unless its pod asks for one. */
export function addonServiceAccount(m: AddonsModel, app: string): Manifest {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadataOf(app, m.namespace, addonLabels(app)), automountServiceAccountToken: false };
}

/** A ConfigMap of an add-on. */
export function addonConfigMap(m: AddonsModel, name: string, app: string, data: { [file: string]: string }): Manifest {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadataOf(name, m.namespace, addonLabels(app)), data };
}

/** One rule of a ClusterRole, with the wire names (`nonResourceURLs`). */
export interface PolicyRule {
  readonly apiGroups?: string[];
  readonly resources?: string[];
  readonly nonResourceURLs?: string[];
  readonly verbs: string[];
}

/** A ClusterRole of an add-on and its binding to the add-on's ServiceAccount. */
export function addonClusterRbac(m: AddonsModel, app: string, rules: PolicyRule[]): Manifest[] {
  const rbac = 'rbac.authorization.k8s.io';
  return [
    { apiVersion: `${rbac}/v1`, kind: 'ClusterRole', metadata: metadataOf(app, undefined, addonLabels(app)), rules },
    {
      apiVersion: `${rbac}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: metadataOf(app, undefined, addonLabels(app)),
      roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: app },
      subjects: [{ kind: 'ServiceAccount', name: app, namespace: m.namespace }],
    },
  ];
}

/** An HTTP GET probe. */
export function httpProbe(path: string, port: number | string, extra: Partial<k8s.Probe> = {}): k8s.Probe {
  return { httpGet: { path, port: intOrString(port) }, ...extra };
}
