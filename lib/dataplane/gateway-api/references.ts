import { GATEWAY_GROUP } from './objects';
import { isObj, str } from '../../analysis/context';
import { World, WorldObject } from '../world';

/**
 * ReferenceGrants (gateway-api `apis/v1/referencegrant_types.go`): a reference from one namespace to an object in
 * another is allowed only when a ReferenceGrant in the target's namespace lists the referrer's group, kind and namespace
 * in `from`, and the target's group and kind (and name, when it gives one) in `to`. References within a namespace need
 * none.
 */

interface Grant {
  readonly from: ReadonlyArray<{ readonly group: string; readonly kind: string; readonly namespace: string }>;
  readonly to: ReadonlyArray<{ readonly group: string; readonly kind: string; readonly name?: string }>;
}

const cache = new WeakMap<World, Map<string, Grant[]>>();

/** `core` is how some write the core group; the API means `''`. */
const group = (g: unknown): string => (str(g) === 'core' ? '' : str(g));

function grantsIn(world: World, namespace: string): readonly Grant[] {
  let byNs = cache.get(world);
  if (!byNs) {
    byNs = new Map();
    // v1beta1 and v1 are one group: the world keys objects by group and kind
    for (const o of world.list(GATEWAY_GROUP, 'ReferenceGrant')) {
      const spec = isObj(o.manifest.spec) ? o.manifest.spec : {};
      const grant: Grant = {
        from: (Array.isArray(spec.from) ? spec.from : []).filter(isObj)
          .map(f => ({ group: group(f.group), kind: str(f.kind), namespace: str(f.namespace) })),
        to: (Array.isArray(spec.to) ? spec.to : []).filter(isObj).map(t => ({ group: group(t.group), kind: str(t.kind), ...(typeof t.name === 'string' && t.name !== '' ? { name: t.name } : {}) })),
      };
      const same = byNs.get(o.namespace);
      if (same) same.push(grant);
      else byNs.set(o.namespace, [grant]);
    }
    cache.set(world, byNs);
  }
  return byNs.get(namespace) ?? [];
}

/** Whether `from` (an object) may refer to `to` (group, kind, namespace, name). */
export function referenceAllowed(world: World, from: { readonly group: string; readonly kind: string; readonly namespace: string },
  to: { readonly group: string; readonly kind: string; readonly namespace: string; readonly name: string }): boolean {
  if (from.namespace === to.namespace) return true;
  const toGroup = group(to.group);
  return grantsIn(world, to.namespace).some(g =>
    g.from.some(f => f.group === group(from.group) && f.kind === from.kind && f.namespace === from.namespace)
    && g.to.some(t => t.group === toGroup && t.kind === to.kind && (t.name === undefined || t.name === to.name)));
}

/** The referring side of an object, for {@link referenceAllowed}. */
export const referrer = (o: WorldObject, kind = o.kind) => ({ group: o.group, kind, namespace: o.namespace });
