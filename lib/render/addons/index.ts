export * from './model';
export { addonLabels } from './common';
export { prometheusConfig, renderPrometheus } from './prometheus';
export { dashboardConfigMapName, downloadScript, grafanaDatasources, grafanaDashboardProviders, grafanaIni, renderGrafana } from './grafana';
export { kialiConfig, kialiRules, renderKiali } from './kiali';
export { jaegerConfig, renderTracing } from './tracing';
export * from './mesh';
