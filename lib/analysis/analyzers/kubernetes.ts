import { ServiceSpec } from './types';
import { AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';

const name = (o: AnalyzedObject) => o.manifest.metadata.name;
const istioOnly = (objects: AnalyzedObject[]) => objects.filter(o => o.mesh === 'istio');
const svcSpec = (o: AnalyzedObject) => (o.manifest.spec ?? {}) as ServiceSpec;

/** The protocols Istio reads from a port name's prefix. */
const PROTOCOLS = ['http', 'http2', 'https', 'grpc', 'grpc-web', 'tcp', 'tls', 'mongo', 'mysql', 'redis', 'udp'];

/** The protocol Istio sees on a Service port: `appProtocol`, else the name's prefix, else undefined (sniffed). */
export function portProtocol(p: { name?: string; appProtocol?: string }): string | undefined {
  if (p.appProtocol) return p.appProtocol.toLowerCase();
  const n = (p.name ?? '').toLowerCase();
  return PROTOCOLS.filter(x => n === x || n.startsWith(`${x}-`)).sort((a, b) => b.length - a.length)[0];
}


const namespaceNotInjected: Analyzer = {
  code: 'IST0102',
  name: 'NamespaceNotInjected',
  level: FindingLevel.INFO,
  description: 'a namespace the app creates in an Istio chart has no injection label',
  run: ctx => istioOnly(ctx.of('Namespace')).flatMap(n => {
    const labels = n.manifest.metadata.labels ?? {};
    const system = ['istio-system', 'kube-system', 'kube-public', 'kube-node-lease'].includes(name(n));
    return system || 'istio-injection' in labels || 'istio.io/rev' in labels || labels['istio.io/dataplane-mode'] === 'ambient'
      ? []
      : [{ object: n, message: `Namespace '${name(n)}' is not enabled for Istio injection: label it istio-injection=enabled (MeshNamespace does), or istio-injection=disabled to say it needs none` }];
  }),
};

const multipleServicesProtocols: Analyzer = {
  code: 'IST0116',
  name: 'DeploymentAssociatedToMultipleServices',
  level: FindingLevel.WARNING,
  description: 'a workload is selected by Services that use one port number with different protocols',
  run: ctx => ctx.pods.filter(p => p.object.mesh === 'istio').flatMap(pod => {
    const byPort = new Map<number, Map<string, string[]>>();
    for (const s of ctx.servicesSelecting(pod)) {
      for (const p of svcSpec(s).ports ?? []) {
        if (p.port === undefined) continue;
        const protocols = byPort.get(p.port) ?? new Map<string, string[]>();
        const proto = portProtocol(p) ?? 'auto';
        protocols.set(proto, [...(protocols.get(proto) ?? []), name(s)]);
        byPort.set(p.port, protocols);
      }
    }
    return [...byPort].filter(([, protos]) => protos.size > 1).map(([port, protos]) => ({
      object: pod.object,
      message: `${pod.object.manifest.kind} '${name(pod.object)}' is selected by Services using port ${port} with different protocols: `
        + [...protos].map(([proto, svcs]) => `${svcs.join(', ')} (${proto})`).join('; '),
    }));
  }),
};

const portNaming: Analyzer = {
  code: 'IST0118',
  name: 'PortNameIsNotUnderNamingConvention',
  level: FindingLevel.INFO,
  description: 'a Service port\'s name does not declare its protocol and it has no appProtocol (Istio sniffs the protocol)',
  run: ctx => istioOnly(ctx.of('Service')).flatMap(s => (svcSpec(s).ports ?? []).filter(p => portProtocol(p) === undefined).map(p => ({
    object: s,
    message: `Service '${name(s)}' port ${p.port} is named '${p.name ?? ''}', which does not follow Istio's <protocol>[-<suffix>] convention: name it e.g. 'http-${p.name ?? p.port}' or set appProtocol`,
  }))),
};

const multipleInjectionLabels: Analyzer = {
  code: 'IST0123',
  name: 'NamespaceMultipleInjectionLabels',
  level: FindingLevel.WARNING,
  description: 'a namespace carries both istio-injection and istio.io/rev',
  run: ctx => ctx.of('Namespace').flatMap(n => {
    const labels = n.manifest.metadata.labels ?? {};
    return 'istio-injection' in labels && 'istio.io/rev' in labels
      ? [{ object: n, message: `Namespace '${name(n)}' has both istio-injection=${labels['istio-injection']} and istio.io/rev=${labels['istio.io/rev']}: keep one` }]
      : [];
  }),
};

const conflictingPorts: Analyzer = {
  code: 'IST0137',
  name: 'DeploymentConflictingPorts',
  level: FindingLevel.WARNING,
  description: 'Services selecting one workload send one target port from different ports',
  run: ctx => ctx.pods.filter(p => p.object.mesh === 'istio').flatMap(pod => {
    const byTarget = new Map<string, Map<number, string[]>>();
    for (const s of ctx.servicesSelecting(pod)) {
      for (const p of svcSpec(s).ports ?? []) {
        if (p.port === undefined) continue;
        const target = String(p.targetPort ?? p.port);
        const ports = byTarget.get(target) ?? new Map<number, string[]>();
        ports.set(p.port, [...(ports.get(p.port) ?? []), name(s)]);
        byTarget.set(target, ports);
      }
    }
    return [...byTarget].filter(([, ports]) => ports.size > 1 && new Set([...ports.values()].flat()).size > 1).map(([target, ports]) => ({
      object: pod.object,
      message: `${pod.object.manifest.kind} '${name(pod.object)}' is selected by Services sending target port ${target} from different ports: `
        + [...ports].map(([port, svcs]) => `${svcs.join(', ')} (${port})`).join('; '),
    }));
  }),
};

const uid1337: Analyzer = {
  code: 'IST0144',
  name: 'InvalidApplicationUID',
  level: FindingLevel.WARNING,
  description: 'an application container runs as user 1337, the sidecar\'s own user',
  run: ctx => ctx.pods.filter(p => p.object.mesh === 'istio').flatMap(pod => {
    const found: RawFinding[] = [];
    const podUser = (pod.spec.securityContext as { runAsUser?: number } | undefined)?.runAsUser;
    if (podUser === 1337) {
      found.push({ object: pod.object, message: `${pod.object.manifest.kind} '${name(pod.object)}' runs its pods as user 1337, which is reserved for the Istio sidecar` });
    }
    for (const c of (pod.spec.containers ?? []) as Array<{ name?: string; securityContext?: { runAsUser?: number } }>) {
      if (c.securityContext?.runAsUser === 1337 && c.name !== 'istio-proxy') {
        found.push({ object: pod.object, message: `${pod.object.manifest.kind} '${name(pod.object)}' container '${c.name}' runs as user 1337, which is reserved for the Istio sidecar` });
      }
    }
    return found;
  }),
};

/** The Kubernetes-object checks (Istio charts only, as istioctl analyze applies them to a mesh). */
export const KUBERNETES_ANALYZERS: Analyzer[] = [
  namespaceNotInjected, multipleServicesProtocols, portNaming, multipleInjectionLabels, conflictingPorts, uid1337,
];
