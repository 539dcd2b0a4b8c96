export * from './schema-validation';
