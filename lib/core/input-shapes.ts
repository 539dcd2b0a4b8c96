/** The type of a value a public signature takes, as lib/core/input.ts checks it (generated into `API_SHAPES`). */
export type InputSpec =
  | 'string' | 'number' | 'boolean' | 'any' | 'function' | 'construct' | 'null'
  | { readonly enum: ReadonlyArray<string | number> }
  | { readonly list: InputSpec }
  | { readonly map: InputSpec }
  | { readonly class: string }
  | { readonly type: string }
  | { readonly union: readonly InputSpec[] };

/** A parameter of a public signature. */
export interface InputParam {
  readonly name: string;
  readonly optional?: boolean;
  readonly rest?: boolean;
  readonly spec: InputSpec;
}

/** A props or options type: its fields (required ones listed), or an interface checked for its members. */
export interface InputType {
  readonly fields?: { readonly [name: string]: InputSpec };
  readonly required?: readonly string[];
  /** The first sentence of the doc comment of each required field (the error that says it is missing quotes it). */
  readonly docs?: { readonly [name: string]: string };
  /** The type of keys besides the fields (an index signature), when other keys are allowed. */
  readonly other?: InputSpec;
  readonly interface?: boolean;
  readonly members?: readonly string[];
  /** The members that must be functions. */
  readonly methods?: readonly string[];
  /** The exported classes that implement the interface. */
  readonly implementedBy?: readonly string[];
}

/** Every public signature of the library and the types they take. */
export interface ApiShapes {
  /** `Class.constructor`, `Class.staticMethod`, `Class.prototype.method` → parameters. */
  readonly signatures: { readonly [signature: string]: readonly InputParam[] };
  /** The declared signatures of an overloaded method, in order (`signatures` holds the first). */
  readonly overloads: { readonly [signature: string]: ReadonlyArray<readonly InputParam[]> };
  readonly types: { readonly [name: string]: InputType };
  readonly classes: readonly string[];
}
