import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import * as YAML from 'yaml';
import { HAS_SHARED, K8sObject, SHARED_DIR } from './shared';

/**
 * Validates objects the way the API server does with strict field validation: against the
 * OpenAPI v3 schema of the pinned CRDs (../shared/schemas), with unknown fields rejected; and
 * core Kubernetes objects against the schemas of the `kubernetes-models` package.
 */
export class SchemaValidator {
  /** A validator for the CRD files under ../shared/schemas (e.g. 'istio-crds.yaml'). */
  public static forSharedCrds(...files: string[]): SchemaValidator {
    return new SchemaValidator(files.map(f => path.join(SHARED_DIR, 'schemas', f)));
  }

  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly crds = new Map<string, ValidateFunction>();

  private constructor(crdFiles: string[]) {
    for (const file of crdFiles) {
      for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
        const crd = doc.toJS();
        if (crd?.kind !== 'CustomResourceDefinition') continue;
        for (const v of crd.spec.versions) {
          // apiVersion, kind and metadata are checked by the API server itself, not by the CRD schema:
          // strict below the root only.
          const root = v.schema.openAPIV3Schema;
          const schema = { ...root, properties: Object.fromEntries(Object.entries(root.properties ?? {}).map(([k, p]) => [k, strict(p)])) };
          this.crds.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, this.ajv.compile(schema));
        }
      }
    }
  }

  /** The problems of one object; empty when valid. */
  public validate(obj: K8sObject): string[] {
    const id = `${obj.kind}/${obj.metadata?.name}`;
    const group = obj.apiVersion.includes('/') ? obj.apiVersion : `core/${obj.apiVersion}`;
    const crd = this.crds.get(`${group}/${obj.kind}`);
    if (crd) {
      return crd(obj) ? [] : (crd.errors ?? []).map(e => {
        const extra = (e.params as { additionalProperty?: string }).additionalProperty;
        return `${id}: ${e.instancePath} ${e.message}${extra ? `: '${extra}'` : ''}`;
      });
    }
    return validateCore(obj).map(e => `${id}: ${e}`);
  }
}

/** Rejects unknown fields wherever the schema lists properties and does not preserve unknown fields. */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== 'object') return schema;
  const s: { [k: string]: unknown } = {};
  for (const [k, v] of Object.entries(schema)) {
    s[k] = k === 'properties'
      ? Object.fromEntries(Object.entries(v as object).map(([pk, pv]) => [pk, strict(pv)]))
      : strict(v);
  }
  if (s.properties && !s['x-kubernetes-preserve-unknown-fields'] && s.additionalProperties === undefined) {
    s.additionalProperties = false;
  }
  return s;
}

const CORE_MODELS: { [gvk: string]: string } = {
  'v1/Service': 'kubernetes-models/v1/Service',
  'v1/ServiceAccount': 'kubernetes-models/v1/ServiceAccount',
  'v1/Namespace': 'kubernetes-models/v1/Namespace',
  'v1/ConfigMap': 'kubernetes-models/v1/ConfigMap',
  'apps/v1/Deployment': 'kubernetes-models/apps/v1/Deployment',
  'apps/v1/DaemonSet': 'kubernetes-models/apps/v1/DaemonSet',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding',
};

function validateCore(obj: K8sObject): string[] {
  const mod = CORE_MODELS[`${obj.apiVersion}/${obj.kind}`];
  if (!mod) {
    return [`no schema known for ${obj.apiVersion} ${obj.kind}`];
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Model = require(mod)[obj.kind] as new (o: unknown) => { validate(): void };
  try {
    new Model(obj).validate();
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}

let shared: SchemaValidator | undefined;

/**
 * Expects every object to be valid against the pinned Istio and Gateway API CRDs (and Kubernetes
 * models) when ../shared is present; returns the objects for further assertions.
 */
export function expectSchemaValid<T extends K8sObject>(objects: T[]): T[] {
  if (!HAS_SHARED) return objects;
  shared ??= SchemaValidator.forSharedCrds('istio-crds.yaml', 'gateway-api-crds.yaml', 'linkerd-crds.yaml');
  expect(objects.flatMap(o => shared!.validate(o))).toStrictEqual([]);
  return objects;
}
