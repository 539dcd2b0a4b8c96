import * as pulumi from '@pulumi/pulumi';
import { fail, meshError, problem } from '../core/errors';
import { anyTokens, checksFor, newToken, substitute, tokensIn } from '../core/late-values';
import { Manifest } from '../render/model';
import { SchemaValidation } from '../schema';

const outputs = new Map<string, pulumi.Output<string>>();

/**
 * A Pulumi `Input<string>` where a construct takes a string: an image from a `docker.Image`, a namespace from a
 * `k8s.core.v1.Namespace`, a host name from a load balancer, a Secret's name, a value from `config.requireSecret()`.
 *
 * `MeshInput.string(output)` returns a stand-in string (a token) that the constructs carry like any other; the
 * `MeshComponent` replaces it with the resolved value in the inputs of each resource that holds it, so `pulumi preview`
 * sees every resource and the Output's dependencies and secrecy follow it. Checks that need the value (an image
 * pinned, a DNS name, the resource's schema) run once it is known and fail that resource with the library's error;
 * the others run at once.
 *
 * @example
 * const ns = new k8s.core.v1.Namespace('shop', {});
 * const namespace = MeshNamespace.fromName(MeshInput.string(ns.metadata.name));
 * new MeshService(chart, 'web', { namespace, image: MeshInput.string(pulumi.interpolate`ghcr.io/acme/web:${config.require('tag')}`) });
 */
export class MeshInput {
  /** A string known when the program deploys: a plain string is returned as it is. */
  public static string(value: pulumi.Input<string>): string {
    if (typeof value === 'string') return value;
    const promiseLike = value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
    if (!pulumi.Output.isInstance(value) && !promiseLike) {
      fail(problem('value', 'must be a string, a Pulumi Output or a Promise of one', value, 'e.g. MeshInput.string(namespace.metadata.name)'));
    }
    const token = newToken();
    outputs.set(token, pulumi.output(value));
    return token;
  }

  /** The Output behind a token. @internal */
  public static _outputOf(token: string): pulumi.Output<string> | undefined {
    return outputs.get(token);
  }

  private constructor() {}
}

/** The JSON of a string, without its quotes: what a value is inside a JSON text. */
const jsonInner = (s: string) => JSON.stringify(s).slice(1, -1);

/**
 * A resource's inputs: the object as it is when it holds no token; otherwise each top-level field that holds one is an
 * Output of the object with every token replaced by its value, checked first (the checks the constructs deferred, then
 * the object's schema): a check that fails rejects the Output, so the resource fails with the library's error (its
 * construct path, the field, the value, the fix) and is never registered with a half-valid manifest. The Output's
 * dependencies and secrecy carry into every field that uses it.
 * @internal
 */
export function resolvedInputs(manifest: Manifest, path: string, schemas: SchemaValidation): { [key: string]: unknown } {
  if (!anyTokens()) return manifest;
  const text = JSON.stringify(manifest);
  const tokens = tokensIn(text);
  if (tokens.length === 0) return manifest;
  const unknown = tokens.find(t => MeshInput._outputOf(t) === undefined);
  if (unknown !== undefined) {
    fail(problem('value', 'must be a MeshInput of this program', unknown, `'${path}' holds a stand-in string that no MeshInput.string() made here`));
  }
  // the whole object is checked once its values are known; the check's verdict holds no secret, so each field is secret
  // only when a value it holds is
  const checked = pulumi.unsecret(pulumi.all(tokens.map(t => MeshInput._outputOf(t)!)).apply(values => {
    checkResolved(manifest, new Map(tokens.map((t, i) => [t, String(values[i])])), path, schemas);
    return true;
  }));
  return Object.fromEntries(Object.entries(manifest).map(([k, v]) => (tokensIn(JSON.stringify(v)).length === 0 ? [k, v]
    : [k, pulumi.all([checked, resolvedValue(v)]).apply(([, value]) => value)])));
}

/**
 * The object with its tokens replaced by `values`, checked: the checks the constructs deferred for those values, then
 * the object's schema. Throws the library's error naming `path` (the object's construct path). @internal
 */
export function checkResolved(manifest: Manifest, values: ReadonlyMap<string, string>, path: string, schemas: SchemaValidation): Manifest {
  for (const d of checksFor([...values.keys()])) {
    const err = d.check(d.field, substitute(d.template, values));
    if (err) throw meshError([err], { path });
  }
  const m = JSON.parse(substitute(JSON.stringify(manifest), new Map([...values].map(([t, v]) => [t, jsonInner(v)])))) as Manifest;
  const r = schemas.validate(m);
  if (r.problems.length > 0) {
    throw meshError([{ code: 'IST0106', message: `[IST0106] ${m.kind} '${m.metadata.name}' does not match its schema once its inputs resolved: ${r.problems.join('; ')}` }], { path });
  }
  return m;
}

/** Any JSON value with its tokens replaced by their values, as an Output (its dependencies and secrecy included). @internal */
export function resolvedValue<T>(value: T): pulumi.Output<T> {
  const text = JSON.stringify(value);
  const tokens = tokensIn(text);
  if (tokens.length === 0) return pulumi.output(value) as pulumi.Output<T>;
  return pulumi.all(tokens.map(t => MeshInput._outputOf(t) ?? pulumi.output(t))).apply(values =>
    JSON.parse(substitute(text, new Map(tokens.map((t, i) => [t, jsonInner(String(values[i]))])))) as T);
}
