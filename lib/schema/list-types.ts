/**
 * `x-kubernetes-list-type: set` and `map` as the API server enforces them: apiextensions-apiserver
 * `pkg/apiserver/schema/listtype/validation.go` (ValidateListSetsAndMaps), run on the object with its defaults
 * applied. A set's items are unique; a map's items are unique by their `x-kubernetes-list-map-keys` (an item without
 * the key fields has the key "unspecified", and two such items are duplicates). As there, each repeated value is
 * reported once, at its second place; the message also names the first.
 *
 * @module
 */
import { showValue } from '../core/errors';

/** The part of a schema node the list rules read. */
export interface ListTypeSchema {
  readonly 'x-kubernetes-list-type'?: string;
  readonly 'x-kubernetes-list-map-keys'?: readonly string[];
}

const isMap = (v: unknown): v is { readonly [k: string]: unknown } => v !== null && typeof v === 'object' && !Array.isArray(v);

/** JSON with object keys sorted, as Go's json.Marshal of a map (how validateListSet compares compound items). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isMap(v)) return `{${Object.keys(v).sort().map(k => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/**
 * The identity of an item as validateListSet compares them: scalars by type and value (1 and '1' differ), lists and
 * objects by their JSON. `undefined` (an absent key, or a null item of a map) is its own value.
 */
function identity(v: unknown): unknown {
  if (v === undefined) return undefined;
  if (v !== null && typeof v === 'object') return `\u0000${canonical(v)}`;
  return typeof v === 'string' ? `s${v}` : v;
}

/** For each value met again, [first index, second index]: each repeated value once, at its second place. */
function repeats(keys: unknown[]): Array<[number, number]> {
  const first = new Map<unknown, number>();
  const reported = new Set<unknown>();
  const out: Array<[number, number]> = [];
  keys.forEach((k, i) => {
    const id = identity(k);
    const at = first.get(id);
    if (at === undefined) {
      first.set(id, i);
    } else if (!reported.has(id)) {
      reported.add(id);
      out.push([at, i]);
    }
  });
  return out;
}

/** The problems of one list whose schema node declares `x-kubernetes-list-type` set or map, as `<path>: <message>`. */
export function listTypeProblems(schema: ListTypeSchema, list: readonly unknown[], at: string): string[] {
  if (list.length <= 1) return [];
  const type = schema['x-kubernetes-list-type'];
  if (type === 'set') {
    return repeats([...list]).map(([a, b]) => `${at}/${b}: Duplicate value: items ${a} and ${b} of a list-type set are equal: got `
      + `${showValue(list[b])}; keep one of them (API server: listtype.validateListSet)`);
  }
  if (type !== 'map') return [];
  // an item that is not an object is the schema's type error (ajv reports it); the API server then stops there too
  if (list.some(x => x !== null && !isMap(x))) return [];
  const fields = schema['x-kubernetes-list-map-keys'] ?? [];
  const keyOf = (x: unknown): { [k: string]: unknown } => {
    const key: { [k: string]: unknown } = {};
    if (isMap(x)) for (const f of fields) if (x[f] !== undefined) key[f] = x[f];
    return key;
  };
  // one key field: its value, or unspecified; several: the object of those present
  const keys = fields.length === 1 ? list.map(x => (isMap(x) ? x[fields[0]] : undefined)) : list.map(keyOf);
  const named = fields.map(f => `'${f}'`).join(', ');
  return repeats(keys).map(([a, b]) => `${at}/${b}: Duplicate value: items ${a} and ${b} of a list keyed by ${named} (x-kubernetes-list-type: map) `
    + `have the same key: got ${showValue(keyOf(list[b]))}; give each item its own key (API server: listtype.validateListMap)`);
}
