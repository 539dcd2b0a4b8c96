export * from './install-output';
export * from './mesh-config';
export * from './istio-installation';
export * from './istio-gateway';
export * from './linkerd-installation';
export { LinkerdAccessLogFormat, LinkerdLogFormat, LinkerdLogLevel, LinkerdProxyLogLevel, LinkerdProxyOptions, LinkerdProxyWorkers } from './linkerd-settings';
export * from './progressive-delivery';
