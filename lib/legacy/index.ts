export * from './linkerd1-router';
