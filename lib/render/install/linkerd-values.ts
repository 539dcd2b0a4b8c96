/** The proxy's values (`proxy.*` of linkerd-control-plane), as model data. */
export interface LinkerdProxyValuesModel {
  readonly resources?: {
    readonly cpu: { readonly request: string; readonly limit: string };
    readonly memory: { readonly request: string; readonly limit: string };
  };
  readonly workers?: { readonly minimum?: number; readonly maximum?: number; readonly maximumCPURatio?: number };
  readonly logLevel?: string;
  readonly logFormat?: string;
  readonly accessLog?: string;
  readonly outboundDiscoveryCacheUnusedTimeout?: string;
  readonly inboundDiscoveryCacheUnusedTimeout?: string;
  readonly enableShutdownEndpoint?: boolean;
  readonly shutdownGracePeriod?: string;
  readonly hostnameLabels?: boolean;
}

/** What a LinkerdInstallation sets in linkerd-control-plane and linkerd-viz, as model data. */
export interface LinkerdValuesModel {
  /** Whether identity's trust anchors come from the ConfigMap cert-manager's trust-manager keeps (else a `--set-file`). */
  readonly externalCA: boolean;
  readonly trustDomain?: string;
  /**
   * High availability: the values-ha.yaml of both charts (Linkerd's own, as generated data), with this many replicas.
   */
  readonly ha?: {
    readonly replicas: number;
    readonly controlPlane: { readonly [key: string]: unknown };
    readonly viz: { readonly [key: string]: unknown };
  };
  readonly defaultInboundPolicy?: string;
  readonly proxy?: LinkerdProxyValuesModel;
  readonly cniEnabled?: boolean;
  readonly clusterNetworks?: readonly string[];
  readonly clusterDomain?: string;
}

type Values = { [key: string]: unknown };

/** Drops undefined fields (and maps left empty), so that only what was set is written. */
function defined(v: Values): Values {
  const out: Values = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    if (x !== null && typeof x === 'object' && !Array.isArray(x)) {
      const inner = defined(x as Values);
      if (Object.keys(inner).length > 0) out[k] = inner;
    } else {
      out[k] = x;
    }
  }
  return out;
}

/** A values-ha.yaml, as a fresh copy. */
function copyOf(values: { readonly [key: string]: unknown }): Values {
  return JSON.parse(JSON.stringify(values)) as Values;
}

/**
 * linkerd-control-plane's values: identity from Secrets, Linkerd's values-ha.yaml in full when highly available
 * (`controllerReplicas` the replicas asked for), then the typed settings. Merged by the caller (Helm's order) with
 * the user's own values over them.
 */
export function linkerdControlPlaneValues(m: LinkerdValuesModel): { readonly ha: Values; readonly settings: Values } {
  const ha = m.ha ? { ...copyOf(m.ha.controlPlane), controllerReplicas: m.ha.replicas } : {};
  const p = m.proxy;
  const settings = defined({
    identity: { externalCA: m.externalCA, issuer: { scheme: 'kubernetes.io/tls' } },
    identityTrustDomain: m.trustDomain,
    clusterDomain: m.clusterDomain,
    clusterNetworks: m.clusterNetworks?.join(','),
    cniEnabled: m.cniEnabled,
    proxy: {
      defaultInboundPolicy: m.defaultInboundPolicy,
      logLevel: p?.logLevel,
      logFormat: p?.logFormat,
      accessLog: p?.accessLog,
      outboundDiscoveryCacheUnusedTimeout: p?.outboundDiscoveryCacheUnusedTimeout,
      inboundDiscoveryCacheUnusedTimeout: p?.inboundDiscoveryCacheUnusedTimeout,
      enableShutdownEndpoint: p?.enableShutdownEndpoint,
      shutdownGracePeriod: p?.shutdownGracePeriod,
      metrics: { hostnameLabels: p?.hostnameLabels },
      runtime: p?.workers ? { workers: { ...p.workers } } : undefined,
    },
  });
  // the typed resources replace values-ha's whole (every request and limit written, '' for none)
  if (p?.resources) {
    settings.proxy = { ...(settings.proxy as Values | undefined), resources: { cpu: { ...p.resources.cpu }, memory: { ...p.resources.memory } } };
  }
  return { ha, settings };
}

/** linkerd-viz's values-ha.yaml in full when highly available (`tap.replicas` the replicas asked for). */
export function linkerdVizHaValues(m: LinkerdValuesModel): Values {
  if (!m.ha) return {};
  const ha = copyOf(m.ha.viz);
  return { ...ha, tap: { ...(ha.tap as Values), replicas: m.ha.replicas } };
}
