/**
 * A markdown-it plugin for the notebook pages: a link from one notebook to another
 * (`02-training-vs-inference.ipynb`, optionally with `notebooks/` or `./` before it and an anchor
 * after) points at that notebook's page instead. Other links are left alone.
 */

/** The parts of a markdown-it token this rule touches. */
interface LinkToken {
  type: string;
  children: LinkToken[] | null;
  attrGet(name: string): string | null;
  attrSet(name: string, value: string): void;
}

/** The parts of markdown-it this plugin uses. */
interface CoreRuler {
  core: {
    ruler: {
      after(after: string, name: string, rule: (state: { tokens: LinkToken[]; env: unknown }) => void): void;
    };
  };
}

const NOTEBOOK_LINK = /^(?:\.{1,2}\/)*(?:notebooks\/)?([\w.-]+)\.ipynb(#.*)?$/;

function rewrite(tokens: LinkToken[]): void {
  for (const token of tokens) {
    if (token.type === 'link_open') {
      const href = token.attrGet('href');
      const match = href ? NOTEBOOK_LINK.exec(href) : null;
      if (match) token.attrSet('href', `./${match[1]}.md${match[2] ?? ''}`);
    }
    if (token.children) rewrite(token.children);
  }
}

/** Install the rule; it only acts on pages under `notebooks/`. */
export function rewriteNotebookLinks(md: CoreRuler): void {
  md.core.ruler.after('inline', 'normlab-notebook-links', (state) => {
    const path = (state.env as { relativePath?: string } | undefined)?.relativePath ?? '';
    if (path.startsWith('notebooks/')) rewrite(state.tokens);
  });
}
