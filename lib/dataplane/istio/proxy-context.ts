import { IstioIndex } from './config-index';
import { ProxyModel, ServiceTarget, SidecarScope, buildSidecarScope, serviceTargets } from './sidecar-scope';

/** What every builder of one proxy's configuration reads: the world's index, the proxy, its scope and its service targets. */
export interface ProxyContext {
  readonly index: IstioIndex;
  readonly proxy: ProxyModel;
  readonly scope: SidecarScope;
  /** The proxy's DNS search domain, `<namespace>.svc.<cluster domain>` (short host names resolve against it). */
  readonly dnsDomain: string;
  readonly targets: readonly ServiceTarget[];
}

export function proxyContext(index: IstioIndex, proxy: ProxyModel): ProxyContext {
  return {
    index,
    proxy,
    scope: buildSidecarScope(index, proxy),
    dnsDomain: `${proxy.configNamespace}.svc.${index.settings.domainSuffix}`,
    targets: serviceTargets(index, proxy),
  };
}
