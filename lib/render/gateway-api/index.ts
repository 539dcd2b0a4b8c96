export * from './gateway';
export * from './http-route';
export * from './version-service';
export * from './waypoint';
