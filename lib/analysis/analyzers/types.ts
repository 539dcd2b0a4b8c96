/** The parts of the Istio objects the analyzers read (every field optional: the objects may come from escape hatches). */

export interface StringMatch { readonly exact?: string; readonly prefix?: string; readonly regex?: string }

export interface HttpMatchRequest {
  readonly uri?: StringMatch;
  readonly authority?: StringMatch;
  readonly method?: StringMatch;
  readonly headers?: { readonly [name: string]: StringMatch };
  readonly queryParams?: { readonly [name: string]: StringMatch };
  readonly withoutHeaders?: { readonly [name: string]: StringMatch };
  readonly port?: number;
  readonly [key: string]: unknown;
}

export interface Destination { readonly host?: string; readonly subset?: string; readonly port?: { readonly number?: number } }

export interface HttpRoute {
  readonly name?: string;
  readonly match?: HttpMatchRequest[];
  readonly route?: Array<{ readonly destination?: Destination }>;
  readonly mirror?: Destination;
  readonly mirrors?: Array<{ readonly destination?: Destination }>;
  readonly timeout?: string;
  readonly retries?: { readonly attempts?: number; readonly perTryTimeout?: string };
  readonly fault?: unknown;
}

export interface VirtualServiceSpec {
  readonly hosts?: string[];
  readonly gateways?: string[];
  readonly exportTo?: string[];
  readonly http?: HttpRoute[];
  readonly tcp?: Array<{ readonly route?: Array<{ readonly destination?: Destination }> }>;
  readonly tls?: Array<{ readonly route?: Array<{ readonly destination?: Destination }> }>;
}

export interface ClientTlsSettings {
  readonly mode?: string;
  readonly caCertificates?: string;
  readonly credentialName?: string;
  readonly insecureSkipVerify?: boolean;
}

export interface TrafficPolicySpec {
  readonly tls?: ClientTlsSettings;
  readonly portLevelSettings?: Array<{ readonly port?: { readonly number?: number }; readonly tls?: ClientTlsSettings }>;
}

export interface DestinationRuleSpec {
  readonly host?: string;
  readonly exportTo?: string[];
  readonly workloadSelector?: { readonly matchLabels?: { [k: string]: string } };
  readonly trafficPolicy?: TrafficPolicySpec;
  readonly subsets?: Array<{ readonly name?: string; readonly labels?: { [k: string]: string }; readonly trafficPolicy?: TrafficPolicySpec }>;
}

export interface GatewaySpec {
  readonly selector?: { [k: string]: string };
  readonly servers?: Array<{
    readonly port?: { readonly number?: number; readonly name?: string; readonly protocol?: string };
    readonly hosts?: string[];
    readonly tls?: {
      readonly mode?: string;
      readonly credentialName?: string;
      readonly credentialNames?: string[];
      readonly serverCertificate?: string;
      readonly privateKey?: string;
      readonly caCertificates?: string;
    };
  }>;
}

export interface ServicePort {
  readonly name?: string;
  readonly port?: number;
  readonly targetPort?: number | string;
  readonly appProtocol?: string;
  readonly protocol?: string;
}

export interface ServiceSpec { readonly selector?: { [k: string]: string }; readonly ports?: ServicePort[]; readonly type?: string }

export interface SelectorSpec {
  readonly selector?: { readonly matchLabels?: { [k: string]: string } };
  readonly workloadSelector?: { readonly labels?: { [k: string]: string } };
  readonly targetRef?: unknown;
  readonly targetRefs?: unknown[];
}
