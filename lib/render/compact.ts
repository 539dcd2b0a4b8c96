import * as path from 'path';
import type { k8s } from 'cdk8s-plus-27';

/**
 * Plain wire data from typed render data, in one linear pass: `undefined` values dropped (what YAML
 * and the API server would drop), cdk8s-plus `Quantity` / `IntOrString` values a user gave (autoscaler
 * metrics, say) unwrapped to their values.
 *
 * The Kubernetes renderers build objects with cdk8s-plus-27's generated types (so the compiler checks
 * field names; their own quantities and ports as plain values through `lib/render/wire-values.ts`) and
 * convert with this instead of the generated `toJson_*` functions, which rebuild every object with a
 * quadratic reduce-and-spread. The Istio and Gateway API renderers need no conversion at all: their typed
 * objects are plain data with the wire names (the one Istio exception, `consecutive5xxErrors`, never goes
 * through a typed object).
 */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(compact) as T;
  if (value && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const plus = loadedPlusK8s();
      if (plus && (value instanceof plus.Quantity || value instanceof plus.IntOrString)) return value.value as T;
    }
    const out: { [key: string]: unknown } = {};
    for (const key of Object.keys(value)) {
      const v = (value as { [key: string]: unknown })[key];
      if (v !== undefined) out[key] = compact(v);
    }
    return out as T;
  }
  return value;
}

/**
 * cdk8s-plus-27's Kubernetes types, if the app has loaded them (a `Quantity` can only exist then): the library
 * itself does not load cdk8s-plus, ~35 ms at require.
 */
function loadedPlusK8s(): typeof k8s | undefined {
  if (plusK8sFile === undefined) {
    try {
      plusK8sFile = path.join(path.dirname(require.resolve('cdk8s-plus-27')), 'imports', 'k8s.js');
    } catch {
      plusK8sFile = null;
    }
  }
  return plusK8sFile === null ? undefined : require.cache[plusK8sFile]?.exports as typeof k8s | undefined;
}

/** Where cdk8s-plus-27's Kubernetes types would load from (resolved once), or null when it is not installed. */
let plusK8sFile: string | null | undefined;
