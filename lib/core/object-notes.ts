import { IConstruct } from 'constructs';

/**
 * What a construct knows of an object it emits that the rendered object no longer shows (a gateway route's own matches,
 * once combined with a service's routes), by analysis code: the synth-time analysis reports it on the object. Read
 * lazily, at analysis, so that routes added after the object was emitted count.
 */
const notes = new WeakMap<IConstruct, Map<string, () => readonly ObjectNote[]>>();

/** A note: what is wrong (naming the object's part), where in the object, what is written there, and what to do. @internal */
export interface ObjectNote {
  readonly text: string;
  /** A path from the object's root, e.g. `spec.http[0].match`. */
  readonly field?: string;
  readonly value?: unknown;
  /** One imperative sentence, without a trailing period. */
  readonly fix?: string;
}

/** Registers the notes of `code` about `object`, computed when the analysis asks. @internal */
export function addObjectNotes(object: IConstruct, code: string, found: () => readonly ObjectNote[]): void {
  const byCode = notes.get(object) ?? new Map<string, () => readonly ObjectNote[]>();
  byCode.set(code, found);
  notes.set(object, byCode);
}

/** The notes of `code` about the object `object` emits (none for objects read from YAML). @internal */
export function objectNotes(object: IConstruct | undefined, code: string): readonly ObjectNote[] {
  const found = object ? notes.get(object)?.get(code) : undefined;
  return found ? found() : [];
}
