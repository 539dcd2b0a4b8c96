import { ServiceSpec } from './types';
import { SYSTEM_NAMESPACES, list, nameOf, str } from '../context';
import { AnalyzedObject, Analyzer, FindingLevel } from '../model';

/*
 * Service port names: Istio's `service` analyzers (istio/istio pkg/config/analysis/analyzers/service/), one file per Istio package.
 */

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

const portNameAnalyzer = 'service.PortNameAnalyzer';

const portNaming: Analyzer = {
  analyzer: portNameAnalyzer,
  code: 'IST0118',
  name: 'PortNameIsNotUnderNamingConvention',
  level: FindingLevel.INFO,
  description: 'a Service port\'s name does not declare its protocol and it has no appProtocol (Istio sniffs the protocol); system namespaces are skipped',
  run: ctx => istioOnly(ctx.of('Service', '')).filter(s => !SYSTEM_NAMESPACES.has(ctx.namespaceOf(s)) && svcSpec(s).type !== 'ExternalName')
    .flatMap(s => list(svcSpec(s).ports).flatMap((p, i) => (p && portProtocol(p) === undefined ? [{
      object: s,
      message: `Service '${name(s)}' port ${p.port} is named '${p.name ?? ''}', which does not follow Istio's <protocol>[-<suffix>] convention`,
      field: `spec.ports[${i}].name`,
      value: p.name ?? null,
      fix: `name it e.g. 'http-${p.name ?? p.port}' or set appProtocol`,
    }] : []))),
};

const externalNamePortName: Analyzer = {
  analyzer: portNameAnalyzer,
  code: 'IST0150',
  name: 'ExternalNameServiceTypeInvalidPortName',
  level: FindingLevel.WARNING,
  description: 'an ExternalName Service port is unnamed, named \'tcp\', or does not declare its protocol: Istio cannot route to it by host',
  run: ctx => istioOnly(ctx.of('Service', '')).filter(s => !SYSTEM_NAMESPACES.has(ctx.namespaceOf(s)) && svcSpec(s).type === 'ExternalName')
    .flatMap(s => list(svcSpec(s).ports).flatMap((p, i) => (p && (portProtocol(p) === undefined || portProtocol(p) === 'tcp') ? [{
      object: s,
      message: `ExternalName Service '${name(s)}' port ${p.port} is named '${p.name ?? ''}'`,
      field: `spec.ports[${i}].name`,
      value: p.name ?? null,
      fix: 'name it after its protocol (e.g. \'https\', \'http-web\') so that Istio can route by host',
    }] : []))),
};

/** Istio's `service` analyzers (Istio charts only, as istioctl analyze applies them to a mesh). */
export const SERVICE_ANALYZERS: Analyzer[] = [portNaming, externalNamePortName];
