export { authorizeResult as authorize } from './authorize';
export { istioPortProtocol, isHttpRequest } from './protocol';
export { callerIdentity, deployedGatewayServiceAccount, gatewayPods, istioGatewayKind, istioPrincipal, linkerdIdentity } from './identity';
