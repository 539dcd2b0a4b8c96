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
}

/** What an analyzer reports about one object. */
export interface RawFinding {
  readonly object: AnalyzedObject;
  readonly message: string;
}

/** One check of the catalogue: Istio's code, name and level, and the function that runs it. */
export interface Analyzer {
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
  readonly name: string;
  /** The level reported (a warning promoted by `warningsAsErrors` is an error). */
  readonly level: FindingLevel;
  /** `Kind namespace/name`. */
  readonly object: string;
  /** The construct path of the object. */
  readonly path: string;
  /** The file the object is written to. */
  readonly file: string;
  /** `[IST0101] <message>`. */
  readonly message: string;
  /** The reason given with `Suppressions.add`, when the finding is suppressed. */
  readonly suppressedBecause?: string;
}

/** A pod template of a workload in the app. */
export interface PodTemplateRef {
  readonly object: AnalyzedObject;
  readonly namespace: string;
  readonly labels: { readonly [key: string]: string };
  readonly annotations: { readonly [key: string]: string };
  /** The pod spec. */
  readonly spec: { [key: string]: unknown };
}

/** The app's objects, indexed for the analyzers. */
export interface AnalysisContext {
  readonly objects: readonly AnalyzedObject[];
  /** Every pod template (Deployments, DaemonSets, StatefulSets, ReplicaSets, Jobs, Pods). */
  readonly pods: readonly PodTemplateRef[];
  /** The objects of a kind (any group). */
  of(kind: string, group?: string): AnalyzedObject[];
  /** The namespace an object lands in (`default` when it names none). */
  namespaceOf(o: AnalyzedObject): string;
  /** The Service a host names, when the Service is in the app: `reviews`, `reviews.ns`, `reviews.ns.svc.cluster.local`. */
  serviceOf(host: string, fromNamespace: string): AnalyzedObject | undefined;
  /** Whether a host is declared by a ServiceEntry of the app. */
  serviceEntryDeclares(host: string): boolean;
  /** Whether the app declares the namespace (a Namespace object). */
  namespaceObject(name: string): AnalyzedObject | undefined;
  /** The Services of a namespace. */
  servicesIn(namespace: string): readonly AnalyzedObject[];
  /** The pod templates of a namespace. */
  podsIn(namespace: string): readonly PodTemplateRef[];
  /** The Services (with a selector) that select a pod template. */
  servicesSelecting(pod: PodTemplateRef): AnalyzedObject[];
  /** The pod templates a label selector of a namespace selects (an empty selector selects none). */
  podsSelectedBy(namespace: string, selector: { readonly [k: string]: string }): PodTemplateRef[];
  /** The DestinationRules whose host is the Service `name.namespace` (cluster-local hosts only). */
  destinationRulesOf(serviceKey: string): readonly AnalyzedObject[];
}
