import { k8s } from 'cdk8s-plus-27';

/**
 * Plain wire data from typed render data, in one linear pass: `undefined` values dropped (what YAML
 * and the API server would drop), cdk8s-plus `Quantity` / `IntOrString` unwrapped to their values.
 *
 * The Kubernetes renderers build objects with cdk8s-plus-27's generated types (so the compiler checks
 * field names) and convert with this instead of the generated `toJson_*` functions, which rebuild
 * every object with a quadratic reduce-and-spread. The Istio and Gateway API renderers need no
 * conversion at all: their typed objects are plain data with the wire names (the one Istio
 * exception, `consecutive5xxErrors`, never goes through a typed object).
 */
export function compact<T>(value: T): T {
  if (value instanceof k8s.Quantity || value instanceof k8s.IntOrString) {
    return value.value as T;
  }
  if (Array.isArray(value)) return value.map(compact) as T;
  if (value && typeof value === 'object') {
    const out: { [key: string]: unknown } = {};
    for (const key of Object.keys(value)) {
      const v = (value as { [key: string]: unknown })[key];
      if (v !== undefined) out[key] = compact(v);
    }
    return out as T;
  }
  return value;
}
