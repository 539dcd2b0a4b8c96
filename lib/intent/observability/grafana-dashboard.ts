import { fail, problem } from '../../core/errors';
import { checkDnsLabel } from '../../core/names';
import { DashboardModel } from '../../render/addons';

/** Options of a {@link GrafanaDashboard}. */
export interface GrafanaDashboardOptions {
  /**
   * The dashboard provider (a folder of files; its JSON dashboards are kept in the ConfigMap
   * `<provider>-grafana-dashboards`, e.g. Istio's `istio-grafana-dashboards`).
   * @default - the mesh's name: 'istio' or 'linkerd'
   */
  readonly provider?: string;

  /**
   * The Grafana folder the dashboard shows in.
   * @default - the provider's name
   */
  readonly folder?: string;
}

/**
 * A dashboard Grafana provisions at start: downloaded from grafana.com at a pinned revision, or
 * supplied as JSON.
 *
 * @example GrafanaDashboard.fromGrafanaCom('istio-mesh', 7639, 202)
 */
export class GrafanaDashboard {
  /**
   * A dashboard published on grafana.com (e.g. Istio's: 7639 mesh, 7636 service, 7630 workload,
   * 7645 control plane, 11829 performance), downloaded by an init container at pod start, with TLS
   * verified. The revision is required: dashboards change between revisions, and the same input must
   * give the same cluster. Its `${DS_PROMETHEUS}` input is bound to the provisioned Prometheus.
   *
   * @param name the file name without `.json` (a DNS label)
   * @param id the grafana.com dashboard id
   * @param revision the revision to download
   */
  public static fromGrafanaCom(name: string, id: number, revision: number, options: GrafanaDashboardOptions = {}): GrafanaDashboard {
    for (const [field, n] of [['id', id], ['revision', revision]] as const) {
      if (!Number.isInteger(n) || n < 1) fail(problem(field, 'must be a whole number of at least 1', n, 'see https://grafana.com/grafana/dashboards/'));
    }
    return new GrafanaDashboard(name, options, undefined, { id, revision });
  }

  /**
   * A dashboard supplied as JSON text (e.g. exported from Grafana, or read from a file with
   * `fs.readFileSync`), kept in the provider's ConfigMap as given.
   *
   * @param name the file name without `.json` (a DNS label)
   * @param json the dashboard model, a JSON object
   */
  public static fromJson(name: string, json: string, options: GrafanaDashboardOptions = {}): GrafanaDashboard {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (e) {
      fail(problem('json', 'must be valid JSON', `${json.slice(0, 40)}${json.length > 40 ? '…' : ''}`, (e as Error).message));
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      fail(problem('json', 'must be a JSON object (a Grafana dashboard model)', `${json.slice(0, 40)}`));
    }
    return new GrafanaDashboard(name, options, json, undefined);
  }

  private constructor(
    /** The file name without `.json`. */
    public readonly name: string,
    private readonly options: GrafanaDashboardOptions,
    private readonly json: string | undefined,
    private readonly gnet: { id: number; revision: number } | undefined,
  ) {
    const err = checkDnsLabel('name', name)
      ?? (options.provider !== undefined ? checkDnsLabel('provider', options.provider) : undefined);
    if (err) fail(err);
    if (options.folder !== undefined && (options.folder.trim() === '' || /[\n\r]/.test(options.folder))) {
      fail(problem('folder', 'must be a non-empty, one-line folder title', options.folder));
    }
  }

  /** @internal */
  public _model(defaultProvider: string): DashboardModel {
    const provider = this.options.provider ?? defaultProvider;
    return { provider, folder: this.options.folder ?? provider, file: `${this.name}.json`, json: this.json, gnet: this.gnet ? { ...this.gnet } : undefined };
  }
}
