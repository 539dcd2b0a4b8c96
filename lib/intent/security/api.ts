import { IstioApiVersion } from '../../core/settings';

/** The `security.istio.io` version for the chart's Istio API version (there is no `v1alpha3` security API: `v1beta1`). */
export function securityApiVersion(v: IstioApiVersion): string {
  return `security.istio.io/${v === IstioApiVersion.V1 ? 'v1' : 'v1beta1'}`;
}
