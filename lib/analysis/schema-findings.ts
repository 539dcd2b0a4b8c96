import { FindingLevel, AnalyzedObject } from './model';
import { AnalyzeOptions } from './run';
import { showValue } from '../core/errors';
import { SchemaValidation } from '../schema';
import { problemParts } from '../schema/problem-parts';

/** Istio's code for an object that does not match its schema. */
const SCHEMA_ERROR = { code: 'IST0106', name: 'SchemaValidationError', level: FindingLevel.ERROR };

/**
 * Validates every object against the schemas: IST0106 findings and the notes of the report (what was validated against
 * what). `variantOf` names, per object, another release its chart targets (see `SchemaValidation.validate`), and why.
 */
export function schemaFindings(objects: readonly AnalyzedObject[], schemas: SchemaValidation,
  variantOf: (o: AnalyzedObject) => { readonly variant: string; readonly why: string } | undefined = () => undefined): Required<Pick<AnalyzeOptions, 'extra' | 'notes'>> {
  const extra: NonNullable<AnalyzeOptions['extra']> = [];
  const unknown = new Set<string>();
  const unsupported = new Set<string>();
  for (const o of objects) {
    const v = variantOf(o);
    const r = schemas.validate(o.manifest, v?.variant);
    if (!r.known) unknown.add(`${o.manifest.apiVersion} ${o.manifest.kind}`);
    r.unsupportedCel.forEach(f => unsupported.add(f));
    for (const p of r.problems) {
      // the field as a path from the object's root, the value written there, the rule in words and what to write instead
      const parts = problemParts(p, o.manifest);
      extra.push({
        analyzer: SCHEMA_ERROR,
        object: o,
        message: `${o.manifest.kind} '${o.manifest.metadata.name}' does not match its schema${v ? ` (${v.why})` : ''}: ${parts.field}: ${parts.rule}`
          + (parts.absent || parts.value === undefined ? '' : `: got ${showValue(parts.value)}`),
        field: parts.field,
        value: parts.value,
        fix: parts.fix,
      });
    }
  }
  const notes = [`schema validation: ${schemas.description}`];
  if (unknown.size > 0) notes.push(`schema validation: no schema for ${[...unknown].sort().join(', ')} (not validated)`);
  if (unsupported.size > 0) notes.push(`schema validation: CEL rules using ${[...unsupported].sort().join(', ')} not evaluated (Kubernetes CEL library functions @bufbuild/cel lacks)`);
  return { extra, notes };
}
