/**
 * The catalogue of the analysis: every check and the codes it reports, apart from the run (run.ts), so that what
 * needs the codes only (`Suppressions`, loading it lazily) does not load the run, which reads suppressions.
 *
 * @module
 */
import { AMBIENT_ANALYZERS } from './analyzers/ambient';
import { ANNOTATION_ANALYZERS } from './analyzers/annotations';
import { DESTINATION_RULE_ANALYZERS } from './analyzers/destination-rule';
import { GATEWAY_ANALYZERS } from './analyzers/gateway';
import { INSTALLATION_ANALYZERS } from './analyzers/installation';
import { KIALI_ANALYZERS } from './analyzers/kiali';
import { KUBERNETES_ANALYZERS } from './analyzers/kubernetes';
import { MESH_ROUTE_CONFLICT_ANALYZERS } from './analyzers/mesh-route-conflicts';
import { MISC_ANALYZERS } from './analyzers/misc';
import { ROUTE_CONFLICT_ANALYZERS } from './analyzers/route-conflicts';
import { SELECTOR_ANALYZERS } from './analyzers/selectors';
import { VIRTUAL_SERVICE_ANALYZERS } from './analyzers/virtual-service';
import { Analyzer } from './model';

/** Every check, in code order (a code Istio reports from several analyzers appears once per analyzer). */
export const ANALYZERS: readonly Analyzer[] = [
  ...VIRTUAL_SERVICE_ANALYZERS, ...DESTINATION_RULE_ANALYZERS, ...KUBERNETES_ANALYZERS, ...ANNOTATION_ANALYZERS,
  ...GATEWAY_ANALYZERS, ...SELECTOR_ANALYZERS, ...MISC_ANALYZERS, ...KIALI_ANALYZERS, ...AMBIENT_ANALYZERS, ...INSTALLATION_ANALYZERS,
  ...ROUTE_CONFLICT_ANALYZERS, ...MESH_ROUTE_CONFLICT_ANALYZERS,
].sort((a, b) => a.code.localeCompare(b.code) || a.analyzer.localeCompare(b.analyzer));

/** The codes the analysis reports: every check's, and IST0106 (schema validation). */
export const ANALYSIS_CODES: readonly string[] = ['IST0106', ...ANALYZERS.map(a => a.code)].filter((c, i, all) => all.indexOf(c) === i).sort();
