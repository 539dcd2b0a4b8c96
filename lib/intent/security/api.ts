// the `security.istio.io` version is the renderers' (the Istio back-end reads it too): constructs import it from here
export { securityApiVersion } from '../../render/istio/security';
