export * from './destination-rule';
export * from './gateway';
export * from './virtual-service';
export * from './authorization-policy';
export * from './security';
export * from './egress';
export * from './sidecar';
