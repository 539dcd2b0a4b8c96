export * from './addon-options';
export * from './grafana-dashboard';
export * from './observability-addons';
