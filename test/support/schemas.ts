import * as path from 'path';
import { HAS_SHARED, K8sObject, SHARED_DIR } from './shared';
import { SchemaValidation } from '../../lib';
import { Manifest } from '../../lib/render/model';

/**
 * The tests validate with the library's own synth-time schema validation, on by default here:
 * the pinned Istio, Gateway API and Linkerd CRDs of ../shared/schemas (strict fields, CEL rules),
 * core kinds against the kubernetes-models package.
 */
export class SchemaValidator {
  /** A validator for the CRD files under ../shared/schemas (e.g. 'istio-crds.yaml'). */
  public static forSharedCrds(...files: string[]): SchemaValidator {
    return new SchemaValidator(SchemaValidation.fromCrdFiles(...files.map(f => path.join(SHARED_DIR, 'schemas', f))));
  }

  private constructor(private readonly schemas: SchemaValidation) {}

  /** The problems of one object; empty when valid (a kind with no schema at all is a problem here). */
  public validate(obj: K8sObject): string[] {
    const id = `${obj.kind}/${obj.metadata?.name}`;
    const r = this.schemas.validate(obj as unknown as Manifest);
    return r.known ? r.problems.map(p => `${id}: ${p}`) : [`${id}: no schema known for ${obj.apiVersion} ${obj.kind}`];
  }
}

let shared: SchemaValidator | undefined;

/** The validator of the pinned CRDs (one per test file: compiling them takes a second). */
export function sharedValidator(): SchemaValidator {
  shared ??= SchemaValidator.forSharedCrds('istio-crds.yaml', 'gateway-api-crds.yaml', 'linkerd-crds.yaml');
  return shared;
}

/**
 * Expects every object to be valid against the pinned Istio, Gateway API and Linkerd CRDs (and
 * Kubernetes models) when ../shared is present; returns the objects for further assertions.
 */
export function expectSchemaValid<T extends K8sObject>(objects: T[]): T[] {
  if (!HAS_SHARED) return objects;
  expect(objects.flatMap(o => sharedValidator().validate(o))).toStrictEqual([]);
  return objects;
}

let linkerd: SchemaValidator | undefined;

/**
 * Expects every object to be valid against what a Linkerd 2.20 cluster serves: Linkerd's CRDs and the Gateway API
 * v1.2.1 standard CRDs (the release Linkerd 2.20 recommends: it ignores a route with newer fields).
 */
export function expectLinkerdValid<T extends K8sObject>(objects: T[]): T[] {
  if (!HAS_SHARED) return objects;
  linkerd ??= SchemaValidator.forSharedCrds('gateway-api-v1.2.1-standard-crds.yaml', 'linkerd-crds.yaml');
  expect(objects.flatMap(o => linkerd!.validate(o))).toStrictEqual([]);
  return objects;
}
