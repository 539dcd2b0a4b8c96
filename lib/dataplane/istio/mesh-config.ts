import { isObj, str, strs } from '../../analysis/context';
import { World } from '../world';

/**
 * The mesh-wide settings istiod generates configuration with: Istio's defaults (istio/istio pkg/config/mesh/mesh.go
 * DefaultMeshConfig), changed by the mesh config the world installs — the `istio` ConfigMap in `istio-system` (its
 * `mesh` key), an IstioOperator's `spec.meshConfig`, or the istiod chart's `meshConfig` value in an Argo CD Application
 * or a Flux HelmRelease (what an `IstioInstallation` renders) — and the istiod feature flags the model depends on.
 */
export interface IstioSettings {
  readonly rootNamespace: string;
  /** `outboundTrafficPolicy.mode`. */
  readonly outboundTrafficPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY' | 'ALLOW_ANY_DYNAMIC_DNS';
  /** `inboundTrafficPolicy.mode`. */
  readonly inboundTrafficPolicy: 'PASSTHROUGH' | 'LOCALHOST';
  /** The Kubernetes cluster domain of Service host names. */
  readonly domainSuffix: string;
  /**
   * The domain istiod's config store gives short names in VirtualServices and DestinationRules (`reviews` in `shop`
   * becomes `reviews.shop.svc.<it>`): the cluster domain; empty in istiod's in-memory test store (`reviews.shop`).
   */
  readonly configDomain: string;
  readonly proxyListenPort: number;
  readonly proxyInboundListenPort: number;
  readonly ingressClass: string;
  readonly ingressControllerMode: 'STRICT' | 'DEFAULT' | 'OFF';
  readonly ingressSelector: string;
  readonly ingressService: string;
  /** The namespace Ingress gateways are generated in (K8S_INGRESS_NS). */
  readonly ingressNamespace: string;
  readonly defaultServiceExportTo: readonly string[];
  readonly defaultVirtualServiceExportTo: readonly string[];
  readonly defaultDestinationRuleExportTo: readonly string[];
  /** SDS providers by name (`extensionProviders[].sds`): `service` host and port. */
  readonly sdsProviders: ReadonlyMap<string, { readonly service: string; readonly port: number }>;
  /** ENABLE_TLS_ON_SIDECAR_INGRESS (default off). */
  readonly tlsOnSidecarIngress: boolean;
  /** PILOT_ENABLE_HEADLESS_FILTER_CHAIN_LISTENER (default off). */
  readonly headlessFilterChainListener: boolean;
  /** Where the mesh config came from, for notes. */
  readonly source?: string;
}

export const DEFAULT_SETTINGS: IstioSettings = {
  rootNamespace: 'istio-system',
  outboundTrafficPolicy: 'ALLOW_ANY',
  inboundTrafficPolicy: 'PASSTHROUGH',
  domainSuffix: 'cluster.local',
  configDomain: 'cluster.local',
  proxyListenPort: 15001,
  proxyInboundListenPort: 15006,
  ingressClass: 'istio',
  ingressControllerMode: 'STRICT',
  ingressSelector: '',
  ingressService: 'istio-ingressgateway',
  ingressNamespace: 'istio-system',
  defaultServiceExportTo: ['*'],
  defaultVirtualServiceExportTo: ['*'],
  defaultDestinationRuleExportTo: ['*'],
  sdsProviders: new Map(),
  tlsOnSidecarIngress: false,
  headlessFilterChainListener: false,
};

/** The settings with a mesh config's fields applied (unknown or ill-typed fields are ignored, as istiod rejects them). */
export function applyMeshConfig(base: IstioSettings, mesh: unknown, source?: string): IstioSettings {
  if (!isObj(mesh)) return base;
  const out: { -readonly [K in keyof IstioSettings]: IstioSettings[K] } = { ...base, ...(source ? { source } : {}) };
  if (typeof mesh.rootNamespace === 'string' && mesh.rootNamespace !== '') out.rootNamespace = mesh.rootNamespace;
  if (isObj(mesh.outboundTrafficPolicy)) {
    const mode = str(mesh.outboundTrafficPolicy.mode);
    if (mode === 'ALLOW_ANY' || mode === 'REGISTRY_ONLY' || mode === 'ALLOW_ANY_DYNAMIC_DNS') out.outboundTrafficPolicy = mode;
  }
  if (isObj(mesh.inboundTrafficPolicy)) {
    const mode = str(mesh.inboundTrafficPolicy.mode);
    if (mode === 'PASSTHROUGH' || mode === 'LOCALHOST') out.inboundTrafficPolicy = mode;
  }
  if (typeof mesh.ingressClass === 'string') out.ingressClass = mesh.ingressClass;
  if (mesh.ingressControllerMode === 'STRICT' || mesh.ingressControllerMode === 'DEFAULT' || mesh.ingressControllerMode === 'OFF') {
    out.ingressControllerMode = mesh.ingressControllerMode;
  }
  if (typeof mesh.ingressSelector === 'string') out.ingressSelector = mesh.ingressSelector;
  if (typeof mesh.ingressService === 'string') out.ingressService = mesh.ingressService;
  if (Array.isArray(mesh.defaultServiceExportTo)) out.defaultServiceExportTo = strs(mesh.defaultServiceExportTo);
  if (Array.isArray(mesh.defaultVirtualServiceExportTo)) out.defaultVirtualServiceExportTo = strs(mesh.defaultVirtualServiceExportTo);
  if (Array.isArray(mesh.defaultDestinationRuleExportTo)) out.defaultDestinationRuleExportTo = strs(mesh.defaultDestinationRuleExportTo);
  if (typeof mesh.proxyListenPort === 'number') out.proxyListenPort = mesh.proxyListenPort;
  if (typeof mesh.proxyInboundListenPort === 'number') out.proxyInboundListenPort = mesh.proxyInboundListenPort;
  if (Array.isArray(mesh.extensionProviders)) {
    const sds = new Map(base.sdsProviders);
    for (const p of mesh.extensionProviders.filter(isObj)) {
      if (isObj(p.sds)) sds.set(str(p.name), { service: str(p.sds.service), port: Number(p.sds.port) || 0 });
    }
    out.sdsProviders = sds;
  }
  return out;
}

/** The mesh config a world installs, applied to Istio's defaults (the first source found, in the order documented above). */
export function settingsOfWorld(world: World): IstioSettings {
  const cm = world.get('', 'ConfigMap', 'istio-system', 'istio');
  if (cm && isObj(cm.manifest.data) && typeof cm.manifest.data.mesh === 'string') {
    const parsed = parseYaml(cm.manifest.data.mesh);
    if (isObj(parsed)) return applyMeshConfig(DEFAULT_SETTINGS, parsed, 'ConfigMap istio-system/istio');
  }
  for (const op of world.list('install.istio.io', 'IstioOperator')) {
    const spec = isObj(op.manifest.spec) ? op.manifest.spec : {};
    if (isObj(spec.meshConfig)) return applyMeshConfig(DEFAULT_SETTINGS, spec.meshConfig, `IstioOperator ${op.namespace}/${op.name}`);
  }
  for (const app of world.list('argoproj.io', 'Application')) {
    const source = isObj(app.manifest.spec) && isObj(app.manifest.spec.source) ? app.manifest.spec.source : {};
    const values = isObj(source.helm) && isObj(source.helm.valuesObject) ? source.helm.valuesObject : {};
    if (str(source.chart) === 'istiod' && isObj(values.meshConfig)) return applyMeshConfig(DEFAULT_SETTINGS, values.meshConfig, `Application ${app.namespace}/${app.name}`);
  }
  for (const rel of world.list('helm.toolkit.fluxcd.io', 'HelmRelease')) {
    const spec = isObj(rel.manifest.spec) ? rel.manifest.spec : {};
    const chart = isObj(spec.chart) && isObj(spec.chart.spec) ? str(spec.chart.spec.chart) : '';
    const values = isObj(spec.values) ? spec.values : {};
    if (chart === 'istiod' && isObj(values.meshConfig)) return applyMeshConfig(DEFAULT_SETTINGS, values.meshConfig, `HelmRelease ${rel.namespace}/${rel.name}`);
  }
  return DEFAULT_SETTINGS;
}

function parseYaml(text: string): unknown {
  try {
    // the package's YAML reader, loaded when a mesh ConfigMap is met (as lib/analysis/load.ts does)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const yaml = require('yaml') as { parse(text: string): unknown };
    return yaml.parse(text);
  } catch {
    return undefined;
  }
}
