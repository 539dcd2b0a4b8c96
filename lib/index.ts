import * as analysis from './analysis';
import * as errors from './core/errors';
import { guardApi } from './core/input';
import * as settings from './core/settings';
import * as suppressions from './core/suppressions';
import * as dataplane from './dataplane';
import * as hosting from './hosting/cdk8s';
import * as install from './install';
import * as intent from './intent';
import * as legacy from './legacy';
import * as schema from './schema';

export { MeshProblem, MeshProblemFields, MeshValidationError, MeshValidationErrorDetails } from './core/errors';
export * from './core/settings';
export * from './core/suppressions';
export * from './intent';
export * from './install';
export * from './hosting/cdk8s';
// the render model is internal (issue 29): only the plain-data shapes that public signatures carry are published
export type { GatewayServer, Manifest, ObjectMeta, ServiceRef, WireValue } from './render/model';
export type { HelmChartRelease } from './render/install/model';
export * from './legacy';
export * from './analysis';
export * from './dataplane';
export * from './schema';

// every public method and static factory checks its arguments at run time (JavaScript callers, JSON-loaded config)
guardApi({
  MeshValidationError: errors.MeshValidationError,
  ...settings,
  ...suppressions,
  ...intent,
  ...install,
  ...hosting,
  ...legacy,
  ...analysis,
  ...dataplane,
  ...schema,
});
