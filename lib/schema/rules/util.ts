/**
 * Small readers shared by the rule files: objects read from YAML are untyped, so every rule reads fields
 * through these and never throws on a wrong shape (the schema reports shapes).
 *
 * @module
 */

/** A JSON object. */
export type Obj = { [key: string]: unknown };

/** The value as an object, or undefined when it is not one. */
export const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Obj : undefined);

/** The value as an array, or empty when it is not one. */
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The value as a string, or undefined. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The spec of an object, or an empty one. */
export const specOf = (o: unknown): Obj => obj(obj(o)?.spec) ?? {};
