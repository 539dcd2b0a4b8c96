export * from './mesh-component';
export * from './plan';
