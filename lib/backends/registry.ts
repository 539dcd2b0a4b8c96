/**
 * The back-ends, registered in one place, and the one in force at a scope.
 *
 * @module
 */
import { Construct, IConstruct } from 'constructs';
import { BackendName, MeshBackend } from './backend';
import { gatewayApiBackend } from './gateway-api';
import { istioBackend } from './istio';
import { linkerdBackend } from './linkerd';
import { noneBackend } from './none';
import { Problem, failAt, fail, problem } from '../core/errors';
import { MeshProvider, MeshSettings, MeshSettingsProps, TrafficApi } from '../core/settings';

/** Every back-end by its name: a name without an implementation (or one under another name) does not compile. */
export const BACKENDS: { readonly [N in BackendName]: MeshBackend & { readonly name: N } } = {
  'istio': istioBackend,
  'gateway-api': gatewayApiBackend,
  'linkerd': linkerdBackend,
  'none': noneBackend,
};

/** The names of the back-ends, in the registry's order. */
export const BACKEND_NAMES = Object.keys(BACKENDS) as BackendName[];

/** The back-end named `name`; an unknown name (from JavaScript, or a context value) fails, listing the known ones. */
export function backendNamed(name: string): MeshBackend {
  if (typeof name === 'string' && Object.prototype.hasOwnProperty.call(BACKENDS, name)) return BACKENDS[name as BackendName];
  return fail(problem('backend', 'must be one of the registered back-ends', name, `use one of ${BACKEND_NAMES.map(n => `'${n}'`).join(', ')}`));
}

/** The name of the back-end that settings render for: the mesh's, and for Istio the chosen traffic API's. */
export function backendNameOf(s: Pick<Required<MeshSettingsProps>, 'mesh' | 'trafficApi'>): BackendName {
  return nameOf(s) ?? fail(unknownMesh(s.mesh));
}

/** The back-end in force at `scope` (its chart's and app's settings); an unknown mesh fails, naming the scope. */
export function backendAt(scope: IConstruct): MeshBackend {
  const s = MeshSettings.of(scope);
  return BACKENDS[nameOf(s) ?? failAt(scope, unknownMesh(s.mesh))];
}

/** {@link backendNameOf}, undefined for a mesh that is not a MeshProvider (a context value set by hand, JavaScript). */
function nameOf(s: Pick<Required<MeshSettingsProps>, 'mesh' | 'trafficApi'>): BackendName | undefined {
  const mesh: MeshProvider = s.mesh;
  switch (mesh) {
    case MeshProvider.LINKERD: return 'linkerd';
    case MeshProvider.NONE: return 'none';
    case MeshProvider.ISTIO: return s.trafficApi === TrafficApi.GATEWAY_API ? 'gateway-api' : 'istio';
    default: return unlisted(mesh);
  }
}

/** A value outside a closed set: the compiler refuses the call while a member of the set is not handled before it. */
function unlisted(_value: never): undefined {
  return undefined;
}

function unknownMesh(mesh: unknown): Problem {
  return problem('mesh', 'must be a MeshProvider: no back-end renders another mesh', mesh, `use one of ${Object.values(MeshProvider).map(m => `MeshProvider.${m.toUpperCase()}`).join(', ')}`);
}

/** Fails at `scope` with the back-end's refusal, when there is one. */
export function refuse(scope: Construct, refusal: Problem | undefined): void {
  if (refusal !== undefined) failAt(scope, refusal);
}

/** Refuses an ingress gateway or its routes (`what`) in a chart whose mesh has no ingress gateway (Linkerd, none). */
export function failIfNoIngress(scope: Construct, what: string): void {
  refuse(scope, backendAt(scope).ingressProblem(what));
}

/**
 * Refuses an Istio-only construct (`what`: security policies, ServiceEntry…) in a chart rendered for Linkerd or for no
 * mesh, naming what to use under Linkerd instead.
 */
export function failIfNotIstio(scope: Construct, what: string, linkerdFix: string): void {
  refuse(scope, backendAt(scope).istioOnlyProblem(what, linkerdFix));
}

/** Refuses mesh routing or policy (`what`) in a chart rendered for no mesh. */
export function failIfNoMesh(scope: Construct, what: string): void {
  refuse(scope, backendAt(scope).meshProblem(what));
}
