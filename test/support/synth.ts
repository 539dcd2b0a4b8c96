import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { K8sObject, parseObjects } from './shared';

/** Synthesizes an app exactly as `cdk8s synth` writes it, and returns `file name -> YAML text`. */
export function synthFiles<A extends App>(
  build: (app: A) => void,
  makeApp: (outdir: string) => A = outdir => new App({ outdir }) as A,
): Map<string, string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-kit-test-'));
  try {
    const app = makeApp(outdir);
    build(app);
    app.synth();
    const files = fs.readdirSync(outdir, { recursive: true }).map(String).filter(f => f.endsWith('.yaml')).sort();
    return new Map(files.map(f => [f, fs.readFileSync(path.join(outdir, f), 'utf8')]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Every object the app synthesizes, across its files. */
export function synthObjects(build: (app: App) => void): K8sObject[] {
  return [...synthFiles(build).values()].flatMap(parseObjects);
}

/** The object of `kind` named `name`; fails the test when there is not exactly one. */
export function only(objects: K8sObject[], kind: string, name?: string): K8sObject {
  const found = objects.filter(o => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}${name ? ` '${name}'` : ''}, found ${found.length}: ${objects.map(o => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  }
  return found[0];
}

/** The error that synthesizing the app throws; fails the test when it does not throw. */
export function synthError<A extends App>(build: (app: A) => void, makeApp?: (outdir: string) => A): string {
  try {
    synthFiles(build, makeApp);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected synth to fail, but it succeeded');
}
