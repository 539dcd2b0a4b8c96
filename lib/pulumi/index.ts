import * as component from './mesh-component';
import * as plan from './plan';
import { guardApi } from '../core/input';

export * from './mesh-component';
export * from './plan';

// every public method checks its arguments at run time (JavaScript callers, JSON-loaded config)
guardApi({ ...component, ...plan });
