import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** README.md, CONTRIBUTING.md, CHANGELOG.md and the guides in docs/, relative to the repository. */
const DOCS = ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter(f => f.endsWith('.md')).map(f => `docs/${f}`)];
const SNIPPETS = fs.readdirSync(path.join(ROOT, 'docs', 'snippets')).filter(f => f.endsWith('.ts')).map(f => `docs/snippets/${f}`);

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as hyphens; repeats get -1, -2… */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const h = fenced ? null : /^#{1,6} (.*)$/.exec(line);
    if (!h) continue;
    const slug = h[1].trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

/** The markdown's links (target as written), outside code blocks and code spans. */
function links(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map(m => m[1]);
}

/** The TypeScript blocks of a markdown file, each with the line before it. */
function tsBlocks(markdown: string): Array<{ before: string; code: string }> {
  return [...markdown.matchAll(/^(.*)\n```ts\n([\s\S]*?)^```/gm)].map(m => ({ before: m[1], code: m[2] }));
}

/** What the docs show of a snippet file: its lines up to `// docs: end`, or all of it. */
function shown(snippet: string): string {
  const text = read(snippet);
  const end = text.indexOf('\n// docs: end');
  return end < 0 ? text : text.slice(0, end + 1);
}

describe('README.md', () => {
  const readme = read('README.md');

  test('is at most 400 lines, with a table of contents that links each of its sections', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(400);
    const contents = /^## Contents\n([\s\S]*?)\n## /m.exec(readme);
    expect(contents).not.toBeNull();
    const sections = [...readme.matchAll(/^## (.*)$/gm)].map(m => m[1]).filter(s => s !== 'Contents');
    const listed = links(contents![1]).filter(l => l.startsWith('#')).map(l => l.slice(1));
    expect(sections.map(s => [...anchors(`## ${s}`)][0]).filter(a => !listed.includes(a))).toStrictEqual([]);
  });

  test('links every guide in docs/', () => {
    const guides = DOCS.filter(d => d.startsWith('docs/'));
    expect(guides.length).toBeGreaterThanOrEqual(10);
    expect(guides.filter(g => !links(readme).includes(g))).toStrictEqual([]);
  });
});

describe('links of README.md, CONTRIBUTING.md, CHANGELOG.md and docs/*.md', () => {
  test.each(DOCS)('%s: every relative link names a file that exists, and a heading of it', doc => {
    const broken = links(read(doc)).filter(l => !/^[a-z]+:/.test(l)).filter(l => {
      const [file, anchor] = l.split('#');
      const target = file === '' ? doc : path.posix.normalize(path.posix.join(path.posix.dirname(doc), file));
      if (!fs.existsSync(path.join(ROOT, target))) return true;
      return anchor !== undefined && (!target.endsWith('.md') || !anchors(read(target)).has(anchor));
    });
    expect(broken).toStrictEqual([]);
  });
});

describe('the docs\' TypeScript is files, type-checked once', () => {
  test('every TypeScript block of the docs is a snippet file, as that file has it (or the README\'s quick start)', () => {
    const shownBy = new Map<string, string[]>();
    for (const doc of DOCS) {
      for (const [i, block] of tsBlocks(read(doc)).entries()) {
        const where = `${doc}, TypeScript block ${i + 1}`;
        if (doc === 'README.md' && i === 0) {
          expect(`${where}: ${block.code}`).toBe(`${where}: ${read('examples/quickstart/main.ts')}`);
          continue;
        }
        const file = /^<!-- snippet: (\S+) /.exec(block.before)?.[1];
        expect(`${where}: ${file ?? 'no <!-- snippet: FILE --> comment before it'}`).toMatch(/: docs\/snippets\/[a-z0-9-]+\.ts$/);
        expect(`${where}: ${block.code}`).toBe(`${where}: ${shown(file!)}`);
        shownBy.set(file!, [...(shownBy.get(file!) ?? []), where]);
      }
    }
    // each snippet is shown exactly once
    expect(SNIPPETS.filter(s => shownBy.get(s)?.length !== 1).map(s => `${s}: ${shownBy.get(s)?.join('; ') ?? 'shown nowhere'}`)).toStrictEqual([]);
  });

  test('test/tsconfig.json type-checks them (npm run test:slow runs it): no snippet is type-checked on its own', () => {
    const tsconfig = JSON.parse(read('test/tsconfig.json').replace(/^\/\/.*$/gm, '')) as { include: string[] };
    expect(tsconfig.include).toContain('../docs/snippets/**/*.ts');
    expect(SNIPPETS.length).toBeGreaterThanOrEqual(5);
  });
});

describe('CONTRIBUTING.md', () => {
  test('its table of layers says what LAYERS in .projenrc.ts (the lint rule) says', () => {
    const body = /^const LAYERS[^=]*= \{\n([\s\S]*?)^\};/m.exec(read('.projenrc.ts'))![1];
    const rule = Object.fromEntries([...body.matchAll(/^ {2}(\w+): \[(.*)\],$/gm)].map(m => [m[1], [...m[2].matchAll(/'(\w+)'/g)].map(x => x[1])]));
    const table = Object.fromEntries([...read('CONTRIBUTING.md').matchAll(/^\| `lib\/(\w+)\/` \| [^|]* \| (.*) \|$/gm)]
      .map(m => [m[1], [...m[2].matchAll(/`(\w+)`/g)].map(x => x[1])]));
    expect(Object.keys(rule).length).toBeGreaterThan(10);
    expect(table).toStrictEqual(rule);
  });
});

describe('CHANGELOG.md', () => {
  const changelog = read('CHANGELOG.md');
  const releases = changelog.split(/^(?=## )/m).slice(1);

  test('each release has a "Breaking" heading, first, and every breaking change is under it', () => {
    expect(releases.length).toBeGreaterThan(0);
    for (const release of releases) {
      const title = release.split('\n')[0];
      const headings = [...release.matchAll(/^### (.*)$/gm)].map(m => m[1]);
      expect(`${title}: ${headings[0]}`).toBe(`${title}: Breaking`);
      const outside = release.replace(/^### Breaking\n(?:(?!^### )[\s\S])*/m, '');
      expect(`${title}: ${outside}`).not.toMatch(/\*\*Breaking/);
    }
  });
});

describe('npm run regen', () => {
  test('runs every generator: each import task, API.md, the README artifacts', () => {
    const tasks = (JSON.parse(read('.projen/tasks.json')) as { tasks: { [name: string]: { steps?: Array<{ spawn?: string }> } } }).tasks;
    const generators = Object.keys(tasks).filter(n => /^(import|docgen$|readme:)/.test(n) && !n.endsWith(':check'));
    // (compiling first where a generator needs the compiled package)
    expect(tasks.regen.steps!.map(s => s.spawn).filter(s => s !== 'compile').sort()).toStrictEqual(generators.sort());
    expect(JSON.parse(read('package.json')).scripts.regen).toBe('projen regen');
  });
});
