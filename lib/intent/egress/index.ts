export * from './service-entry';
export * from './egress-network';
