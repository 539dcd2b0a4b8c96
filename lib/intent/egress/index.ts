export * from './service-entry';
