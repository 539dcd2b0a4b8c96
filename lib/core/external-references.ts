import { ApiObject, App, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { MeshValidationError, failAt } from './errors';

/**
 * What an app imports rather than creates (`MeshService.fromAttributes`, `IngressGateway.fromAttributes`): the
 * synth-time analysis of that app counts them as existing. An import is marked as such (a symbol of the process's
 * registry, so that two copies of the package recognise each other's), and the app's analysis finds its imports in
 * the app itself: nothing is recorded for the process, so an import never makes another app's reference acceptable.
 *
 * @module
 */

/** A service or gateway an app imports. @internal */
export interface ExternalReference {
  readonly kind: 'service' | 'gateway';
  /** Its namespace (`*` when not given: whichever namespace the referring object resolves it in). */
  readonly namespace: string;
  readonly name: string;
}

const REFERENCE = Symbol.for('@mesh-kit/core:external-reference');
/**
 * How deep under a construct's fields an unscoped import is looked for: a route's target sits at depth 5 (the route set,
 * its routes, a route, its action, its targets, one target).
 */
const MAX_DEPTH = 8;
/**
 * How many unscoped imports the process has made: while none, no app can hold one and the search for them is skipped
 * (about 250 ms at 1,000 services, where the scoped imports cost about 30 ms, a walk of the construct tree). A count, never a record of what was imported: it changes no app's analysis.
 */
let unscopedImports = 0;

/** Marks `o` as the import of a service or gateway (a construct of the app, or a deprecated unscoped import). @internal */
export function markExternal<T extends object>(o: T, kind: ExternalReference['kind'], namespace: string | undefined, name: string): T {
  if (!Construct.isConstruct(o)) unscopedImports++;
  const reference: ExternalReference = { kind, namespace: namespace ?? '*', name };
  Object.defineProperty(o, REFERENCE, { value: reference, enumerable: false });
  return o;
}

/**
 * The checked import an import construct stands for (`build` checks the attributes): a problem names the construct's
 * path and the factory, as a constructor's does (`[shop/reviews] MeshService.fromAttributes: 'ports' must ...`).
 * @internal
 */
export function importAt<T>(scope: IConstruct, factory: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof MeshValidationError) failAt(scope, `${factory}: ${e.message}`);
    throw e;
  }
}

/** The import `o` stands for, if it is one. @internal */
export function externalReferenceOf(o: unknown): ExternalReference | undefined {
  return o !== null && typeof o === 'object' ? (o as { [REFERENCE]?: ExternalReference })[REFERENCE] : undefined;
}

/**
 * The imports of the app `root` is the root of, as the analysis's externals (`namespace/name`, sorted):
 * - the imports that are constructs of the app (`fromAttributes(scope, id, attrs)`);
 * - the deprecated unscoped imports (`fromAttributes(attrs)`) that the app's constructs hold (a route's target, a
 *   gateway route's gateway): such an import belongs to no app, so it counts in each app that uses it, and in no other.
 *   They are found in the values the app's constructs hold (their fields, and the arrays, maps, sets and plain or
 *   class-built objects under them), never in the objects they render.
 * @internal
 */
export function importsOfApp(root: IConstruct): { services: string[]; gateways: string[] } {
  const found = new Map<string, ExternalReference>();
  const add = (r: ExternalReference) => found.set(`${r.kind} ${r.namespace}/${r.name}`, r);
  const seen = new Set<unknown>();
  // (a construct a value holds is visited as one of the app's, or not at all: it is another app's)
  const visit = (value: unknown, depth: number): void => {
    if (value === null || typeof value !== 'object' || depth > MAX_DEPTH || seen.has(value) || Construct.isConstruct(value)) return;
    seen.add(value);
    const r = externalReferenceOf(value);
    if (r) add(r);
    const children = value instanceof Map ? [...value.keys(), ...value.values()]
      : value instanceof Set || Array.isArray(value) ? [...value] : Object.values(value);
    for (const child of children) visit(child, depth + 1);
  };
  for (const c of root.node.findAll()) {
    const r = externalReferenceOf(c);
    if (r) add(r);
    // the objects a construct renders, the app's and the charts' settings hold no import
    if (unscopedImports === 0 || c instanceof ApiObject || c instanceof Chart || c instanceof App) continue;
    for (const [key, value] of Object.entries(c)) if (key !== 'node') visit(value, 0);
  }
  const of = (kind: ExternalReference['kind']) => [...found.values()].filter(r => r.kind === kind).map(r => `${r.namespace}/${r.name}`).sort();
  return { services: of('service'), gateways: of('gateway') };
}
