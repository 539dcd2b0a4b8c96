import { Yaml } from 'cdk8s';
import { addonConfigMap } from './common';
import { ADDON_NAMES, ADDON_PORTS, AddonsModel, serviceHost } from './model';
import { DestinationRuleSpec, DestinationRuleSpecTrafficPolicyTlsMode } from '../../imports/networking.istio.io';
import { TelemetrySpec } from '../../imports/telemetry.istio.io';
import { metadataOf } from '../metadata';
import { Manifest } from '../model';
import { enumValue } from '../wire-values';

/** One entry of Istio's `meshConfig.extensionProviders`. */
export interface ExtensionProvider {
  readonly name: string;
  readonly opentelemetry?: { readonly service: string; readonly port: number };
  readonly zipkin?: { readonly service: string; readonly port: number };
}

/** The provider that points Istio's proxies at the deployed collector: OTLP to Jaeger's collector, or Zipkin's API. */
export function extensionProvider(m: AddonsModel): ExtensionProvider | undefined {
  if (!m.tracing) return undefined;
  return m.tracing.kind === 'jaeger'
    ? { name: ADDON_NAMES.jaeger, opentelemetry: { service: serviceHost(m, ADDON_NAMES.jaegerCollector), port: ADDON_PORTS.otlpGrpc } }
    : { name: ADDON_NAMES.zipkin, zipkin: { service: serviceHost(m, ADDON_NAMES.zipkin), port: ADDON_PORTS.zipkin } };
}

/** The `meshConfig` fragment that registers the provider (istiod Helm values' `meshConfig`, IstioOperator's `spec.meshConfig`). */
export function meshConfigFragment(m: AddonsModel): { enableTracing: boolean; extensionProviders: ExtensionProvider[] } | undefined {
  const p = extensionProvider(m);
  return p ? { enableTracing: true, extensionProviders: [p] } : undefined;
}

/** The name of the ConfigMap carrying the mesh config fragment. */
export const MESH_CONFIG_VALUES = 'istio-tracing-mesh-config';

/**
 * The fragment, in a ConfigMap beside the add-ons, in the two forms Istio is installed with:
 * `values.yaml` (istiod Helm values: `helm upgrade istiod -f`, or a Flux HelmRelease's `valuesFrom`)
 * and `istio-operator.yaml` (an IstioOperator overlay for `istioctl install -f`). Istio's own mesh
 * ConfigMap (`istio`) is left alone: writing it would replace istiod's whole mesh config.
 */
export function renderMeshConfigValues(m: AddonsModel): Manifest | undefined {
  const mc = meshConfigFragment(m);
  if (!mc) return undefined;
  return addonConfigMap(m, MESH_CONFIG_VALUES, 'istio-tracing', {
    'values.yaml': Yaml.stringify({ meshConfig: mc }),
    'istio-operator.yaml': Yaml.stringify({ apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', spec: { meshConfig: mc } }),
  });
}

/** The mesh-wide Telemetry (in Istio's root namespace): trace `samplingPercentage` % of requests to the provider. */
export function renderTelemetry(m: AddonsModel, name: string): Manifest | undefined {
  const p = extensionProvider(m);
  if (!p) return undefined;
  const spec: TelemetrySpec = { tracing: [{ providers: [{ name: p.name }], randomSamplingPercentage: m.samplingPercentage }] };
  return {
    apiVersion: 'telemetry.istio.io/v1',
    kind: 'Telemetry',
    metadata: metadataOf(name, m.istioRootNamespace),
    spec,
  };
}

/**
 * The DestinationRule that lets the ingress gateway reach an add-on in plain text: the add-ons run
 * without a sidecar, so the gateway must not originate mutual TLS to them.
 */
export function renderPlainTextDestinationRule(m: AddonsModel, service: string): Manifest {
  const spec: DestinationRuleSpec = {
    host: serviceHost(m, service),
    trafficPolicy: { tls: { mode: enumValue<DestinationRuleSpecTrafficPolicyTlsMode>('DISABLE') } },
  };
  return {
    apiVersion: `networking.istio.io/${m.istioApiVersion}`,
    kind: 'DestinationRule',
    metadata: metadataOf(service, m.namespace),
    spec,
  };
}

/** The linkerd-viz Helm values that wire its dashboard to these add-ons instead of its own Prometheus. */
export interface LinkerdVizValues {
  readonly prometheusUrl?: string;
  readonly prometheus?: { readonly enabled: boolean };
  readonly grafana?: { readonly url: string; readonly externalUrl?: string };
  readonly jaegerUrl?: string;
}

/** linkerd-viz's values: `prometheusUrl` (and its own Prometheus off), `grafana.url`, `jaegerUrl` (host:port, as linkerd-viz expects). */
export function linkerdVizValues(m: AddonsModel): LinkerdVizValues {
  return {
    ...(m.prometheus ? { prometheusUrl: `http://${serviceHost(m, ADDON_NAMES.prometheus)}:${ADDON_PORTS.prometheus}`, prometheus: { enabled: false } } : {}),
    ...(m.grafana ? {
      grafana: {
        url: `${serviceHost(m, ADDON_NAMES.grafana)}:${ADDON_PORTS.grafana}`,
        ...(m.grafana.rootUrl ? { externalUrl: m.grafana.rootUrl } : {}),
      },
    } : {}),
    ...(m.tracing?.kind === 'jaeger' ? { jaegerUrl: `${serviceHost(m, ADDON_NAMES.tracing)}:${ADDON_PORTS.tracingQuery}` } : {}),
  };
}

/** The name of the ConfigMap carrying linkerd-viz's values. */
export const LINKERD_VIZ_VALUES = 'linkerd-viz-values';

/** linkerd-viz's values in a ConfigMap (`values.yaml`), for `helm install linkerd-viz -f` or a Flux HelmRelease's `valuesFrom`. */
export function renderLinkerdVizValues(m: AddonsModel): Manifest {
  return addonConfigMap(m, LINKERD_VIZ_VALUES, 'linkerd-viz', { 'values.yaml': Yaml.stringify(linkerdVizValues(m)) });
}
