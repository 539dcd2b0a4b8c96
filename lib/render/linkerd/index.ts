export * from './http-route';
export * from './authorization';
export * from './balancer';
export * from './egress';
export * from './app-protocol';
