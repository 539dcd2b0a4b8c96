import { ServiceSpec } from './types';
import { SYSTEM_NAMESPACES, list, nameOf, str } from '../context';
import { AnalysisContext, AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';

const name = nameOf;
const istioOnly = (objects: AnalyzedObject[]) => objects.filter(o => o.mesh === 'istio');
const svcSpec = (o: AnalyzedObject) => (o.manifest.spec ?? {}) as ServiceSpec;

/** The protocols Istio reads from a port name's prefix (before the first `-`), as istio/istio pkg/config/protocol parses them. */
const PROTOCOLS = ['http', 'http_proxy', 'http2', 'https', 'grpc', 'grpc-web', 'tcp', 'tls', 'mongo', 'mysql', 'redis'];

/** The protocol Istio sees on a Service port: `appProtocol`, else the name's prefix, else undefined (sniffed). */
export function portProtocol(p: { name?: string; appProtocol?: string }): string | undefined {
  if (p.appProtocol) return str(p.appProtocol).toLowerCase();
  const n = str(p.name).toLowerCase();
  // the longest protocol the name is or starts with (`grpc-web` before `grpc`)
  let found: string | undefined;
  for (const x of PROTOCOLS) if ((n === x || n.startsWith(`${x}-`)) && (found === undefined || x.length > found.length)) found = x;
  return found;
}

const injectionAnalyzer = 'injection.Analyzer';

/** Istio's injection rule for a namespace: undefined (no label), or whether it is injected. */
function injectorEnablesByDefault(ctx: AnalysisContext, revision: string | undefined): boolean {
  const cmName = revision && revision !== 'default' ? `istio-sidecar-injector-${revision}` : 'istio-sidecar-injector';
  const cm = ctx.of('ConfigMap').find(c => name(c) === cmName);
  const values = (cm?.manifest.data as { values?: string } | undefined)?.values;
  try {
    return values !== undefined && (JSON.parse(values) as { sidecarInjectorWebhook?: { enableNamespacesByDefault?: boolean } })
      .sidecarInjectorWebhook?.enableNamespacesByDefault === true;
  } catch {
    return false;
  }
}

/** The namespaces the injection checks look at: not Istio's system namespaces. */
const userNamespaces = (ctx: AnalysisContext) => istioOnly(ctx.of('Namespace')).filter(n => !SYSTEM_NAMESPACES.has(name(n)));

/** The namespaces that say nothing of the mesh: no istio-injection or istio.io/rev label, not in ambient mode. */
const unlabelled = (ctx: AnalysisContext) => userNamespaces(ctx).filter(n => {
  const labels = n.manifest.metadata.labels ?? {};
  return !('istio-injection' in labels || 'istio.io/rev' in labels || labels['istio.io/dataplane-mode'] === 'ambient');
});

const namespaceNotInjected: Analyzer = {
  analyzer: injectionAnalyzer,
  code: 'IST0102',
  name: 'NamespaceNotInjected',
  level: FindingLevel.INFO,
  description: 'a namespace has no sidecar-injection label (istio-injection, istio.io/rev) and is not in ambient mode',
  run: ctx => (injectorEnablesByDefault(ctx, undefined) ? [] : unlabelled(ctx).map(n => ({
    object: n,
    message: `Namespace '${name(n)}' is not enabled for Istio injection: label it istio-injection=enabled (MeshNamespace does), or istio-injection=disabled to say it needs none`,
  }))),
};

const namespaceInjectedByDefault: Analyzer = {
  analyzer: injectionAnalyzer,
  code: 'IST0148',
  name: 'NamespaceInjectionEnabledByDefault',
  level: FindingLevel.INFO,
  description: 'a namespace without injection labels is injected anyway, because the sidecar injector enables namespaces by default',
  run: ctx => (!injectorEnablesByDefault(ctx, undefined) ? [] : unlabelled(ctx).map(n => ({
    object: n,
    message: `Namespace '${name(n)}' has no injection label but is injected: the sidecar injector enables namespaces by default (sidecarInjectorWebhook.enableNamespacesByDefault)`,
  }))),
};

const multipleInjectionLabels: Analyzer = {
  analyzer: injectionAnalyzer,
  code: 'IST0123',
  name: 'NamespaceMultipleInjectionLabels',
  level: FindingLevel.WARNING,
  description: 'a namespace enrols in the mesh more than one way: istio-injection=enabled, istio.io/rev, ambient mode',
  run: ctx => userNamespaces(ctx).flatMap(n => {
    const labels = n.manifest.metadata.labels ?? {};
    const ways = [
      labels['istio-injection'] !== undefined && labels['istio-injection'] !== 'disabled' ? `istio-injection=${labels['istio-injection']}` : undefined,
      labels['istio-injection'] !== 'disabled' && labels['istio.io/rev'] !== undefined ? `istio.io/rev=${labels['istio.io/rev']}` : undefined,
      labels['istio.io/dataplane-mode'] === 'ambient' ? 'istio.io/dataplane-mode=ambient' : undefined,
    ].filter((w): w is string => w !== undefined);
    return ways.length > 1 ? [{ object: n, message: `Namespace '${name(n)}' enrols in the mesh ${ways.length} ways (${ways.join(', ')}): keep one` }] : [];
  }),
};

const serviceAssociation = 'deployment.ServiceAssociationAnalyzer';

/** The Deployments (in the mesh, not waypoints) and the Services of their namespace that select their pods. */
const meshDeploymentsCache = new WeakMap<AnalysisContext, Array<{ object: AnalyzedObject; services: AnalyzedObject[] }>>();
function meshDeployments(ctx: AnalysisContext): Array<{ object: AnalyzedObject; services: AnalyzedObject[] }> {
  const cached = meshDeploymentsCache.get(ctx);
  if (cached) return cached;
  const found = ctx.pods.filter(p => p.object.mesh === 'istio' && p.object.manifest.kind === 'Deployment' && p.inMesh
    && (p.object.manifest.metadata.labels ?? {})['gateway.istio.io/managed'] !== 'istio.io-mesh-controller')
    .map(p => ({
      object: p.object,
      services: ctx.servicesSelecting(p),
    }));
  meshDeploymentsCache.set(ctx, found);
  return found;
}
const svcName = (ctx: AnalysisContext, s: AnalyzedObject) => `${ctx.namespaceOf(s)}/${name(s)}`;

const multipleServicesProtocols: Analyzer = {
  analyzer: serviceAssociation,
  code: 'IST0116',
  name: 'DeploymentAssociatedToMultipleServices',
  level: FindingLevel.WARNING,
  description: 'a Deployment in the mesh is selected by Services that use one port number with different transport protocols',
  run: ctx => meshDeployments(ctx).flatMap(({ object, services }) => {
    const byPort = new Map<number, Map<string, string[]>>();
    for (const s of services) {
      for (const p of list(svcSpec(s).ports)) {
        if (p?.port === undefined) continue;
        const protocols = byPort.get(p.port) ?? new Map<string, string[]>();
        const proto = p.protocol || 'TCP';
        protocols.set(proto, [...(protocols.get(proto) ?? []), svcName(ctx, s)]);
        byPort.set(p.port, protocols);
      }
    }
    return [...byPort].filter(([, protos]) => protos.size > 1).map(([port, protos]) => ({
      object,
      message: `Deployment '${name(object)}' is selected by Services using port ${port} with different protocols: `
        + [...protos].map(([proto, svcs]) => `${svcs.join(', ')} (${proto})`).join('; '),
    }));
  }),
};

const conflictingPorts: Analyzer = {
  analyzer: serviceAssociation,
  code: 'IST0137',
  name: 'DeploymentConflictingPorts',
  level: FindingLevel.WARNING,
  description: 'Services selecting one Deployment send one target port from different ports',
  run: ctx => meshDeployments(ctx).flatMap(({ object, services }) => {
    const byTarget = new Map<string, Map<number, string>>();
    for (const s of services) {
      for (const p of list(svcSpec(s).ports)) {
        if (p?.port === undefined) continue;
        const target = p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '' ? String(p.port) : String(p.targetPort);
        const ports = byTarget.get(target) ?? new Map<number, string>();
        ports.set(p.port, svcName(ctx, s));
        byTarget.set(target, ports);
      }
    }
    return [...byTarget].filter(([, ports]) => ports.size > 1).map(([target, ports]) => ({
      object,
      message: `Deployment '${name(object)}' is selected by Services sending target port ${target} from different ports: `
        + [...ports].sort(([a], [b]) => a - b).map(([port, svc]) => `${svc} (${port})`).join('; '),
    }));
  }),
};

const portNameAnalyzer = 'service.PortNameAnalyzer';

const portNaming: Analyzer = {
  analyzer: portNameAnalyzer,
  code: 'IST0118',
  name: 'PortNameIsNotUnderNamingConvention',
  level: FindingLevel.INFO,
  description: 'a Service port\'s name does not declare its protocol and it has no appProtocol (Istio sniffs the protocol); system namespaces are skipped',
  run: ctx => istioOnly(ctx.of('Service', '')).filter(s => !SYSTEM_NAMESPACES.has(ctx.namespaceOf(s)) && svcSpec(s).type !== 'ExternalName')
    .flatMap(s => list(svcSpec(s).ports).filter(p => p && portProtocol(p) === undefined).map(p => ({
      object: s,
      message: `Service '${name(s)}' port ${p.port} is named '${p.name ?? ''}', which does not follow Istio's <protocol>[-<suffix>] convention: name it e.g. 'http-${p.name ?? p.port}' or set appProtocol`,
    }))),
};

const externalNamePortName: Analyzer = {
  analyzer: portNameAnalyzer,
  code: 'IST0150',
  name: 'ExternalNameServiceTypeInvalidPortName',
  level: FindingLevel.WARNING,
  description: 'an ExternalName Service port is unnamed, named \'tcp\', or does not declare its protocol: Istio cannot route to it by host',
  run: ctx => istioOnly(ctx.of('Service', '')).filter(s => !SYSTEM_NAMESPACES.has(ctx.namespaceOf(s)) && svcSpec(s).type === 'ExternalName')
    .flatMap(s => list(svcSpec(s).ports).filter(p => p && (portProtocol(p) === undefined || portProtocol(p) === 'tcp')).map(p => ({
      object: s,
      message: `ExternalName Service '${name(s)}' port ${p.port} is named '${p.name ?? ''}': name it after its protocol (e.g. 'https', 'http-web') so that Istio can route by host`,
    }))),
};

const uid1337: Analyzer = {
  analyzer: 'deployment.ApplicationUIDAnalyzer',
  code: 'IST0144',
  name: 'InvalidApplicationUID',
  level: FindingLevel.WARNING,
  description: 'an application container runs as user 1337, the sidecar\'s own user',
  run: ctx => ctx.pods.filter(p => p.object.mesh === 'istio' && ['Pod', 'Deployment'].includes(p.object.manifest.kind)).flatMap(pod => {
    const found: RawFinding[] = [];
    const podUser = (pod.spec.securityContext as { runAsUser?: number } | undefined)?.runAsUser;
    const containers = list(pod.spec.containers as Array<{ name?: string; securityContext?: { runAsUser?: number } }>);
    if (podUser === 1337) {
      found.push({ object: pod.object, message: `${pod.object.manifest.kind} '${name(pod.object)}' runs its pods as user 1337, which is reserved for the Istio sidecar` });
    } else {
      const c = containers.find(x => x?.securityContext?.runAsUser === 1337 && x.name !== 'istio-proxy');
      if (c) found.push({ object: pod.object, message: `${pod.object.manifest.kind} '${name(pod.object)}' container '${c.name}' runs as user 1337, which is reserved for the Istio sidecar` });
    }
    return found;
  }),
};

/** The Kubernetes-object checks (Istio charts only, as istioctl analyze applies them to a mesh). */
export const KUBERNETES_ANALYZERS: Analyzer[] = [
  namespaceNotInjected, namespaceInjectedByDefault, multipleInjectionLabels, multipleServicesProtocols, conflictingPorts, portNaming,
  externalNamePortName, uid1337,
];
