import { ServiceSpec } from './types';
import { list, nameOf } from '../context';
import { AnalysisContext, AnalyzedObject, Analyzer, FindingLevel, RawFinding } from '../model';

/*
 * Deployments, their Services and their pods: Istio's `deployment` analyzers (istio/istio pkg/config/analysis/analyzers/deployment/), one file per Istio package.
 */

const name = nameOf;
const svcSpec = (o: AnalyzedObject) => (o.manifest.spec ?? {}) as ServiceSpec;

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
/** The labels of a Deployment's pods: what the Services select it by. */
const templateLabels = (o: AnalyzedObject): unknown =>
  (o.manifest.spec as { template?: { metadata?: { labels?: unknown } } } | undefined)?.template?.metadata?.labels ?? {};
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
      field: 'spec.template.metadata.labels',
      value: templateLabels(object),
      fix: `give port ${port} one protocol in every Service that selects Deployment '${name(object)}', or use another port number for `
        + `${[...protos].slice(1).map(([proto]) => proto).join(', ')}`,
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
    return [...byTarget].filter(([, ports]) => ports.size > 1).map(([target, ports]) => {
      const sorted = [...ports].sort(([a], [b]) => a - b);
      return {
        object,
        message: `Deployment '${name(object)}' is selected by Services sending target port ${target} from different ports: `
          + sorted.map(([port, svc]) => `${svc} (${port})`).join('; '),
        field: 'spec.template.metadata.labels',
        value: templateLabels(object),
        fix: `send target port ${target} from one port (e.g. ${sorted[0][0]}) in every Service that selects Deployment '${name(object)}', `
          + `or give ${sorted.slice(1).map(([, svc]) => svc).join(', ')} another target port`,
      };
    });
  }),
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
    const at = pod.template ? 'spec.template.spec' : 'spec';
    const what = `${pod.object.manifest.kind} '${name(pod.object)}'`;
    const fix = 'run it as another user (a UID other than 1337, the sidecar\'s): change runAsUser, or remove it to run as the image\'s user';
    if (podUser === 1337) {
      found.push({ object: pod.object, message: `${what} runs its pods as user 1337, which is reserved for the Istio sidecar`, field: `${at}.securityContext.runAsUser`, value: 1337, fix });
    } else {
      const i = containers.findIndex(x => x?.securityContext?.runAsUser === 1337 && x.name !== 'istio-proxy');
      if (i >= 0) {
        found.push({
          object: pod.object,
          message: `${what} container '${containers[i].name}' runs as user 1337, which is reserved for the Istio sidecar`,
          field: `${at}.containers[${i}].securityContext.runAsUser`,
          value: 1337,
          fix,
        });
      }
    }
    return found;
  }),
};

/** Istio's `deployment` analyzers (Istio charts only). */
export const DEPLOYMENT_ANALYZERS: Analyzer[] = [multipleServicesProtocols, conflictingPorts, uid1337];
