import { ApiObject } from 'cdk8s';
import { releaseIdentity } from '../../hosting/cdk8s/emit';
import { RouteHost, RouteKinds, RouteObjects } from '../backend';

/**
 * The routing objects of one routing construct, emitted as its routes need them (their bodies render at synth, so
 * later routes reach them): the part every back-end shares. A back-end says which objects in {@link sync}.
 */
export abstract class EmittedRoutes implements RouteObjects {
  /** The objects emitted, in order. */
  protected readonly objects: ApiObject[] = [];
  /** The ids of the objects emitted (their kind, or another id). */
  protected readonly emitted = new Set<string>();

  public constructor(protected readonly host: RouteHost) {}

  public get primary(): ApiObject {
    return this.objects[0];
  }

  public abstract sync(kinds: RouteKinds): void;

  /** Emits the object `id` unless it was. */
  protected once(id: string, make: () => ApiObject): void {
    if (this.emitted.has(id)) return;
    this.emitted.add(id);
    this.objects.push(make());
  }

  /** Removes an object of `apiVersion` and `kind` emitted for routes that never came (an HTTPRoute of a routing that turned out TCP-only). */
  protected drop(apiVersion: string, kind: string): void {
    if (!this.emitted.has(kind)) return;
    const { scope, name, namespace } = this.host;
    const i = this.objects.findIndex(o => o.kind === kind);
    if (i >= 0 && scope.node.tryRemoveChild(kind)) {
      this.objects.splice(i, 1);
      this.emitted.delete(kind);
      releaseIdentity(scope, { apiVersion, kind, name, namespace, body: [] });
    }
  }
}

/** Whether the routes need an HTTP object: they hold HTTP routes, or no route at all yet. */
export function needsHttp(kinds: RouteKinds): boolean {
  return kinds.http || (!kinds.tcp && !kinds.tls);
}
