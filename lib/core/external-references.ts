import { AnalysisExternals } from '../analysis/model';

const services = new Set<string>();
const gateways = new Set<string>();

/**
 * What the app imports rather than creates (`MeshService.fromAttributes`, `IngressGateway.fromAttributes`): the
 * synth-time analysis counts them as existing. Imports carry no construct scope, so they are recorded for the
 * process; an import only ever makes the analysis accept references to the thing imported.
 * @internal
 */
export class ExternalReferences {
  /** A Service `namespace/name` (`*` as namespace: whichever namespace the referring object resolves it in). */
  public static service(namespace: string | undefined, name: string): void {
    services.add(`${namespace ?? '*'}/${name}`);
  }

  /** A gateway `namespace/name` (`*`: any namespace). */
  public static gateway(namespace: string | undefined, name: string): void {
    gateways.add(`${namespace ?? '*'}/${name}`);
  }

  /** Everything imported so far. */
  public static declared(): AnalysisExternals {
    return { services: [...services].sort(), gateways: [...gateways].sort() };
  }

  private constructor() {}
}
