// A small well-formedness check for SSML fragments ({raw_ssml} values): balanced tags, quoted
// attributes, no stray `<` or `&`. Enough to tell the editor where a fragment is broken.

/** A problem at a 0-based offset into the checked text. */
export interface XmlProblem {
  offset: number;
  message: string;
}

const tagPattern =
  /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/y;
const entityPattern = /&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);/y;

/** Returns the first well-formedness problem of `text`, or null when it is a well-formed fragment. */
export function checkXmlFragment(text: string): XmlProblem | null {
  const open: Array<{ name: string; offset: number }> = [];
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '&') {
      entityPattern.lastIndex = index;
      if (!entityPattern.test(text))
        return { offset: index, message: 'unescaped "&" (write &amp;)' };
    } else if (char === '<') {
      tagPattern.lastIndex = index;
      const match = tagPattern.exec(text);
      if (!match) return { offset: index, message: 'malformed tag or unescaped "<"' };
      const [whole, closing, name = '', , selfClosing] = match;
      if (closing) {
        const top = open.pop();
        if (!top)
          return { offset: index, message: `closing tag </${name}> without an opening tag` };
        if (top.name !== name) return { offset: index, message: `</${name}> closes <${top.name}>` };
      } else if (!selfClosing) {
        open.push({ name, offset: index });
      }
      index += whole.length - 1;
    }
  }
  const unclosed = open.pop();
  return unclosed
    ? { offset: unclosed.offset, message: `<${unclosed.name}> is never closed` }
    : null;
}
