export * from './gateway';
export * from './http-route';
export * from './version-service';
export * from './waypoint';
export * from './routes';
export * from './reference-grant';
export * from './backend-tls';
