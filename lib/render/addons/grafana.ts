import { Yaml } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-27';
import { addonConfigMap, addonDeployment, addonService, addonServiceAccount, httpProbe, resourcesOf, restrictedContainer } from './common';
import { ADDON_NAMES, ADDON_PORTS, AddonsModel, DashboardModel, GrafanaModel, serviceUrl } from './model';
import { Manifest } from '../model';

const DASHBOARDS_DIR = '/var/lib/grafana/dashboards';

/** The name of the ConfigMap holding a provider's JSON dashboards (Istio's samples: `istio-grafana-dashboards`). */
export function dashboardConfigMapName(provider: string): string {
  return `${provider}-grafana-dashboards`;
}

/** The providers, in order of first appearance, with their dashboards. */
function providers(g: GrafanaModel): Array<{ name: string; folder: string; dashboards: DashboardModel[] }> {
  const out: Array<{ name: string; folder: string; dashboards: DashboardModel[] }> = [];
  for (const d of g.dashboards) {
    const p = out.find(x => x.name === d.provider);
    if (p) p.dashboards.push(d);
    else out.push({ name: d.provider, folder: d.folder, dashboards: [d] });
  }
  return out;
}

/** `grafana.ini`: no phoning home, no sign-up, anonymous access only when asked for. */
export function grafanaIni(g: GrafanaModel): string {
  const sections: Array<[string, Array<[string, string]>]> = [
    ['analytics', [['check_for_updates', 'false'], ['reporting_enabled', 'false']]],
    ['auth.anonymous', g.anonymousRole ? [['enabled', 'true'], ['org_role', g.anonymousRole]] : [['enabled', 'false']]],
    ['log', [['mode', 'console']]],
    ['paths', [['data', '/var/lib/grafana/'], ['plugins', '/var/lib/grafana/plugins'], ['provisioning', '/etc/grafana/provisioning']]],
    ['security', [['disable_gravatar', 'true'], ['cookie_secure', String(g.rootUrl?.startsWith('https://') ?? false)]]],
    ['server', g.rootUrl ? [['root_url', g.rootUrl]] : []],
    ['users', [['allow_sign_up', 'false']]],
  ];
  return sections.filter(([, kv]) => kv.length > 0).map(([name, kv]) => `[${name}]\n${kv.map(([k, v]) => `${k} = ${v}`).join('\n')}\n`).join('');
}

/** `datasources.yaml`: the add-ons' Prometheus (default) and tracing back-end. */
export function grafanaDatasources(m: AddonsModel): string {
  const datasources: object[] = [];
  if (m.prometheus) {
    datasources.push({
      name: 'Prometheus',
      type: 'prometheus',
      access: 'proxy',
      orgId: 1,
      isDefault: true,
      editable: false,
      url: serviceUrl(m, ADDON_NAMES.prometheus, ADDON_PORTS.prometheus),
      jsonData: { timeInterval: m.prometheus.scrapeInterval },
    });
  }
  if (m.tracing?.kind === 'jaeger') {
    datasources.push({ name: 'Jaeger', type: 'jaeger', access: 'proxy', orgId: 1, isDefault: false, editable: false, url: serviceUrl(m, ADDON_NAMES.tracing, ADDON_PORTS.tracingQuery, '/jaeger') });
  } else if (m.tracing?.kind === 'zipkin') {
    datasources.push({ name: 'Zipkin', type: 'zipkin', access: 'proxy', orgId: 1, isDefault: false, editable: false, url: serviceUrl(m, ADDON_NAMES.zipkin, ADDON_PORTS.zipkin) });
  }
  return Yaml.stringify({ apiVersion: 1, datasources });
}

/** `dashboardproviders.yaml`: one file provider per dashboard folder. */
export function grafanaDashboardProviders(g: GrafanaModel): string {
  return Yaml.stringify({
    apiVersion: 1,
    providers: providers(g).map(p => ({
      name: p.name, orgId: 1, folder: p.folder, type: 'file', disableDeletion: false, options: { path: `${DASHBOARDS_DIR}/${p.name}` },
    })),
  });
}

/**
 * The shell script of the init container that downloads grafana.com dashboards (pinned revisions,
 * TLS verified) and points their `${DS_PROMETHEUS}` input at the provisioned datasource.
 */
export function downloadScript(g: GrafanaModel): string | undefined {
  const downloads = g.dashboards.filter(d => d.gnet);
  if (downloads.length === 0) return undefined;
  const lines = ['set -eu'];
  for (const dir of [...new Set(downloads.map(d => d.provider))]) lines.push(`mkdir -p ${DASHBOARDS_DIR}/${dir}`);
  for (const d of downloads) {
    const url = `https://grafana.com/api/dashboards/${d.gnet!.id}/revisions/${d.gnet!.revision}/download`;
    lines.push(`curl -fsSL --retry 3 --max-time 60 '${url}' | sed 's/\${DS_PROMETHEUS}/Prometheus/g' > ${DASHBOARDS_DIR}/${d.provider}/${d.file}`);
  }
  return lines.join('\n') + '\n';
}

/** Grafana: ServiceAccount, config, dashboard ConfigMaps, Service (`service` 3000) and Deployment. */
export function renderGrafana(m: AddonsModel, g: GrafanaModel): Manifest[] {
  const app = ADDON_NAMES.grafana;
  const port = ADDON_PORTS.grafana;
  const ps = providers(g);
  const mounts: k8s.VolumeMount[] = [
    { name: 'config', mountPath: '/etc/grafana/grafana.ini', subPath: 'grafana.ini' },
    { name: 'config', mountPath: '/etc/grafana/provisioning/datasources/datasources.yaml', subPath: 'datasources.yaml' },
    { name: 'config', mountPath: '/etc/grafana/provisioning/dashboards/dashboardproviders.yaml', subPath: 'dashboardproviders.yaml' },
    { name: 'storage', mountPath: '/var/lib/grafana' },
  ];
  const volumes: k8s.Volume[] = [{ name: 'config', configMap: { name: app } }, { name: 'storage', emptyDir: {} }];
  const dashboardMaps: Manifest[] = [];
  for (const p of ps) {
    const files = p.dashboards.filter(d => d.json !== undefined);
    if (files.length === 0) continue;
    const volume = `dashboards-${p.name}`;
    volumes.push({ name: volume, configMap: { name: dashboardConfigMapName(p.name) } });
    dashboardMaps.push(addonConfigMap(m, dashboardConfigMapName(p.name), app, Object.fromEntries(files.map(d => [d.file, d.json!]))));
    if (p.dashboards.some(d => d.gnet)) {
      // Downloaded files share the folder: mount the ConfigMap's files one by one beside them.
      for (const d of files) mounts.push({ name: volume, mountPath: `${DASHBOARDS_DIR}/${p.name}/${d.file}`, subPath: d.file, readOnly: true });
    } else {
      mounts.push({ name: volume, mountPath: `${DASHBOARDS_DIR}/${p.name}`, readOnly: true });
    }
  }
  const script = downloadScript(g);
  const secretEnv = (name: string, key: string): k8s.EnvVar => ({ name, valueFrom: { secretKeyRef: { name: g.admin.secretName, key } } });
  return [
    addonServiceAccount(m, app),
    addonConfigMap(m, app, app, {
      'grafana.ini': grafanaIni(g),
      'datasources.yaml': grafanaDatasources(m),
      'dashboardproviders.yaml': grafanaDashboardProviders(g),
      ...(script ? { 'download-dashboards.sh': script } : {}),
    }),
    ...dashboardMaps,
    addonService(m, app, app, [{ name: 'service', port, appProtocol: 'http' }]),
    addonDeployment(m, {
      app,
      serviceAccountName: app,
      runAsUser: 472,
      initContainers: script ? [{
        name: 'download-dashboards',
        image: g.downloaderImage,
        command: ['/bin/sh', '/etc/grafana/download-dashboards.sh'],
        volumeMounts: [
          { name: 'config', mountPath: '/etc/grafana/download-dashboards.sh', subPath: 'download-dashboards.sh' },
          { name: 'storage', mountPath: '/var/lib/grafana' },
        ],
        securityContext: restrictedContainer(true),
        resources: resourcesOf({ requests: { cpu: '10m', memory: '16Mi' } }),
      }] : undefined,
      containers: [{
        name: 'grafana',
        image: g.image,
        env: [secretEnv('GF_SECURITY_ADMIN_USER', g.admin.userKey), secretEnv('GF_SECURITY_ADMIN_PASSWORD', g.admin.passwordKey)],
        ports: [{ name: 'grafana', containerPort: port }],
        readinessProbe: httpProbe('/api/health', port),
        livenessProbe: httpProbe('/api/health', port, { initialDelaySeconds: 60, timeoutSeconds: 30, failureThreshold: 10 }),
        volumeMounts: mounts,
        securityContext: restrictedContainer(false),
        resources: resourcesOf(g.resources),
      }],
      volumes,
    }),
  ];
}
