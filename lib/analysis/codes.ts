/**
 * The catalogue of the analysis: every check and the codes it reports, apart from the run (run.ts), so that what
 * needs the codes only (`Suppressions`, loading it lazily) does not load the run, which reads suppressions.
 *
 * @module
 */
import { AMBIENT_ANALYZERS } from './analyzers/ambient';
import { ANNOTATION_ANALYZERS } from './analyzers/annotations';
import { ARGO_ROLLOUTS_ANALYZERS } from './analyzers/argo-rollouts';
import { AUTHZ_ANALYZERS } from './analyzers/authz';
import { DEPLOYMENT_ANALYZERS } from './analyzers/deployment';
import { DEPRECATION_ANALYZERS } from './analyzers/deprecation';
import { DESTINATION_RULE_ANALYZERS } from './analyzers/destinationrule';
import { ENVOY_FILTER_ANALYZERS } from './analyzers/envoyfilter';
import { FLAGGER_ANALYZERS } from './analyzers/flagger';
import { GATEWAY_ANALYZERS } from './analyzers/gateway';
import { GATEWAY_SERVICE_ROUTE_ANALYZERS } from './analyzers/gateway-service-routes';
import { INJECTION_ANALYZERS } from './analyzers/injection';
import { INSTALLATION_ANALYZERS } from './analyzers/installation';
import { K8S_GATEWAY_ANALYZERS } from './analyzers/k8sgateway';
import { KIALI_ANALYZERS } from './analyzers/kiali';
import { KIALI_AMBIENT_ANALYZERS } from './analyzers/kiali-ambient';
import { KIALI_GATEWAY_API_ANALYZERS } from './analyzers/kiali-gateway-api';
import { KIALI_SECURITY_ANALYZERS } from './analyzers/kiali-security';
import { KIALI_TRAFFIC_ANALYZERS } from './analyzers/kiali-traffic';
import { LINKERD_QUIET_ANALYZERS } from './analyzers/linkerd-quiet';
import { LOCALITY_ANALYZERS } from './analyzers/locality';
import { MESH_ROUTE_CONFLICT_ANALYZERS } from './analyzers/mesh-route-conflicts';
import { POLICY_SELECTOR_ANALYZERS } from './analyzers/policy-selectors';
import { QUIET_MISTAKE_ANALYZERS } from './analyzers/quiet-mistakes';
import { ROUTE_CONFLICT_ANALYZERS } from './analyzers/route-conflicts';
import { ROUTE_POLICY_ANALYZERS } from './analyzers/route-policies';
import { SCHEMA_ANALYZERS } from './analyzers/schema';
import { SERVICE_ANALYZERS } from './analyzers/service';
import { SERVICE_ENTRY_ANALYZERS } from './analyzers/serviceentry';
import { SIDECAR_ANALYZERS } from './analyzers/sidecar';
import { SIDECAR_MTLS_ANALYZERS } from './analyzers/sidecar-mtls';
import { TELEMETRY_ANALYZERS } from './analyzers/telemetry';
import { VIRTUAL_SERVICE_ANALYZERS } from './analyzers/virtualservice';
import { Analyzer } from './model';

/** Every check, in code order (a code Istio reports from several analyzers appears once per analyzer). */
export const ANALYZERS: readonly Analyzer[] = [
  // Istio's analyzer packages (istio/istio pkg/config/analysis/analyzers/<package>/), one file each
  ...ANNOTATION_ANALYZERS, ...AUTHZ_ANALYZERS, ...DEPLOYMENT_ANALYZERS, ...DEPRECATION_ANALYZERS, ...DESTINATION_RULE_ANALYZERS,
  ...ENVOY_FILTER_ANALYZERS, ...GATEWAY_ANALYZERS, ...INJECTION_ANALYZERS, ...K8S_GATEWAY_ANALYZERS, ...SCHEMA_ANALYZERS, ...SERVICE_ANALYZERS,
  ...SERVICE_ENTRY_ANALYZERS, ...SIDECAR_ANALYZERS, ...TELEMETRY_ANALYZERS, ...VIRTUAL_SERVICE_ANALYZERS,
  // Kiali's, then mesh-kit's own, each in a file named for what it checks
  ...KIALI_ANALYZERS, ...SIDECAR_MTLS_ANALYZERS,
  ...KIALI_AMBIENT_ANALYZERS, ...ROUTE_POLICY_ANALYZERS, ...POLICY_SELECTOR_ANALYZERS, ...GATEWAY_SERVICE_ROUTE_ANALYZERS,
  ...AMBIENT_ANALYZERS, ...INSTALLATION_ANALYZERS, ...ROUTE_CONFLICT_ANALYZERS, ...MESH_ROUTE_CONFLICT_ANALYZERS,
  ...KIALI_TRAFFIC_ANALYZERS,
  ...KIALI_SECURITY_ANALYZERS, ...KIALI_GATEWAY_API_ANALYZERS,
  ...LINKERD_QUIET_ANALYZERS,
  ...ARGO_ROLLOUTS_ANALYZERS,
  ...FLAGGER_ANALYZERS,
  ...QUIET_MISTAKE_ANALYZERS,
  ...LOCALITY_ANALYZERS,
].sort((a, b) => a.code.localeCompare(b.code) || a.analyzer.localeCompare(b.analyzer));

/** The codes the analysis reports: every check's, and IST0106 (schema validation). */
export const ANALYSIS_CODES: readonly string[] = ['IST0106', ...ANALYZERS.map(a => a.code)].filter((c, i, all) => all.indexOf(c) === i).sort();
