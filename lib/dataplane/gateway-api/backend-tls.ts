import { GATEWAY_GROUP, creationKey } from './objects';
import { referenceAllowed, referrer } from './references';
import { isObj, str } from '../../analysis/context';
import { TrafficDestination } from '../types';
import { ServiceInfo, World, WorldObject } from '../world';

/**
 * TLS a gateway originates to a backend (gateway-api `apis/v1/backendtlspolicy_types.go`): the BackendTLSPolicy whose
 * `targetRefs` name the Service (the one naming the port by `sectionName` before one naming the whole Service; among
 * equals the oldest, then by `{namespace}/{name}`) makes the gateway connect with TLS, sending `validation.hostname` as
 * SNI and checking the backend's certificate against `validation.caCertificateRefs` (core ConfigMaps with a `ca.crt`, in
 * the policy's namespace) or the system's CAs. When every CA reference is invalid the connection fails (a 5xx). The
 * Gateway presents the client certificate of its `spec.tls.backend.clientCertificateRef`. Whether the backend's own
 * certificate matches (its CA, its names) lies in the certificates' contents, which the model does not read.
 */

export type BackendTls = NonNullable<TrafficDestination['backendTls']>;

interface Policy {
  readonly object: WorldObject;
  readonly sectionName?: string;
}

const byService = new WeakMap<World, Map<string, Policy[]>>();

function policiesOf(world: World, service: ServiceInfo): readonly Policy[] {
  let index = byService.get(world);
  if (!index) {
    index = new Map();
    for (const o of world.list(GATEWAY_GROUP, 'BackendTLSPolicy')) {
      const spec = isObj(o.manifest.spec) ? o.manifest.spec : {};
      for (const t of (Array.isArray(spec.targetRefs) ? spec.targetRefs : []).filter(isObj)) {
        if ((str(t.group) !== '' && str(t.group) !== 'core') || str(t.kind) !== 'Service') continue;
        const key = `${o.namespace}/${str(t.name)}`;
        const policy: Policy = { object: o, ...(typeof t.sectionName === 'string' && t.sectionName !== '' ? { sectionName: t.sectionName } : {}) };
        const same = index.get(key);
        if (same) same.push(policy);
        else index.set(key, [policy]);
      }
    }
    for (const list of index.values()) {
      list.sort((a, b) => (creationKey(a.object) !== creationKey(b.object) ? (creationKey(a.object) < creationKey(b.object) ? -1 : 1)
        : a.object.name < b.object.name ? -1 : a.object.name > b.object.name ? 1 : 0));
    }
    byService.set(world, index);
  }
  return index.get(`${service.namespace}/${service.name}`) ?? [];
}

/** Why a policy's validation cannot work (every CA reference invalid, an unknown set of CAs), or undefined. */
function validationProblem(world: World, policy: WorldObject, validation: { readonly [k: string]: unknown }): string | undefined {
  const refs = (Array.isArray(validation.caCertificateRefs) ? validation.caCertificateRefs : []).filter(isObj);
  if (refs.length === 0) {
    const known = validation.wellKnownCACertificates;
    if (known === 'System') return undefined;
    return `Invalid: validation names no caCertificateRefs and wellKnownCACertificates is ${known === undefined ? 'not given' : `'${str(known)}'`}`;
  }
  const problems = refs.map(r => {
    const group = str(r.group) === 'core' ? '' : str(r.group);
    const kind = str(r.kind) || 'ConfigMap';
    const name = str(r.name);
    if (group !== '' || kind !== 'ConfigMap') return `InvalidKind: caCertificateRef ${group || 'core'}/${kind} ${name} is not a ConfigMap`;
    const cm = world.get('', 'ConfigMap', policy.namespace, name);
    if (!cm) return `InvalidCACertificateRef: ConfigMap ${policy.namespace}/${name} is not in the configuration`;
    const data = isObj(cm.manifest.data) ? cm.manifest.data : {};
    return typeof data['ca.crt'] === 'string' && data['ca.crt'].includes('-----BEGIN CERTIFICATE-----') ? undefined
      : `InvalidCACertificateRef: ConfigMap ${policy.namespace}/${name} holds no PEM certificate in ca.crt`;
  });
  return problems.every(p => p !== undefined) ? `NoValidCACertificate: ${problems.join('; ')}` : undefined;
}

/** The client certificate a Gateway presents to backends (`spec.tls.backend.clientCertificateRef`), when it resolves. */
function clientCertificate(world: World, gateway: WorldObject | undefined): string | undefined {
  if (!gateway) return undefined;
  const spec = isObj(gateway.manifest.spec) ? gateway.manifest.spec : {};
  const backend = isObj(spec.tls) && isObj(spec.tls.backend) ? spec.tls.backend : {};
  const ref = isObj(backend.clientCertificateRef) ? backend.clientCertificateRef : undefined;
  if (!ref) return undefined;
  const namespace = str(ref.namespace) || gateway.namespace;
  const name = str(ref.name);
  if ((str(ref.group) !== '' && str(ref.group) !== 'core') || (str(ref.kind) || 'Secret') !== 'Secret') return undefined;
  if (!referenceAllowed(world, referrer(gateway), { group: '', kind: 'Secret', namespace, name })) return undefined;
  return world.get('', 'Secret', namespace, name) ? `${namespace}/${name}` : undefined;
}

/**
 * The TLS the gateway originates to a Service port, and why it cannot (then the connection fails); undefined when no
 * BackendTLSPolicy applies.
 */
export function backendTlsOf(world: World, service: ServiceInfo, port: number | undefined,
  gateway: WorldObject | undefined): { tls: BackendTls; problem?: string } | undefined {
  const policies = policiesOf(world, service);
  if (policies.length === 0) return undefined;
  const portName = service.ports.find(p => p.port === port)?.name;
  const chosen = policies.find(p => p.sectionName !== undefined && p.sectionName === portName) ?? policies.find(p => p.sectionName === undefined);
  if (!chosen) return undefined;
  const spec = isObj(chosen.object.manifest.spec) ? chosen.object.manifest.spec : {};
  const validation = isObj(spec.validation) ? spec.validation : {};
  const sans = (Array.isArray(validation.subjectAltNames) ? validation.subjectAltNames : []).filter(isObj)
    .map(s => (s.type === 'URI' ? str(s.uri) : str(s.hostname))).filter(s => s !== '');
  const client = clientCertificate(world, gateway);
  const tls: BackendTls = {
    sni: str(validation.hostname),
    policy: `${chosen.object.namespace}/${chosen.object.name}`,
    ...(sans.length > 0 ? { subjectAltNames: sans } : {}),
    ...(client !== undefined ? { clientCertificate: client } : {}),
  };
  const problem = validationProblem(world, chosen.object, validation);
  return problem !== undefined ? { tls, problem } : { tls };
}
