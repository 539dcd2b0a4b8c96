import { Yaml } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-27';
import {
  PolicyRule, addonClusterRbac, addonConfigMap, addonDeployment, addonService, addonServiceAccount, httpProbe, resourcesOf, restrictedContainer,
} from './common';
import { ADDON_NAMES, ADDON_PORTS, AddonsModel, KialiModel, serviceUrl } from './model';
import { Manifest } from '../model';

const READ = ['get', 'list', 'watch'];
const ISTIO_GROUPS = ['networking.istio.io', 'security.istio.io', 'extensions.istio.io', 'telemetry.istio.io', 'gateway.networking.k8s.io'];

/**
 * What Kiali may do in the cluster. View-only: read everything it shows (and port-forward to
 * proxies for their config dump); otherwise also patch workloads and edit Istio configuration,
 * as Kiali's own chart grants.
 */
export function kialiRules(viewOnly: boolean): PolicyRule[] {
  const write = viewOnly ? [] : ['patch'];
  return [
    { apiGroups: [''], resources: ['configmaps', 'endpoints', 'pods/log'], verbs: READ },
    { apiGroups: [''], resources: ['namespaces', 'pods', 'replicationcontrollers', 'services'], verbs: [...READ, ...write] },
    { apiGroups: [''], resources: ['pods/portforward'], verbs: ['create', 'post'] },
    { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], verbs: [...READ, ...write] },
    { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: [...READ, ...write] },
    { apiGroups: ISTIO_GROUPS, resources: ['*'], verbs: viewOnly ? READ : [...READ, 'create', 'delete', 'patch'] },
    { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
    { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: READ },
  ];
}

/** Kiali's `config.yaml`: its auth strategy, Prometheus, Grafana and the tracing back-end of these add-ons. */
export function kialiConfig(m: AddonsModel, k: KialiModel): string {
  const grafana = m.grafana
    ? {
      enabled: true,
      internal_url: serviceUrl(m, ADDON_NAMES.grafana, ADDON_PORTS.grafana),
      ...(m.grafana.rootUrl ? { external_url: m.grafana.rootUrl } : {}),
      // user and password are read from the files mounted under /kiali-override-secrets
      auth: { type: 'basic' },
    }
    : { enabled: false };
  const tracing = m.tracing?.kind === 'jaeger'
    ? {
      enabled: true,
      provider: 'jaeger',
      use_grpc: true,
      internal_url: serviceUrl(m, ADDON_NAMES.tracing, ADDON_PORTS.jaegerGrpcQuery, '/jaeger'),
      ...(m.tracing.externalUrl ? { external_url: m.tracing.externalUrl } : {}),
    }
    // Kiali queries Jaeger or Tempo, not Zipkin.
    : { enabled: false };
  return Yaml.stringify({
    auth: {
      strategy: k.auth.strategy,
      ...(k.auth.openId ? {
        openid: { issuer_uri: k.auth.openId.issuerUri, client_id: k.auth.openId.clientId, username_claim: k.auth.openId.usernameClaim ?? 'sub' },
      } : {}),
    },
    deployment: { cluster_wide_access: true, namespace: m.namespace, view_only_mode: k.viewOnly },
    external_services: {
      custom_dashboards: { enabled: true },
      istio: { root_namespace: m.istioRootNamespace },
      prometheus: { url: serviceUrl(m, ADDON_NAMES.prometheus, ADDON_PORTS.prometheus) },
      grafana,
      tracing,
    },
    server: {
      port: ADDON_PORTS.kiali,
      web_root: '/kiali',
      ...(k.externalUrl ? { web_fqdn: new URL(k.externalUrl).hostname, web_schema: new URL(k.externalUrl).protocol.replace(':', '') } : {}),
      observability: { metrics: { enabled: true, port: ADDON_PORTS.kialiMetrics } },
    },
  });
}

/** A Secret key mounted as `/kiali-override-secrets/<file>/value.txt`, where Kiali reads credentials that override its config. */
function overrideSecret(file: string, secretName: string, key: string): { volume: k8s.Volume; mount: k8s.VolumeMount } {
  return {
    volume: { name: file, secret: { secretName, items: [{ key, path: 'value.txt' }] } },
    mount: { name: file, mountPath: `/kiali-override-secrets/${file}`, readOnly: true },
  };
}

/** Kiali: ServiceAccount, config, RBAC, Service (`http` 20001, `http-metrics` 9090) and Deployment. */
export function renderKiali(m: AddonsModel, k: KialiModel): Manifest[] {
  const app = ADDON_NAMES.kiali;
  const secrets = [
    ...(k.auth.signingKey ? [overrideSecret('login-token-signing-key', k.auth.signingKey.secretName, k.auth.signingKey.key)] : []),
    ...(m.grafana ? [
      overrideSecret('grafana-username', m.grafana.admin.secretName, m.grafana.admin.userKey),
      overrideSecret('grafana-password', m.grafana.admin.secretName, m.grafana.admin.passwordKey),
    ] : []),
  ];
  return [
    addonServiceAccount(m, app),
    addonConfigMap(m, app, app, { 'config.yaml': kialiConfig(m, k) }),
    ...addonClusterRbac(m, app, kialiRules(k.viewOnly)),
    addonService(m, app, app, [
      { name: 'http', port: ADDON_PORTS.kiali, appProtocol: 'http' },
      { name: 'http-metrics', port: ADDON_PORTS.kialiMetrics, appProtocol: 'http' },
    ]),
    addonDeployment(m, {
      app,
      serviceAccountName: app,
      apiToken: true,
      runAsUser: 1000,
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(ADDON_PORTS.kialiMetrics) },
      containers: [{
        name: 'kiali',
        image: k.image,
        command: ['/opt/kiali/kiali', '-config', '/kiali-configuration/config.yaml'],
        env: [{ name: 'ACTIVE_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
        ports: [{ name: 'api-port', containerPort: ADDON_PORTS.kiali }, { name: 'http-metrics', containerPort: ADDON_PORTS.kialiMetrics }],
        readinessProbe: httpProbe('/kiali/healthz', 'api-port', { initialDelaySeconds: 5, periodSeconds: 30 }),
        livenessProbe: httpProbe('/kiali/healthz', 'api-port', { initialDelaySeconds: 5, periodSeconds: 30 }),
        volumeMounts: [{ name: 'config', mountPath: '/kiali-configuration', readOnly: true }, ...secrets.map(s => s.mount)],
        securityContext: restrictedContainer(true),
        resources: resourcesOf(k.resources),
      }],
      volumes: [{ name: 'config', configMap: { name: app } }, ...secrets.map(s => s.volume)],
    }),
  ];
}
