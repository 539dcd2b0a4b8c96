import { IstioIndex } from './config-index';
import { ProxyModel, ServiceTarget, SidecarScope, buildSidecarScope, serviceTargets, sidecarFor } from './sidecar-scope';

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
  // a scope depends on the proxy's type, namespace and Sidecar resource only: built once for all of them
  const sidecar = sidecarFor(index, proxy);
  const key = `scope|${proxy.type}|${proxy.configNamespace}|${sidecar ? `${sidecar.namespace}/${sidecar.name}` : ''}`;
  let scope = index.shared.get(key) as SidecarScope | undefined;
  if (!scope) index.shared.set(key, scope = buildSidecarScope(index, proxy));
  return {
    index,
    proxy,
    scope,
    dnsDomain: `${proxy.configNamespace}.svc.${index.settings.domainSuffix}`,
    targets: serviceTargets(index, proxy),
  };
}
