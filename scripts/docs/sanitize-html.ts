/**
 * Makes a notebook's HTML output safe to put on a page: an allow-list of elements and attributes,
 * parsed by a real HTML parser (htmlparser2) and written back out well-formed.
 *
 * - scripts, styles, frames, forms and other active elements are dropped with their content; other
 *   unknown elements are dropped but keep their text;
 * - attributes: an allow-list (`class`, `title`, table spans, `data-label`, ...); `href` and `src`
 *   only with safe URLs (http(s), relative, `#`, and `data:image/...` for images); inline `style`
 *   only with layout/colour properties and no `url(...)`;
 * - headings are demoted to h4–h6 so that an output's headings never enter the page outline;
 * - a table row directly inside `<table>` gets the `<tbody>` a browser would add, so that the
 *   server-rendered page and the browser's DOM agree (Vue's hydration compares them);
 * - newlines are written as `&#10;`, so the result is one line: Markdown passes it through as a
 *   single HTML block, whatever blank lines the output had.
 *
 * Why not the sanitize-html package (which also parses with htmlparser2): it removes, renames and
 * rewrites elements but cannot add one, so it cannot write the `<tbody>` above, and a page whose
 * table lacks it fails Vue's hydration check; its URL rule is per scheme, so allowing `data:` for
 * images would let through any `data:` type, where this allows only png, jpeg, gif and webp; and
 * it would add a parser version and postcss to the dependencies for the same allow-lists kept
 * here. Parsing, entity decoding and tag-soup recovery are htmlparser2's; this file is the policy
 * and the writer.
 */
import { Parser } from 'htmlparser2';

const ALLOWED = new Set([
  'a', 'abbr', 'b', 'blockquote', 'br', 'caption', 'code', 'col', 'colgroup', 'dd', 'del', 'details',
  'div', 'dl', 'dt', 'em', 'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img',
  'ins', 'kbd', 'li', 'mark', 'ol', 'p', 'pre', 's', 'samp', 'small', 'span', 'strong', 'sub',
  'summary', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'u', 'ul',
]); // biome-ignore format: a list of tag names reads best packed

/** Elements removed together with everything inside them. */
const DROPPED_WITH_CONTENT = new Set([
  'script', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'noscript',
  'template', 'textarea', 'select', 'button', 'form', 'input', 'title', 'head', 'svg', 'math',
  'video', 'audio', 'canvas', 'link', 'meta', 'base',
]); // biome-ignore format: a list of tag names reads best packed

const VOID = new Set(['br', 'hr', 'img', 'col']);

const GLOBAL_ATTRIBUTES = new Set(['class', 'title', 'style', 'data-label', 'lang', 'dir']);
const TAG_ATTRIBUTES: Record<string, Set<string>> = {
  a: new Set(['href']),
  img: new Set(['src', 'alt', 'width', 'height']),
  td: new Set(['colspan', 'rowspan', 'align']),
  th: new Set(['colspan', 'rowspan', 'scope', 'align']),
  col: new Set(['span']),
  colgroup: new Set(['span']),
  ol: new Set(['start']),
  details: new Set(['open']),
};

const STYLE_PROPERTIES = new Set([
  'background', 'background-color', 'border', 'border-bottom', 'border-collapse', 'border-left',
  'border-radius', 'border-right', 'border-top', 'color', 'font-family', 'font-size', 'font-style',
  'font-weight', 'line-height', 'margin', 'margin-bottom', 'margin-left', 'margin-right',
  'margin-top', 'max-width', 'min-width', 'opacity', 'overflow-wrap', 'overflow-x', 'padding',
  'padding-bottom', 'padding-left', 'padding-right', 'padding-top', 'text-align', 'vertical-align',
  'white-space', 'width', 'word-break',
]); // biome-ignore format: a list of CSS properties reads best packed

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '&#10;');
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}

/** A URL that cannot run code: http(s), mailto, a fragment, a relative path, or (for `src`) an image data URL. */
export function safeUrl(url: string, attribute: 'href' | 'src'): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: browsers ignore control characters in schemes.
  const compact = url.replace(/[\u0000-\u0020]/g, '').toLowerCase();
  if (attribute === 'src' && /^data:image\/(png|jpeg|gif|webp);base64,[a-z0-9+/=]*$/i.test(compact))
    return true;
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(compact);
  if (!scheme) return true;
  return ['http', 'https', ...(attribute === 'href' ? ['mailto'] : [])].includes(scheme[1]);
}

/** The declarations of an inline style that are on the allow-list and load nothing. */
export function safeStyle(style: string): string {
  return style
    .split(';')
    .map((declaration) => declaration.trim())
    .filter((declaration) => {
      const at = declaration.indexOf(':');
      if (at <= 0) return false;
      const property = declaration.slice(0, at).trim().toLowerCase();
      const value = declaration.slice(at + 1).trim();
      return (
        STYLE_PROPERTIES.has(property) &&
        /^[#\w\s.,%()+\-'"/]*$/.test(value) &&
        !/url\s*\(|expression\s*\(/i.test(value)
      );
    })
    .join(';');
}

function attributes(tag: string, attribs: Record<string, string>): string {
  const out: string[] = [];
  for (const [rawName, value] of Object.entries(attribs)) {
    const name = rawName.toLowerCase();
    if (!GLOBAL_ATTRIBUTES.has(name) && !TAG_ATTRIBUTES[tag]?.has(name)) continue;
    let kept = value;
    if (name === 'href' || name === 'src') {
      if (!safeUrl(value, name)) continue;
    } else if (name === 'style') {
      kept = safeStyle(value);
      if (!kept) continue;
    }
    out.push(` ${name}="${escapeAttribute(kept)}"`);
  }
  if (tag === 'a' && out.some((a) => a.startsWith(' href='))) out.push(' rel="noopener noreferrer"');
  return out.join('');
}

function demote(tag: string): string {
  const level = /^h([1-6])$/.exec(tag);
  return level ? `h${Math.min(6, Number(level[1]) + 3)}` : tag;
}

/** The allow-listed, well-formed form of an HTML fragment, on one line. */
export function sanitizeHtml(html: string): string {
  const out: string[] = [];
  // The open elements as written out (after demotion); `null` marks one that was not written.
  const open: (string | null)[] = [];
  let dropDepth = 0;
  const parser = new Parser(
    {
      onopentag(rawName, attribs) {
        const name = rawName.toLowerCase();
        if (dropDepth > 0 || DROPPED_WITH_CONTENT.has(name)) {
          dropDepth += 1;
          open.push(null);
          return;
        }
        if (!ALLOWED.has(name)) {
          open.push(null);
          return;
        }
        if (name === 'tr' && open[open.length - 1] === 'table') {
          out.push('<tbody>');
          open.push('auto:tbody');
        }
        const tag = demote(name);
        out.push(`<${tag}${attributes(name, attribs)}>`);
        open.push(VOID.has(name) ? `void:${tag}` : tag);
      },
      ontext(text) {
        if (dropDepth === 0) out.push(escapeText(text));
      },
      onclosetag() {
        // A tbody this sanitizer added closes just before its table.
        if (open[open.length - 1] === 'auto:tbody') {
          open.pop();
          out.push('</tbody>');
        }
        const tag = open.pop();
        if (tag === undefined) return;
        if (dropDepth > 0) {
          if (tag === null) dropDepth -= 1;
          return;
        }
        if (tag !== null && !tag.startsWith('void:')) out.push(`</${tag}>`);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  return out.join('');
}
