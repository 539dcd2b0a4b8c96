import { App } from 'cdk8s';
import { routeFromZtunnel, throughIngressWaypoints } from './ambient';
import { Caller } from './caller';
import { TrafficExpectation, checkExpectation, compareResult } from './expect';
import { routeThroughGateway } from './gateway-api';
import { routeFromSidecar, routeThroughIstioGateway } from './istio';
import { routeByKubeProxy } from './kubernetes';
import { routeFromLinkerdProxy } from './linkerd';
import { authorize } from './policy';
import { NormalizedRequest, gatewayNames, normalizeRequest } from './request';
import { TrafficRequest, TrafficResult } from './types';
import { WorkloadInfo, World, WorldObject, labelSelectorMatches, selectsLabels } from './world';
import { isObj, str, strMap } from '../analysis/context';
import { inputFiles, readManifests } from '../analysis/files';
import { objectsOfYaml } from '../analysis/load';
import { MeshValidationError, meshError, problem } from '../core/errors';
import { RenderedChart, renderApp } from '../hosting/cdk8s/render-app';
import { Manifest } from '../render/model';

/** Options of {@link Mesh.fromApp}. */
export interface MeshFromAppOptions {
  /**
   * The files (chart file names without extension, as `MeshChart.fileName` gives them: `shop`, `nginx-canary.stage-10`)
   * applied, in this order. Files of one app are often alternatives (a canary's stages): name the ones applied together.
   * @default - every chart, in the app's order (a later object of one kind and name replaces an earlier one, as `kubectl apply` does)
   */
  readonly files?: readonly string[];
}

/**
 * A model of the data plane over a set of Kubernetes objects: ask it where a request goes.
 *
 * ```ts
 * const mesh = Mesh.fromApp(app);
 * mesh.request({ from: 'shop/productpage', host: 'reviews', headers: { 'end-user': 'jason' } }).destinations
 * // [{ service: 'shop/reviews', port: 9080, subset: 'v2', version: 'v2', workloads: ['shop/reviews-v2'], weight: 100 }]
 * ```
 *
 * It answers as each implementation routes: Istio's sidecars and gateways (the Envoy configuration istiod generates),
 * Istio ambient (ztunnel and waypoints), the Gateway API's gateways and routes on Services, Linkerd's proxies, and
 * kube-proxy for workloads outside any mesh. The objects are indexed once; each request is answered from the index.
 */
export class Mesh {
  /** The objects of an app, as its charts render them. */
  public static fromApp(app: App, options: MeshFromAppOptions = {}): Mesh {
    if (!(app instanceof App)) throw meshError([problem('app', 'must be a cdk8s App (a MeshApp)', app)], { call: 'Mesh.fromApp' });
    const charts = renderApp(app);
    const names = charts.map(c => c.fileName);
    let chosen = charts;
    if (options.files !== undefined) {
      if (!Array.isArray(options.files)) throw meshError([problem('options.files', 'must be a list of chart file names', options.files)], { call: 'Mesh.fromApp' });
      chosen = options.files.map(f => {
        const chart = charts.find(c => c.fileName === f);
        if (!chart) throw meshError([problem('options.files', 'must name files of the app', f, `its files are ${names.map(n => `'${n}'`).join(', ')}`)], { call: 'Mesh.fromApp' });
        return chart;
      });
    }
    return new Mesh([...chosen.flatMap(c => c.objects.map(manifest => ({ manifest, file: c.fileName }))), ...chosen.flatMap(meshConfigMapOf)], []);
  }

  /**
   * The objects of YAML files and folders (`.yaml`, `.yml`, `.json`, folders walked in name order), as `mesh-kit analyze`
   * reads them: files that are not Kubernetes objects (Helm's `Chart.yaml` and values, a kustomization, a CI workflow,
   * a template) and symbolic links to nothing or in a loop are skipped, each with a note in {@link Mesh.notes}.
   */
  public static fromFiles(...paths: string[]): Mesh {
    const linkNotes: string[] = [];
    const files = inputFiles(paths, note => linkNotes.push(note));
    if (files.includes('-')) throw meshError(['\'-\' (standard input) is read by the command line only: pass file names'], { call: 'Mesh.fromFiles' });
    const read = readManifests(files, { skipNonManifests: true, inputNotes: linkNotes });
    const notes = read.notes.map(n => n.replace(' (--strict-input refuses it)', ''));
    return new Mesh(read.objects.map(o => ({ manifest: o.manifest, file: o.file, line: o.source?.line })), notes);
  }

  /** The objects of a multi-document YAML text. */
  public static fromYaml(text: string, file = '(yaml)'): Mesh {
    if (typeof text !== 'string') throw meshError([problem('text', 'must be YAML text', text)], { call: 'Mesh.fromYaml' });
    return new Mesh(objectsOfYaml(text, file).map(o => ({ manifest: o.manifest, file, line: o.source.line })), []);
  }

  /** Kubernetes objects as plain data. */
  public static fromObjects(objects: ReadonlyArray<{ readonly [field: string]: unknown }>): Mesh {
    if (!Array.isArray(objects)) throw meshError([problem('objects', 'must be a list of Kubernetes objects', objects)], { call: 'Mesh.fromObjects' });
    return new Mesh(objects as unknown as readonly Manifest[], []);
  }

  /** The index of the objects. @internal */
  public readonly world: World;

  /** What reading the input noted: files skipped because they are not Kubernetes objects, links not followed (`Mesh.fromFiles`). */
  public readonly notes: readonly string[];

  private constructor(
    objects: ReadonlyArray<Manifest | { readonly manifest: Manifest; readonly file?: string; readonly line?: number }>,
    notes: readonly string[],
  ) {
    this.world = new World(objects);
    this.notes = notes;
  }

  /** The workloads requests can start from, `namespace/name`. */
  public get workloads(): string[] {
    return this.world.workloads().map(w => w.key);
  }

  /** The gateways requests can enter, `namespace/name`. */
  public get gateways(): string[] {
    return gatewayNames(this.world);
  }

  /**
   * Where a request goes. An unknown workload, gateway or in-cluster host is a `MeshValidationError` naming the nearest
   * existing ones; everything the configuration decides (no route, a denial, no pods) is an outcome, not an error.
   */
  public request(request: TrafficRequest): TrafficResult {
    const req = normalizeRequest(this.world, request);
    return route(this.world, req);
  }

  /**
   * How a request's result differs from what is expected, one sentence per difference (empty: as expected). Usable from
   * any test runner: `assert.deepStrictEqual(mesh.check(request, { versions: { v2: 100 } }), [])`.
   */
  public check(request: TrafficRequest, expected: TrafficExpectation): string[] {
    const expectation = checkExpectation(expected);
    return compareResult(this.request(request), expectation);
  }

  /** Throws a `MeshValidationError` listing every difference when the request does not do what is expected. */
  public expectRoute(request: TrafficRequest, expected: TrafficExpectation): void {
    const differences = this.check(request, expected);
    if (differences.length > 0) {
      throw new MeshValidationError(`${requestText(request)} does not do what is expected:\n  ${differences.join('\n  ')}`);
    }
  }
}

/** A request as one line: `from shop/productpage GET reviews/ (end-user: jason)`. */
export function requestText(request: TrafficRequest): string {
  const origin = request.from !== undefined ? `from ${request.from}` : `through gateway ${request.gateway}`;
  const protocol = request.protocol ?? 'http';
  const target = `${request.host ?? '(gateway address)'}${request.port !== undefined ? `:${request.port}` : ''}`;
  const http = protocol !== 'tcp' && protocol !== 'tls';
  const headers = Object.entries(request.headers ?? {}).map(([k, v]) => `${k}: ${v}`);
  const scheme = protocol === 'grpc' ? 'grpc' : request.tls === true ? 'https' : 'http';
  return `${origin}: ${http ? `${request.method ?? (protocol === 'grpc' ? 'POST' : 'GET')} ${scheme}://${target}${request.path ?? '/'}` : `${protocol} ${target}`}`
    + `${headers.length > 0 ? ` (${headers.join(', ')})` : ''}`;
}

/**
 * An IstioInstallation written as Helm values or an IstioOperator file puts no object in its chart, but its istiod
 * release creates the `istio` ConfigMap in `istio-system` from its `meshConfig` (istio/istio
 * manifests/charts/istio-control/istio-discovery/templates/configmap.yaml): the engines read that ConfigMap, so it
 * stands for the installation here. GitOps outputs (Argo CD, Flux) carry the values in their objects already.
 */
function meshConfigMapOf(chart: RenderedChart): Array<{ manifest: Manifest; file: string }> {
  const install = chart.installation;
  if (!install || install.facts.mesh !== 'istio' || (install.model.output.kind !== 'helm' && install.model.output.kind !== 'istio-operator')) return [];
  const istiod = install.model.releases.find(r => r.chart === 'istiod');
  const meshConfig = istiod && isObj(istiod.values.meshConfig) ? istiod.values.meshConfig : {};
  return [{
    manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: JSON.stringify(meshConfig) } },
    file: `${chart.fileName} (the istio ConfigMap its IstioInstallation's istiod creates)`,
  }];
}

/** Routes a checked request through the data plane it starts in, then applies the destinations' authorization. */
export function route(world: World, req: NormalizedRequest): TrafficResult {
  let caller: Caller;
  let result: TrafficResult;
  if (req.source.kind === 'gateway') {
    const gateway = req.source.gateway;
    caller = { kind: 'gateway', gateway, workloads: gatewayWorkloads(world, gateway) };
    result = gateway.group === 'networking.istio.io' ? routeThroughIstioGateway(world, gateway, req) : routeThroughGateway(world, gateway, req);
    // an Istio gateway sends the shares of a Service with `istio.io/ingress-use-waypoint` through its waypoint
    result = throughIngressWaypoints(world, caller, result, req);
  } else {
    const workload = req.source.workload;
    caller = { kind: 'workload', workload };
    switch (workload.dataPlane) {
      case 'istio-sidecar': result = routeFromSidecar(world, workload, req); break;
      case 'istio-ambient': result = routeFromZtunnel(world, workload, req); break;
      case 'linkerd': result = routeFromLinkerdProxy(world, workload, req); break;
      case 'none': result = routeByKubeProxy(world, workload, req); break;
    }
  }
  const extension = extensionOf(world, caller, result);
  if (extension) {
    return { ...result, outcome: 'undecided', reason: extension, destinations: [], status: undefined, notes: [...result.notes, `without it: ${result.reason}`] };
  }
  return authorize(world, caller, result, req);
}

/** The pods that run a gateway: an Istio Gateway's `selector`, a Gateway API Gateway's generated deployment (`gateway.networking.k8s.io/gateway-name`). */
export function gatewayWorkloads(world: World, gateway: WorldObject): readonly WorkloadInfo[] {
  return world.memo(`gateway-workloads/${gateway.group}/${gateway.namespace}/${gateway.name}`, () => findGatewayWorkloads(world, gateway));
}

function findGatewayWorkloads(world: World, gateway: WorldObject): readonly WorkloadInfo[] {
  const spec = isObj(gateway.manifest.spec) ? gateway.manifest.spec : {};
  if (gateway.group === 'networking.istio.io') {
    const selector = strMap(spec.selector);
    // Istio's gateway selector is cluster-wide unless PILOT_SCOPE_GATEWAY_TO_NAMESPACE is set
    return world.workloads().filter(w => Object.keys(selector).length > 0 && selectsLabels(selector, w.podLabels));
  }
  return world.workloads().filter(w => w.namespace === gateway.namespace && w.podLabels['gateway.networking.k8s.io/gateway-name'] === gateway.name);
}

/**
 * An EnvoyFilter or WasmPlugin that applies to a proxy the request passes (the gateway's or caller's, or a
 * destination's sidecar): the model does not run them, so it cannot say what they change.
 */
function extensionOf(world: World, caller: Caller, result: TrafficResult): string | undefined {
  if (world.list('networking.istio.io', 'EnvoyFilter').length === 0 && world.list('extensions.istio.io', 'WasmPlugin').length === 0) return undefined;
  const proxies = caller.kind === 'gateway' ? caller.workloads : caller.workload.dataPlane.startsWith('istio') ? [caller.workload] : [];
  const destinations = result.destinations.flatMap(d => d.workloads).map(k => world.workload(k)).filter(w => w !== undefined && w.dataPlane.startsWith('istio'));
  const rootNamespace = 'istio-system';
  for (const kind of ['EnvoyFilter', 'WasmPlugin']) {
    const group = kind === 'EnvoyFilter' ? 'networking.istio.io' : 'extensions.istio.io';
    for (const f of world.list(group, kind)) {
      const spec = isObj(f.manifest.spec) ? f.manifest.spec : {};
      const selector = isObj(spec.workloadSelector) ? strMap(spec.workloadSelector.labels) : isObj(spec.selector) ? spec.selector : undefined;
      const hits = [...proxies, ...destinations].find(w => w !== undefined && (f.namespace === rootNamespace || f.namespace === w.namespace)
        && (selector === undefined || (kind === 'EnvoyFilter' ? selectsLabels(selector as { [k: string]: string }, w.podLabels) : labelSelectorMatches(selector, w.podLabels))));
      if (hits) {
        return `${kind} ${f.namespace}/${f.name} applies to the proxy of ${hits.key}: the model does not run ${kind === 'EnvoyFilter' ? 'EnvoyFilter patches' : 'Wasm extensions'}, so it cannot tell what the request meets (${str(f.file) || 'configuration'})`;
      }
    }
  }
  return undefined;
}
