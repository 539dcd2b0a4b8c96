import * as path from 'path';
import { K8sObject, SHARED_DIR } from './shared';
import { SchemaValidation } from '../../lib';
import { Manifest } from '../../lib/render/model';

/**
 * The tests validate with the library's own synth-time schema validation: the pinned schemas generated into the package
 * from ../shared/schemas (Istio, Gateway API, Linkerd CRDs: strict fields, CEL rules; core kinds' shapes), loaded once
 * per kind and shared by every test file — compiling the CRD files took about a second per file. That the generated
 * schemas are the CRD files' is the freshness test's (test/scripts/validators.slow.test.ts).
 */
export class SchemaValidator {
  /** A validator for the CRD files under ../shared/schemas (e.g. 'istio-crds.yaml'): compiled from them, for tests of that path. */
  public static forSharedCrds(...files: string[]): SchemaValidator {
    return new SchemaValidator(SchemaValidation.fromCrdFiles(...files.map(f => path.join(SHARED_DIR, 'schemas', f))));
  }

  /** The pinned schemas; `variant` for another release the package holds (`gateway-api-v1.2.1`: what Linkerd 2.20 reads). */
  public static pinned(variant?: string): SchemaValidator {
    return new SchemaValidator(SchemaValidation.pinned(), variant);
  }

  private constructor(private readonly schemas: SchemaValidation, private readonly variant?: string) {}

  /** The problems of one object; empty when valid (a kind with no schema at all is a problem here). */
  public validate(obj: K8sObject): string[] {
    const id = `${obj.kind}/${obj.metadata?.name}`;
    const r = this.schemas.validate(obj as unknown as Manifest, this.variant);
    return r.known ? r.problems.map(p => `${id}: ${p}`) : [`${id}: no schema known for ${obj.apiVersion} ${obj.kind}`];
  }
}

let shared: SchemaValidator | undefined;

/** The validator of the pinned CRDs. */
export function sharedValidator(): SchemaValidator {
  shared ??= SchemaValidator.pinned();
  return shared;
}

/** Expects every object to be valid against the pinned Istio, Gateway API and Linkerd schemas (and Kubernetes' shapes); returns the objects. */
export function expectSchemaValid<T extends K8sObject>(objects: T[]): T[] {
  expect(objects.flatMap(o => sharedValidator().validate(o))).toStrictEqual([]);
  return objects;
}

let linkerd: SchemaValidator | undefined;

/**
 * Expects every object to be valid against what a Linkerd 2.20 cluster serves: Linkerd's CRDs and the Gateway API
 * v1.2.1 standard CRDs (the release Linkerd 2.20 recommends: it ignores a route with newer fields).
 */
export function expectLinkerdValid<T extends K8sObject>(objects: T[]): T[] {
  linkerd ??= SchemaValidator.pinned('gateway-api-v1.2.1');
  expect(objects.flatMap(o => linkerd!.validate(o))).toStrictEqual([]);
  return objects;
}
