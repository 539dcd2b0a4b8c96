import { IConstruct } from 'constructs';
import { Manifest } from '../render/model';

/** How serious a finding is, as Istio's analyzer catalogue classes it. */
export enum FindingLevel {
  /** Istio calls it an error: synth stops. */
  ERROR = 'Error',
  /** Istio calls it a warning: printed and reported; an error with `warningsAsErrors`. */
  WARNING = 'Warning',
  /** Istio calls it information: reported only. */
  INFO = 'Info',
}

/** One object of the app, as the analyzers see it. */
export interface AnalyzedObject {
  readonly manifest: Manifest;
  /** The construct that emitted it (for its path and its suppressions). */
  readonly construct?: IConstruct;
  /** The file (chart) it is written to. */
  readonly file: string;
  /** The mesh its chart is rendered for (`istio`, `linkerd`, `none`): Istio's checks of plain Kubernetes objects apply to Istio charts only. */
  readonly mesh: string;
  /** Where it was read from, when it was read from YAML (the command-line analyzer). */
  readonly source?: { readonly file: string; readonly document: number; readonly line: number };
}

/**
 * What an analyzer reports about one object, in one shape for every check: what is wrong (`message`), where in the
 * object (`field`), what is written there (`value`) and what to do (`fix`). The report's message is
 * `<message>; <fix>`.
 */
export interface RawFinding {
  readonly object: AnalyzedObject;
  /** What is wrong, naming the object and the rule broken (not the fix: that is `fix`). */
  readonly message: string;
  /**
   * Where in the object, as a path from its root: `spec.http[0].route[1].destination.subset`, `metadata.labels`,
   * `spec` when the mistake is the object as a whole (a missing counterpart, a conflict with another object).
   */
  readonly field: string;
  /**
   * What is written at `field` (or, for an absence, what is asked for: the host or subset named that does not exist),
   * as data: a string, number, list or object.
   */
  readonly value: unknown;
  /** What to do, as one imperative sentence (`add a subset 'v3' to DestinationRule 'reviews'`), without a trailing period. */
  readonly fix: string;
}

/** One check: Istio's code, name and level, the analyzer that makes it, and the function that runs it. */
export interface Analyzer {
  /**
   * The analyzer it belongs to: Istio's name for it (`virtualservice.DestinationHostAnalyzer`, as in
   * istio/istio pkg/config/analysis/analyzers), `kiali.*` for Kiali's validations, `meshkit.*` for the library's own.
   */
  readonly analyzer: string;
  /** Istio's code, e.g. `IST0101`. */
  readonly code: string;
  /** Istio's name, e.g. `ReferencedResourceNotFound`. */
  readonly name: string;
  readonly level: FindingLevel;
  /** What it checks, in one line. */
  readonly description: string;
  readonly run: (ctx: AnalysisContext) => RawFinding[];
}

/** A finding of the report. */
export interface Finding {
  readonly code: string;
  /** The analyzer that found it (Istio's, Kiali's or mesh-kit's name for it). */
  readonly analyzer: string;
  readonly name: string;
  /** The level reported (a warning promoted by `warningsAsErrors` is an error). */
  readonly level: FindingLevel;
  /** `Kind namespace/name`. */
  readonly object: string;
  /** The construct path of the object. */
  readonly path: string;
  /** The file the object is written to (or was read from). */
  readonly file: string;
  /** The line of its document in that file, when it was read from YAML. */
  readonly line?: number;
  /** `[IST0101] <message>; <fix>`. */
  readonly message: string;
  /** Where in the object (`spec.http[0].route[1].destination.subset`; `spec` for the object as a whole). */
  readonly field?: string;
  /** What is written there (or what is asked for and absent), as text: strings as they are, other values as JSON. */
  readonly value?: string;
  /** What to do, in one sentence. */
  readonly fix?: string;
  /** The reason given with `Suppressions.add`, when the finding is suppressed. */
  readonly suppressedBecause?: string;
  /**
   * The world the finding was found in, when an app's charts are analyzed by worlds: `base` (the charts of no
   * alternative group), or `base + <file>` (the base with one alternative, `MeshChart.alternativeGroup`).
   */
  readonly world?: string;
}

/** A pod, or the pod template of a workload (before a cluster exists, the pods to be). */
export interface PodTemplateRef {
  readonly object: AnalyzedObject;
  readonly namespace: string;
  readonly labels: { readonly [key: string]: string };
  readonly annotations: { readonly [key: string]: string };
  /** The pod spec. */
  readonly spec: { readonly [key: string]: unknown };
  /** A workload's template (Deployment, StatefulSet...), not a Pod object. */
  readonly template: boolean;
  /** In the mesh as Istio's analyzers decide it: an istio-proxy container, its own sidecar.istio.io/inject, else its namespace's injection. */
  readonly inMesh: boolean;
}

/** What the analysis may assume exists besides the objects it reads (the partial world of an app that deploys part of a mesh). */
export interface AnalysisExternals {
  /**
   * Namespaces that exist outside the app: references into them (Services, gateways, Secrets) are assumed to resolve.
   * @default - none
   */
  readonly namespaces?: string[];
  /**
   * Services that exist outside the app, as `namespace/name`.
   * @default - none
   */
  readonly services?: string[];
  /**
   * Hosts that exist outside the app (`api.example.com`, `*.example.com`), as if a ServiceEntry declared them.
   * @default - none
   */
  readonly hosts?: string[];
  /**
   * Gateways that exist outside the app, as `namespace/name`.
   * @default - none
   */
  readonly gateways?: string[];
  /**
   * Secrets that exist outside the app (a gateway's `credentialName`, created by cert-manager...), as `namespace/name`.
   * @default - none
   */
  readonly secrets?: string[];
  /**
   * Pods that run outside the app (an installed egress gateway), by their labels, as `namespace/key=value[,key=value]`:
   * `istio-system/istio=egressgateway`. Selectors that pick them (a Gateway's) find a workload.
   * @default - none
   */
  readonly workloads?: string[];
}

/** The facts of a mesh config the checks read. */
export interface MeshConfigFacts {
  /** `rootNamespace`: policies there apply mesh-wide. */
  readonly rootNamespace: string;
  /** `ISTIO_META_DNS_CAPTURE` and `ISTIO_META_DNS_AUTO_ALLOCATE` are on: ServiceEntries get addresses. */
  readonly dnsAutoAllocate: boolean;
  /** `defaultProviders.accessLogging`. */
  readonly defaultAccessLogging: readonly string[];
  /** `extensionProviders`: name and kinds (`lightstep`, `zipkin`...). */
  readonly extensionProviders: ReadonlyArray<{ readonly name: string; readonly kinds: readonly string[] }>;
  readonly injectorEnablesNamespacesByDefault: boolean;
  /** `enableAutoMtls`: clients send mutual TLS to sidecars without a DestinationRule saying so. @default true */
  readonly autoMtls?: boolean;
  /** `trustDomain` and `trustDomainAliases`: the trust domains of the mesh's identities. @default ['cluster.local'] */
  readonly trustDomains?: readonly string[];
  /** Whether the mesh config was given (or an installation's), rather than Istio's defaults assumed. */
  readonly known?: boolean;
}

/** The mesh installations the app declares (IstioInstallation): what its namespaces and workloads are checked against. */
export interface InstallationsFacts {
  /** Each Istio installation: the revision its istiod serves (`default` for none) and whether ambient mode runs. */
  readonly istio: ReadonlyArray<{ readonly revision: string; readonly ambient: boolean; readonly path: string }>;
}

/** A host a destination can resolve to: a Service, a ServiceEntry, or (partial world) something declared external. */
export interface HostEntry {
  readonly object?: AnalyzedObject;
  /** Its port numbers (none known for an external one). */
  readonly ports: readonly number[];
  /** A ServiceEntry's workloadSelector labels. */
  readonly workloadSelector?: { readonly [key: string]: string };
  /** Declared external (partial world): nothing more is known of it. */
  readonly external?: boolean;
}

/** The objects, indexed for the analyzers. */
export interface AnalysisContext {
  readonly objects: readonly AnalyzedObject[];
  /** `closed`: the objects are the whole world (istioctl analyze --use-kube=false); `partial`: an app that declares what else exists. */
  readonly world: 'closed' | 'partial';
  readonly meshConfig: MeshConfigFacts;
  /** The installations the app declares, when it declares any. */
  readonly installations?: InstallationsFacts;
  /** Pods and workloads' pod templates. */
  readonly pods: readonly PodTemplateRef[];
  /** The objects of a kind (any group). */
  of(kind: string, group?: string): AnalyzedObject[];
  /** One object by kind, API group ('' for core), namespace and name. */
  find(kind: string, group: string, namespace: string, name: string): AnalyzedObject | undefined;
  /** The namespace an object lands in (`default` when it names none). */
  namespaceOf(o: AnalyzedObject): string;
  /** The Namespace object of that name. */
  namespace(name: string): AnalyzedObject | undefined;
  /** A Namespace object of that name exists (partial world: also one declared external, or one the app puts objects in). */
  namespaceExists(name: string): boolean;
  /** An Istio or Gateway API Gateway of that namespace and name exists (or is declared external). */
  gatewayExists(namespace: string, name: string): boolean;
  /** A Secret of that namespace and name exists (or is declared external). */
  secretExists(namespace: string, name: string): boolean;
  /** The pods of a namespace. */
  podsIn(namespace: string): readonly PodTemplateRef[];
  /** The pods a label selector selects, in one namespace or all (an empty selector selects all). */
  podsSelectedBy(selector: { readonly [k: string]: string } | undefined, namespace?: string): PodTemplateRef[];
  /** Whether a label selector selects any pod (of one namespace or all): podsSelectedBy(...).length > 0, without listing them. */
  anyPodSelectedBy(selector: { readonly [k: string]: string } | undefined, namespace?: string): boolean;
  /** The Services (with a non-empty selector) of a pod's namespace that select it, in object order. */
  servicesSelecting(pod: PodTemplateRef): AnalyzedObject[];
  /** Istio's GetDestinationHost: what a destination host resolves to from a namespace with an exportTo, if anything. */
  destinationHost(sourceNamespace: string, exportTo: readonly string[] | undefined, host: string): HostEntry | undefined;
}
