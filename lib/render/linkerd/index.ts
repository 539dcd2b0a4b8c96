export * from './http-route';
