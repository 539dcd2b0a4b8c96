export * from './http-route';
export * from './authorization';
