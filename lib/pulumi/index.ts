import * as component from './mesh-component';
import * as input from './mesh-input';
import * as plan from './plan';
import { guardApi } from '../core/input';

export * from './mesh-component';
export { MeshInput } from './mesh-input';
export * from './resource-options';
export * from './plan';

// every public method checks its arguments at run time (JavaScript callers, JSON-loaded config)
guardApi({ ...component, MeshInput: input.MeshInput, ...plan });
