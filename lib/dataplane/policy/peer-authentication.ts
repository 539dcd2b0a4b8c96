import { ROOT_NAMESPACE } from './identity';
import { isObj, str, strMap } from '../../analysis/context';
import { WorkloadInfo, World, WorldObject, selectsLabels } from '../world';

/** The mutual-TLS mode a workload's port accepts. */
export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

/** The effective PeerAuthentication of a workload's port, and where it comes from. */
export interface PortMtls {
  readonly mode: MtlsMode;
  /** The policy that set the mode; undefined when Istio's default (PERMISSIVE) holds. */
  readonly policy?: WorldObject;
  /** `mesh`, `namespace`, `workload`, `port`, or `default`. */
  readonly scope: 'mesh' | 'namespace' | 'workload' | 'port' | 'default';
}

const MODES: ReadonlySet<string> = new Set(['STRICT', 'PERMISSIVE', 'DISABLE']);

const modeOf = (mtls: unknown): MtlsMode | undefined => {
  const mode = isObj(mtls) ? str(mtls.mode) : '';
  return MODES.has(mode) ? mode as MtlsMode : undefined;
};

interface PaIndex {
  readonly byNamespace: Map<string, WorldObject[]>;
}
const paIndexes = new WeakMap<World, PaIndex>();

function paIndex(world: World): PaIndex {
  let index = paIndexes.get(world);
  if (!index) {
    const byNamespace = new Map<string, WorldObject[]>();
    for (const o of world.list('security.istio.io', 'PeerAuthentication')) {
      const same = byNamespace.get(o.namespace);
      if (same) same.push(o);
      else byNamespace.set(o.namespace, [o]);
    }
    index = { byNamespace };
    paIndexes.set(world, index);
  }
  return index;
}

/**
 * The mutual-TLS mode a workload accepts on a port (its container port), as istiod composes PeerAuthentications: the
 * oldest mesh-wide policy (root namespace, no selector), overridden by the oldest namespace-wide one, overridden by the
 * oldest selecting the workload; a mode left UNSET inherits; `portLevelMtls` of the workload policy decides its ports;
 * nothing at all is PERMISSIVE (istio/istio `pilot/pkg/security/authn/policy_applier.go` `ComposePeerAuthentication`;
 * ztunnel enforces the same modes, `pilot/pkg/serviceregistry/ambient/authorization.go`). "Oldest" is the first applied.
 */
export function peerAuthenticationFor(world: World, workload: WorkloadInfo, port: number | undefined): PortMtls {
  const index = paIndex(world);
  let mesh: WorldObject | undefined;
  let namespace: WorldObject | undefined;
  let workloadPolicy: WorldObject | undefined;
  for (const ns of [...new Set([ROOT_NAMESPACE, workload.namespace])]) {
    for (const pa of index.byNamespace.get(ns) ?? []) {
      const spec = isObj(pa.manifest.spec) ? pa.manifest.spec : {};
      const selector = isObj(spec.selector) ? strMap(spec.selector.matchLabels) : {};
      if (Object.keys(selector).length === 0) {
        if (pa.namespace === ROOT_NAMESPACE) mesh ??= pa;
        else if (pa.namespace === workload.namespace) namespace ??= pa;
      } else if (pa.namespace !== ROOT_NAMESPACE && pa.namespace === workload.namespace && selectsLabels(selector, workload.podLabels)) {
        workloadPolicy ??= pa;
      }
    }
  }
  let result: PortMtls = { mode: 'PERMISSIVE', scope: 'default' };
  const specOf = (o: WorldObject) => (isObj(o.manifest.spec) ? o.manifest.spec : {});
  for (const [policy, scope] of [[mesh, 'mesh'], [namespace, 'namespace'], [workloadPolicy, 'workload']] as const) {
    if (!policy) continue;
    const mode = modeOf(specOf(policy).mtls);
    if (mode) result = { mode, policy, scope };
  }
  if (workloadPolicy && port !== undefined) {
    const portLevel = specOf(workloadPolicy).portLevelMtls;
    if (isObj(portLevel) && String(port) in portLevel) {
      const mode = modeOf(portLevel[String(port)]);
      // an UNSET port inherits the workload's mode
      if (mode) result = { mode, policy: workloadPolicy, scope: 'port' };
    }
  }
  return result;
}

/** `PeerAuthentication shop/default (namespace-wide)`, or Istio's default. */
export function describeMtls(m: PortMtls): string {
  if (!m.policy) return 'no PeerAuthentication applies (Istio\'s default, PERMISSIVE)';
  const where = m.scope === 'mesh' ? 'mesh-wide' : m.scope === 'namespace' ? 'namespace-wide' : m.scope === 'port' ? 'port level' : 'workload';
  return `PeerAuthentication ${m.policy.namespace}/${m.policy.name} (${where}, ${m.mode})`;
}
