export * from './scaling';
export * from './service';
export * from './workload';
