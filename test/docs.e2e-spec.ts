import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import GithubSlugger from 'github-slugger';
import { marked, type Token, type Tokens } from 'marked';

/** The README and docs/ link to each other and into the repository: every relative link must lead somewhere. */
describe('the documentation', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
  const anchorCache = new Map<string, Set<string>>();

  /** The anchors GitHub gives a page's headings (github-slugger is its algorithm, duplicates numbered). */
  function anchorsOf(file: string): Set<string> {
    if (!anchorCache.has(file)) {
      const slugger = new GithubSlugger();
      const anchors = new Set<string>();
      marked.walkTokens(marked.lexer(readFileSync(file, 'utf8')), (token) => {
        if (token.type === 'heading') anchors.add(slugger.slug(plainText((token as Tokens.Heading).tokens)));
      });
      anchorCache.set(file, anchors);
    }
    return anchorCache.get(file)!;
  }

  function linksOf(file: string): string[] {
    const links: string[] = [];
    marked.walkTokens(marked.lexer(readFileSync(file, 'utf8')), (token) => {
      if (token.type === 'link' || token.type === 'image') links.push((token as Tokens.Link).href);
    });
    return links;
  }

  it('has the README and the reference pages', () => {
    expect(pages).toEqual(expect.arrayContaining(['README.md', 'docs/configuration.md', 'docs/security.md', 'docs/errors.md', 'docs/operations.md']));
  });

  it('resolves every relative link of README.md and docs/*.md, to a file and to a heading of it', () => {
    const broken = pages.flatMap((page) => {
      const file = join(root, page);
      return linksOf(file)
        .filter((href) => !/^[a-z][a-z0-9+.-]*:/i.test(href))
        .flatMap((href) => {
          const [path, anchor] = href.split('#') as [string, string | undefined];
          const target = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
          if (!target.startsWith(root) || !existsSync(target)) return [`${page}: ${href} (no ${relative(root, target)})`];
          if (anchor === undefined) return [];
          if (statSync(target).isDirectory() || !target.endsWith('.md')) return [`${page}: ${href} (an anchor into a file that is not Markdown)`];
          return anchorsOf(target).has(anchor) ? [] : [`${page}: ${href} (no such heading in ${relative(root, target)})`];
        });
    });
    expect(broken).toEqual([]);
  });
});

/** A heading's text as GitHub renders it: code spans keep their text, links their label. */
function plainText(tokens: Token[]): string {
  return tokens.map((token) => ('tokens' in token && token.tokens ? plainText(token.tokens) : 'text' in token ? token.text : '')).join('');
}
