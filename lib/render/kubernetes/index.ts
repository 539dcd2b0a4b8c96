export * from './service';
export * from './workload';
