export * from './authorization-policy';
export * from './peer-authentication';
export * from './request-authentication';
export * from './workload-selector';
