export * from './mesh-chart';
