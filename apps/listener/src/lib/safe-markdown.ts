import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';

const markdown = new MarkdownIt({ html: false, linkify: true, breaks: false });

/**
 * Renders graph texts (start, about, end) from markdown to HTML that is safe to insert.
 *
 * Two layers: markdown-it with `html: false` escapes raw HTML and refuses `javascript:` links, and
 * DOMPurify then removes anything executable that slipped through (event handlers, script URLs).
 * Runs in the browser only (DOMPurify needs a DOM).
 */
export function renderSafeMarkdown(source: string | null | undefined): string {
  const html = markdown.render(source ?? '');
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form'] });
}
