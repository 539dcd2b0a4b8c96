import { portAndSourceOf } from './matches';
import { RouteAction } from './route';
import { fail, problem } from '../core/errors';
import { TcpMatchModel } from '../render/model';

/** Options of {@link TcpMatch.of}: every condition given must hold. */
export interface TcpMatchOptions {
  /**
   * The service port the connection is to.
   * @default - any port
   */
  readonly port?: number;
  /**
   * Labels of the calling pods.
   * @default - any caller
   */
  readonly sourceLabels?: { [key: string]: string };
  /**
   * The calling pods' namespace.
   * @default - any namespace
   */
  readonly sourceNamespace?: string;
}

/** Which TCP connections a {@link TcpRouteOptions} applies to: by port and caller (there is no URI or header in TCP). */
export class TcpMatch {
  /** Connections meeting every given condition; at least one. */
  public static of(options: TcpMatchOptions): TcpMatch {
    if (options.port === undefined && !Object.keys(options.sourceLabels ?? {}).length && options.sourceNamespace === undefined) {
      fail(problem('options', 'must hold at least one of port, sourceLabels, sourceNamespace', {}, 'leave the match out to match every connection'));
    }
    return new TcpMatch(portAndSourceOf(options));
  }

  private constructor(/** @internal */ public readonly _model: TcpMatchModel) {}
}

/** One route of opaque TCP traffic of a {@link ServiceRouting} (`addTcpRoute()`): shift connections between versions. */
export interface TcpRouteOptions {
  /**
   * Connections the route applies to: any one of these matches.
   * @default - every connection
   */
  readonly match?: TcpMatch[];
  /** Where the connections go: `RouteAction.forward` or `RouteAction.weightedForward` (a redirect is HTTP). */
  readonly action: RouteAction;
}
