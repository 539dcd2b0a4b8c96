export { MeshValidationError } from './core/errors';
export * from './core/settings';
export * from './core/suppressions';
export * from './intent';
export * from './hosting/cdk8s';
export * from './render/model';
export * from './legacy';
export * from './analysis';
export * from './schema';
