export { routeFromLinkerdProxy } from './outbound';
export { DEFAULT_OPAQUE_PORTS, linkerdPortProtocol, linkerdRouteKind } from './protocol';
export type { LinkerdPortProtocol } from './protocol';
export { parseDuration, parseFailureAccrual, parseRetry, parseTimeouts } from './annotations';
export type { FailureAccrual, LinkerdRetry, LinkerdTimeouts, Parsed } from './annotations';
export { egressFor, GLOBAL_EGRESS_NAMESPACE } from './egress';
