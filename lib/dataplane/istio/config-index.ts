import { isObj, str, strMap, strs } from '../../analysis/context';
import { World } from '../world';
import { exportToSet, mergeDelegation } from './delegation';
import { DestinationRules } from './destination-rules';
import { convertMeshRoutes } from './gamma';
import { GatewayConfig, convertIngresses, parseGateway, parseServerTls, ServerTls } from './gateways';
import { byCreation, creationOf } from './host';
import { IstioSettings } from './mesh-config';
import { InjectedRegistry, Registry } from './registry';
import { VirtualServiceConfig, parseVirtualService } from './vs-model';

/**
 * Everything istiod's push context holds for one world (istio/istio pilot/pkg/model/push_context.go): the service
 * registry, the merged VirtualServices indexed by gateway and visibility (initVirtualServices), the DestinationRules,
 * the Gateways (Istio's and those generated from Ingresses), the Sidecars (initSidecarScopes: selectors first) and the
 * PeerAuthentications. Built once per world and setting, then shared by every proxy's view.
 */

export interface SidecarConfig {
  readonly name: string;
  readonly namespace: string;
  readonly creation: number;
  readonly workloadSelector?: { readonly [k: string]: string };
  readonly egress: ReadonlyArray<{
    readonly port?: { readonly number: number; readonly protocol: string; readonly name: string };
    readonly bind: string;
    readonly captureMode: string;
    readonly hosts: readonly string[];
  }>;
  readonly ingress: ReadonlyArray<{
    readonly port: { readonly number: number; readonly protocol: string; readonly name: string };
    readonly bind: string;
    readonly captureMode: string;
    readonly defaultEndpoint: string;
    readonly tls?: ServerTls;
  }>;
  readonly outboundTrafficPolicy?: 'ALLOW_ANY' | 'REGISTRY_ONLY';
}

export interface PeerAuthenticationConfig {
  readonly name: string;
  readonly namespace: string;
  readonly creation: number;
  readonly selector?: { readonly [k: string]: string };
  readonly mode?: string;
  readonly portLevel: ReadonlyMap<number, string | undefined>;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : 0);

export class IstioIndex {
  public readonly registry: Registry;
  public readonly destinationRules: DestinationRules;
  /** The merged VirtualServices with hosts, sorted by creation time, name, namespace. */
  public readonly virtualServices: VirtualServiceConfig[];
  public readonly gateways: GatewayConfig[];
  public readonly sidecars: SidecarConfig[];
  public readonly peerAuthentications: PeerAuthenticationConfig[];
  /** Problems met while merging (a missing delegate, a conflict). */
  public readonly notes: string[];
  /** Views' shared parts (sidecar scopes, outbound configurations), by key: filled by proxy-context.ts and view.ts. */
  public readonly shared = new Map<string, unknown>();
  private labelSensitiveCache?: boolean;
  private readonly privateByGateway = new Map<string, VirtualServiceConfig[]>();
  private readonly exportedByGateway = new Map<string, VirtualServiceConfig[]>();
  private readonly publicByGateway = new Map<string, VirtualServiceConfig[]>();

  public constructor(public readonly world: World, public readonly settings: IstioSettings, allocate: boolean, injected?: InjectedRegistry) {
    this.registry = new Registry(world, settings, allocate, injected);
    this.destinationRules = new DestinationRules(world, settings);
    const ingress = convertIngresses(world, settings);
    const raw = [...world.list('networking.istio.io', 'VirtualService').map(parseVirtualService), ...convertMeshRoutes(world, settings.domainSuffix), ...ingress.virtualServices];
    const { merged, notes } = mergeDelegation(raw, settings.configDomain, settings.defaultVirtualServiceExportTo);
    this.notes = notes;
    this.virtualServices = merged.sort(byCreation);
    for (const vs of this.virtualServices) {
      const gws = vs.gateways.length === 0 ? ['mesh'] : vs.gateways;
      const exportTo = exportToSet(vs.exportTo, vs.namespace, settings.defaultVirtualServiceExportTo);
      if (exportTo.has('*')) {
        for (const gw of gws) push(this.publicByGateway, gw, vs);
      } else if (!exportTo.has('~')) {
        for (const e of exportTo) {
          for (const gw of gws) push(e === vs.namespace ? this.privateByGateway : this.exportedByGateway, `${e}/${gw}`, vs);
        }
      }
    }
    this.gateways = [...world.list('networking.istio.io', 'Gateway').map(parseGateway), ...ingress.gateways].sort(byCreation);
    this.sidecars = world.list('networking.istio.io', 'Sidecar').map(o => parseSidecar(o.manifest, o.name, o.namespace)).sort(byCreation);
    this.sidecars = [...this.sidecars.filter(s => s.workloadSelector), ...this.sidecars.filter(s => !s.workloadSelector)];
    this.peerAuthentications = world.list('security.istio.io', 'PeerAuthentication').map(o => {
      const spec = isObj(o.manifest.spec) ? o.manifest.spec : {};
      const selector = isObj(spec.selector) ? strMap(spec.selector.matchLabels) : undefined;
      const portLevel = new Map<number, string | undefined>();
      if (isObj(spec.portLevelMtls)) {
        for (const [k, v] of Object.entries(spec.portLevelMtls)) portLevel.set(num(k), isObj(v) && str(v.mode) !== '' && str(v.mode) !== 'UNSET' ? str(v.mode) : undefined);
      }
      const mode = isObj(spec.mtls) ? str(spec.mtls.mode) : '';
      return {
        name: o.name,
        namespace: o.namespace,
        creation: creationOf(o.manifest.metadata),
        ...(selector && Object.keys(selector).length > 0 ? { selector } : {}),
        ...(mode !== '' && mode !== 'UNSET' ? { mode } : {}),
        portLevel,
      };
    });
  }

  /**
   * VirtualServicesForGateway: the VirtualServices bound to a gateway (`mesh` for sidecars) that a namespace sees —
   * those private to it, those exported to it, then the public ones (routes with gateway semantics of the namespace first).
   */
  public virtualServicesForGateway(namespace: string, gateway: string): VirtualServiceConfig[] {
    const pub = this.publicByGateway.get(gateway) ?? [];
    const own = (vs: VirtualServiceConfig) => vs.semantics === 'gateway' && vs.namespace === namespace;
    return [
      ...(this.privateByGateway.get(`${namespace}/${gateway}`) ?? []),
      ...(this.exportedByGateway.get(`${namespace}/${gateway}`) ?? []),
      ...pub.filter(own),
      ...pub.filter(vs => !own(vs)),
    ];
  }

  /**
   * Whether a proxy's labels change its outbound configuration: some VirtualService match names source labels, or some
   * DestinationRule selects workloads. When not, sidecars of one namespace and Sidecar share their outbound view.
   */
  public get labelSensitive(): boolean {
    if (this.labelSensitiveCache === undefined) {
      const vsUses = this.virtualServices.some(vs => vs.http.some(r => r.match.some(m => Object.keys(m.sourceLabels).length > 0))
        || [...vs.tcp, ...vs.tls].some(r => r.match.some(m => Object.keys(m.sourceLabels).length > 0)));
      const drUses = this.world.list('networking.istio.io', 'DestinationRule').some(o => isObj(o.manifest.spec) && isObj(o.manifest.spec.workloadSelector));
      this.labelSensitiveCache = vsUses || drUses;
    }
    return this.labelSensitiveCache;
  }

  /** The three visibility lists of `mesh` VirtualServices for a namespace, in SelectVirtualServices' order. */
  public meshVirtualServiceLists(namespace: string): VirtualServiceConfig[][] {
    return [
      this.privateByGateway.get(`${namespace}/mesh`) ?? [],
      this.exportedByGateway.get(`${namespace}/mesh`) ?? [],
      this.publicByGateway.get('mesh') ?? [],
    ];
  }
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const same = m.get(k);
  if (same) same.push(v);
  else m.set(k, [v]);
}

/** A Sidecar object (networking.istio.io). */
export function parseSidecar(manifest: { metadata: unknown; spec?: unknown }, name: string, namespace: string): SidecarConfig {
  const spec = isObj(manifest.spec) ? manifest.spec : {};
  const port = (p: unknown) => (isObj(p) ? { number: num(p.number), protocol: str(p.protocol), name: str(p.name) } : undefined);
  const otp = isObj(spec.outboundTrafficPolicy) ? str(spec.outboundTrafficPolicy.mode) : '';
  return {
    name,
    namespace,
    creation: creationOf(manifest.metadata),
    ...(isObj(spec.workloadSelector) ? { workloadSelector: strMap(spec.workloadSelector.labels) } : {}),
    egress: (Array.isArray(spec.egress) ? spec.egress : []).filter(isObj).map(e => ({
      ...(port(e.port) && port(e.port)!.number > 0 ? { port: port(e.port) } : {}),
      bind: str(e.bind),
      captureMode: str(e.captureMode),
      hosts: strs(e.hosts),
    })),
    ingress: (Array.isArray(spec.ingress) ? spec.ingress : []).filter(isObj).map(i => ({
      port: port(i.port) ?? { number: 0, protocol: '', name: '' },
      bind: str(i.bind),
      captureMode: str(i.captureMode),
      defaultEndpoint: str(i.defaultEndpoint),
      ...(parseServerTls(i.tls) ? { tls: parseServerTls(i.tls) } : {}),
    })),
    ...(otp === 'ALLOW_ANY' || otp === 'REGISTRY_ONLY' ? { outboundTrafficPolicy: otp } : otp === '' && isObj(spec.outboundTrafficPolicy) ? { outboundTrafficPolicy: 'REGISTRY_ONLY' as const } : {}),
  };
}
