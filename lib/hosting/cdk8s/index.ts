export * from './mesh-chart';
export * from './mesh-app';
