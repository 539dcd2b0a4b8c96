export * from './mesh-chart';
export * from './mesh-app';
export * from './render-app';
export * from './analysis';
export * from './validation-plugin';
