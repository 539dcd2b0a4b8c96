import { objectNotes } from '../../core/object-notes';
import { isObj, nameOf } from '../context';
import { Analyzer, FindingLevel } from '../model';

/*
 * mesh-kit's own check of the service routes a gateway route carries (MK0020), found at synth.
 */

const NET = 'networking.istio.io';

/** What an object holds at a path such as `spec.http[0].route`. */
function valueAt(root: unknown, path: string): unknown {
  let at = root;
  for (const [, key, index] of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (!isObj(at) && !Array.isArray(at)) return undefined;
    at = index !== undefined ? (Array.isArray(at) ? at[Number(index)] : undefined) : (isObj(at) ? at[key] : undefined);
  }
  return at;
}
const name = nameOf;

const serviceRouteSkipped: Analyzer = {
  analyzer: 'meshkit.GatewayServiceRoutesChecker',
  code: 'MK0020',
  name: 'ServiceRouteSkippedAtGateway',
  level: FindingLevel.WARNING,
  description: 'a gateway route forwards to a whole service and carries its routes, but some of them could not be carried (a match that overlaps the '
    + 'gateway\'s without one containing the other, a route that delegates, a split whose service route sets policies): gateway requests skip them '
    + '(found at synth, where the gateway route\'s own matches are known)',
  run: ctx => [...ctx.of('VirtualService', NET), ...ctx.of('HTTPRoute', 'gateway.networking.k8s.io')].flatMap(o => objectNotes(o.construct, 'MK0020').map(note => ({
    object: o,
    message: `${o.manifest.kind} '${name(o)}' ${note.text} (mesh-kit MK0020)`,
    field: note.field ?? 'spec',
    value: note.value ?? (note.field ? valueAt(o.manifest, note.field) : undefined) ?? name(o),
    fix: note.fix ?? 'route the gateway\'s requests to the version the skipped route names, or narrow the gateway route\'s match to contain the service route\'s',
  }))),
};

/** mesh-kit's check of the service routes a gateway route could not carry. */
export const GATEWAY_SERVICE_ROUTE_ANALYZERS: Analyzer[] = [serviceRouteSkipped];
