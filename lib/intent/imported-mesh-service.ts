/**
 * Services this app does not deploy, imported so that routes can target them (`MeshService.fromAttributes`).
 *
 * @module
 */
import { Construct } from 'constructs';
import { MeshServiceAttributes } from './mesh-service-props';
import { MeshServicePort } from './ports';
import { IMeshService, IRouteTarget } from './route';
import { fail, problem } from '../core/errors';
import { importAt, markExternal } from '../core/external-references';
import { checkDnsLabel, checkServiceName } from '../core/names';

/** A service declared elsewhere; see {@link MeshService.fromAttributes}. */
export class ImportedMeshService implements IMeshService, IRouteTarget {
  public readonly name: string;
  public readonly namespace?: string;
  public readonly subset?: string = undefined;
  public readonly service: IMeshService = this;
  private readonly _ports: MeshServicePort[];
  private readonly _versions: string[];

  public constructor(attrs: MeshServiceAttributes) {
    if (typeof attrs?.name === 'string' && attrs.name.includes('.')) {
      fail(problem('name', 'must be the name of a Service of the cluster: an external host is declared by a ServiceEntry, which routes target as they target a service',
        attrs.name, `const api = new ServiceEntry(scope, id, { hosts: ['${attrs.name}'] }); RouteAction.forward(api)`));
    }
    for (const err of [
      checkServiceName('name', attrs.name),
      attrs.namespace !== undefined ? checkDnsLabel('namespace', attrs.namespace) : undefined,
      ...(attrs.versions ?? []).map(v => checkDnsLabel('versions', v)),
    ]) {
      if (err) fail(err);
    }
    if (attrs.ports.length === 0) fail(problem('ports', 'must hold at least one port', '[]'));
    this.name = attrs.name;
    this.namespace = attrs.namespace;
    this._ports = attrs.ports.map(p => ({ ...p }));
    this._versions = [...(attrs.versions ?? [])];
  }

  public get ports(): MeshServicePort[] {
    return this._ports.map(p => ({ ...p }));
  }

  public get versionNames(): string[] {
    return [...this._versions];
  }

  public version(name: string): IRouteTarget {
    if (!this._versions.includes(name)) {
      fail(problem('version', `must be a version of service '${this.name}'`, name,
        this._versions.length > 0 ? `its versions are ${this._versions.map(n => `'${n}'`).join(', ')}` : 'it was imported without versions'));
    }
    return { service: this, subset: name };
  }
}

/** A service declared elsewhere, imported into an app: a construct, so that the import is the app's; see {@link MeshService.fromAttributes}. */
export class MeshServiceImport extends Construct implements IMeshService, IRouteTarget {
  public readonly name: string;
  public readonly namespace?: string;
  public readonly subset?: string = undefined;
  public readonly service: IMeshService = this;

  private readonly imported: ImportedMeshService;

  public constructor(scope: Construct, id: string, attrs: MeshServiceAttributes) {
    super(scope, id);
    this.imported = importAt(this, 'MeshService.fromAttributes', () => new ImportedMeshService(attrs));
    this.name = this.imported.name;
    this.namespace = this.imported.namespace;
    markExternal(this, 'service', this.namespace, this.name);
  }

  public get ports(): MeshServicePort[] {
    return this.imported.ports;
  }

  public get versionNames(): string[] {
    return this.imported.versionNames;
  }

  public version(name: string): IRouteTarget {
    return { ...this.imported.version(name), service: this };
  }
}
