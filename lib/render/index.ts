export * from './model';
export * from './hosts';
export * as istio from './istio';
export * as kubernetes from './kubernetes';
