import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';

/** The read-only folder with the upstream reference manifests and pinned CRDs, beside the project. */
export const SHARED_DIR = path.resolve(__dirname, '..', '..', '..', 'shared');

/** Whether ../shared is present (it is in CI; a user's fresh clone has none). */
export const HAS_SHARED = fs.existsSync(path.join(SHARED_DIR, 'reference')) && fs.existsSync(path.join(SHARED_DIR, 'schemas'));

/**
 * `describe` when ../shared is present; otherwise a skipped block that says why, so a skip is
 * visible in the test report and never mistaken for a pass.
 */
export function describeWithShared(name: string, fn: () => void): void {
  if (HAS_SHARED) {
    describe(name, fn);
  } else {
    // eslint-disable-next-line no-console
    console.warn(`SKIPPED '${name}': ${SHARED_DIR} is absent (upstream reference manifests and CRD schemas)`);
    describe.skip(`${name} (SKIPPED: ${SHARED_DIR} is absent; it holds the upstream reference manifests and CRD schemas)`, fn);
  }
}

/** A Kubernetes object as parsed from YAML. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

/** Every object of a multi-document YAML string. */
export function parseObjects(text: string): K8sObject[] {
  return YAML.parseAllDocuments(text)
    .map(d => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null && typeof o === 'object' && typeof o.kind === 'string');
}

/** Every object of a YAML file. */
export function loadObjects(file: string): K8sObject[] {
  return parseObjects(fs.readFileSync(file, 'utf8'));
}

/** Paths of fields in `ours` that `upstream` does not have (not descending into added subtrees). */
export function extraFields(upstream: unknown, ours: unknown, at = ''): string[] {
  if (Array.isArray(upstream) && Array.isArray(ours)) {
    return ours.flatMap((o, i) => extraFields(upstream[i], o, `${at}[${i}]`));
  }
  if (upstream && ours && typeof upstream === 'object' && typeof ours === 'object') {
    const u = upstream as { [k: string]: unknown };
    return Object.entries(ours as { [k: string]: unknown }).flatMap(([k, v]) => {
      const p = at ? `${at}.${k}` : k;
      return k in u ? extraFields(u[k], v, p) : [p];
    }).sort();
  }
  return [];
}
