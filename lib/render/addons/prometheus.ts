import { Yaml } from 'cdk8s';
import {
  PolicyRule, addonClusterRbac, addonConfigMap, addonDeployment, addonService, addonServiceAccount, httpProbe, resourcesOf, restrictedContainer,
} from './common';
import { ADDON_NAMES, ADDON_PORTS, AddonsModel, PrometheusModel } from './model';
import { Manifest } from '../model';

type ScrapeConfig = { [key: string]: unknown };

/** Keeps targets whose `source_labels` joined by `;` match `regex`. */
const keep = (sourceLabels: string[], regex: string) => ({ source_labels: sourceLabels, action: 'keep', regex });

/** The labels every pod target carries: its namespace and pod name. */
const POD_LABELS = [
  { source_labels: ['__meta_kubernetes_namespace'], action: 'replace', target_label: 'namespace' },
  { source_labels: ['__meta_kubernetes_pod_name'], action: 'replace', target_label: 'pod' },
];

/** Pods that ask to be scraped with the `prometheus.io/scrape|port|path` annotations (Istio merges its sidecar's metrics behind them). */
function annotatedPods(): ScrapeConfig {
  const ann = (a: string) => `__meta_kubernetes_pod_annotation_prometheus_io_${a}`;
  return {
    job_name: 'kubernetes-pods',
    honor_labels: true,
    kubernetes_sd_configs: [{ role: 'pod' }],
    relabel_configs: [
      keep([ann('scrape')], 'true'),
      { source_labels: [ann('scheme')], action: 'replace', regex: '(https?)', target_label: '__scheme__' },
      { source_labels: [ann('path')], action: 'replace', regex: '(.+)', target_label: '__metrics_path__' },
      { source_labels: [ann('port'), '__meta_kubernetes_pod_ip'], action: 'replace', regex: '(\\d+);(([A-Fa-f0-9]{1,4}::?){1,7}[A-Fa-f0-9]{1,4})', replacement: '[$2]:$1', target_label: '__address__' },
      { source_labels: [ann('port'), '__meta_kubernetes_pod_ip'], action: 'replace', regex: '(\\d+);((([0-9]+?)(\\.|$)){4})', replacement: '$2:$1', target_label: '__address__' },
      { action: 'labelmap', regex: '__meta_kubernetes_pod_label_(.+)' },
      ...POD_LABELS,
      { source_labels: ['__meta_kubernetes_pod_phase'], action: 'drop', regex: 'Pending|Succeeded|Failed|Completed' },
    ],
  };
}

/** Istio: istiod's monitoring port and every Envoy's stats port, besides the annotated pods. */
function istioJobs(m: AddonsModel): ScrapeConfig[] {
  return [
    {
      job_name: 'istiod',
      kubernetes_sd_configs: [{ role: 'endpoints', namespaces: { names: [m.istioRootNamespace] } }],
      relabel_configs: [keep(['__meta_kubernetes_service_name', '__meta_kubernetes_endpoint_port_name'], 'istiod;http-monitoring')],
    },
    {
      job_name: 'envoy-stats',
      metrics_path: '/stats/prometheus',
      kubernetes_sd_configs: [{ role: 'pod' }],
      relabel_configs: [
        keep(['__meta_kubernetes_pod_container_port_name'], '.*-envoy-prom'),
        { action: 'labelmap', regex: '__meta_kubernetes_pod_label_(.+)' },
        ...POD_LABELS,
      ],
    },
  ];
}

/** Linkerd: the control plane's admin ports and every proxy's `linkerd-admin` port (what linkerd-viz's own Prometheus scrapes). */
function linkerdJobs(m: AddonsModel): ScrapeConfig[] {
  const ns = m.linkerdNamespaces;
  return [
    {
      job_name: 'linkerd-controller',
      kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [ns.controlPlane, ns.viz] } }],
      relabel_configs: [
        keep(['__meta_kubernetes_pod_container_port_name'], 'admin-http'),
        { source_labels: ['__meta_kubernetes_pod_container_name'], action: 'replace', target_label: 'component' },
      ],
    },
    {
      job_name: 'linkerd-proxy',
      kubernetes_sd_configs: [{ role: 'pod' }],
      relabel_configs: [
        keep(['__meta_kubernetes_pod_container_name', '__meta_kubernetes_pod_container_port_name', '__meta_kubernetes_pod_label_linkerd_io_control_plane_ns'],
          `^linkerd-proxy;linkerd-admin;${ns.controlPlane}$`),
        { source_labels: ['__meta_kubernetes_namespace'], action: 'replace', target_label: 'namespace' },
        { source_labels: ['__meta_kubernetes_pod_name'], action: 'replace', target_label: 'pod' },
        { source_labels: ['__meta_kubernetes_pod_label_linkerd_io_proxy_job'], action: 'replace', target_label: 'k8s_job' },
        { action: 'labeldrop', regex: '__meta_kubernetes_pod_label_linkerd_io_proxy_job' },
        { action: 'labelmap', regex: '__meta_kubernetes_pod_label_linkerd_io_proxy_(.+)' },
        { action: 'labeldrop', regex: '__meta_kubernetes_pod_label_linkerd_io_proxy_(.+)' },
        { action: 'labelmap', regex: '__meta_kubernetes_pod_label_linkerd_io_(.+)' },
        { action: 'labelmap', regex: '__meta_kubernetes_pod_label_(.+)', replacement: '__tmp_pod_label_$1' },
        { action: 'labelmap', regex: '__tmp_pod_label_linkerd_io_(.+)', replacement: '__tmp_pod_label_$1' },
        { action: 'labeldrop', regex: '__tmp_pod_label_linkerd_io_(.+)' },
        { action: 'labelmap', regex: '__tmp_pod_label_(.+)' },
      ],
    },
  ];
}

/** `prometheus.yml`: the mesh's own jobs, the annotated pods and Prometheus itself. */
export function prometheusConfig(m: AddonsModel, p: PrometheusModel): string {
  return Yaml.stringify({
    global: { scrape_interval: p.scrapeInterval, evaluation_interval: '1m' },
    scrape_configs: [
      ...(m.mesh === 'istio' ? istioJobs(m) : linkerdJobs(m)),
      annotatedPods(),
      { job_name: 'prometheus', static_configs: [{ targets: [`localhost:${ADDON_PORTS.prometheus}`] }] },
    ],
  });
}

/** Prometheus reads targets from the API: pods, endpoints, services, nodes' metrics; nothing else, never writes. */
const PROMETHEUS_RULES: PolicyRule[] = [
  { apiGroups: [''], resources: ['nodes', 'nodes/metrics', 'services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
  { nonResourceURLs: ['/metrics'], verbs: ['get'] },
];

/** Prometheus: ServiceAccount, config, read-only RBAC, Service (`http` 9090) and Deployment (with the config reloader). */
export function renderPrometheus(m: AddonsModel, p: PrometheusModel): Manifest[] {
  const app = ADDON_NAMES.prometheus;
  const port = ADDON_PORTS.prometheus;
  const configMount = { name: 'config', mountPath: '/etc/config', readOnly: true };
  return [
    addonServiceAccount(m, app),
    addonConfigMap(m, app, app, { 'prometheus.yml': prometheusConfig(m, p) }),
    ...addonClusterRbac(m, app, PROMETHEUS_RULES),
    addonService(m, app, app, [{ name: 'http', port }]),
    addonDeployment(m, {
      app,
      serviceAccountName: app,
      apiToken: true,
      runAsUser: 65534,
      recreate: true,
      containers: [
        {
          name: 'config-reloader',
          image: p.reloaderImage,
          args: ['--watched-dir=/etc/config', '--listen-address=0.0.0.0:8080', `--reload-url=http://127.0.0.1:${port}/-/reload`],
          ports: [{ name: 'metrics', containerPort: 8080 }],
          readinessProbe: httpProbe('/healthz', 'metrics', { periodSeconds: 10 }),
          volumeMounts: [configMount],
          securityContext: restrictedContainer(true),
          resources: resourcesOf({ requests: { cpu: '10m', memory: '32Mi' } }),
        },
        {
          name: 'prometheus',
          image: p.image,
          args: [
            `--storage.tsdb.retention.time=${p.retention}`,
            '--config.file=/etc/config/prometheus.yml',
            '--storage.tsdb.path=/data',
            '--web.enable-lifecycle',
          ],
          ports: [{ name: 'http', containerPort: port }],
          readinessProbe: httpProbe('/-/ready', port, { periodSeconds: 5, timeoutSeconds: 4 }),
          livenessProbe: httpProbe('/-/healthy', port, { initialDelaySeconds: 30, periodSeconds: 15, timeoutSeconds: 10 }),
          volumeMounts: [configMount, { name: 'data', mountPath: '/data' }],
          securityContext: restrictedContainer(true),
          resources: resourcesOf(p.resources),
        },
      ],
      volumes: [{ name: 'config', configMap: { name: app } }, { name: 'data', emptyDir: {} }],
    }),
  ];
}
