export { Mesh } from './mesh';
export type { MeshFromAppOptions } from './mesh';
export * from './types';
