export { Mesh } from './mesh';
export type { MeshFromAppOptions } from './mesh';
export { meshMatchers } from './matchers';
export type { MeshMatchers } from './matchers';
export type { ExpectedDestination, TrafficExpectation } from './expect';
export * from './types';
