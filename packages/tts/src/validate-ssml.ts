import { GencasterError } from '@gencaster/domain';

/** Longest SSML accepted, as in the original TextToSpeech model. */
export const maxSsmlLength = 5000;

/**
 * SSML elements we pass to engines. `audio` is deliberately missing: engines would fetch or read
 * the file it names.
 */
export const allowedSsmlElements: ReadonlySet<string> = new Set([
  'speak',
  'p',
  's',
  'break',
  'prosody',
  'emphasis',
  'say-as',
  'voice',
  'sub',
  'mark',
  'lang',
  'phoneme',
]);

const namePattern = /^[A-Za-z_][\w.:-]*$/;
const entityPattern = /^&(?:amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});/;
const attributePattern = /\s*([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;

function invalid(message: string, position?: number): GencasterError {
  const where = position === undefined ? '' : ` at character ${position + 1}`;
  return new GencasterError('INVALID_INPUT', `invalid SSML${where}: ${message}`, {
    details: position === undefined ? {} : { position },
  });
}

/**
 * Checks that `ssml` is one well-formed `<speak>` document of at most {@link maxSsmlLength}
 * characters that uses only {@link allowedSsmlElements}, quoted attributes and the five XML
 * entities or numeric references. No comments, CDATA or doctype. Throws INVALID_INPUT with the
 * position of the first problem; returns nothing on success.
 *
 * @example
 * validateSsml('<speak>Hallo <break time="500ms"/> Welt</speak>'); // ok
 * validateSsml('<speak>Fish & Chips</speak>'); // throws: "&" must be escaped
 */
export function validateSsml(ssml: string): void {
  if (ssml.length === 0) throw invalid('the text is empty');
  if (ssml.length > maxSsmlLength)
    throw invalid(`longer than ${maxSsmlLength} characters (${ssml.length})`);
  const open: string[] = [];
  let rootClosed = false;
  let index = ssml.startsWith('<?xml') ? skipDeclaration(ssml) : 0;
  while (index < ssml.length) {
    const char = ssml[index];
    if (char === '<') {
      const end = ssml.indexOf('>', index);
      if (end < 0) throw invalid('unterminated tag', index);
      if (rootClosed) throw invalid('content after </speak>', index);
      readTag(ssml.slice(index + 1, end), index, open);
      if (open.length === 0) rootClosed = true;
      index = end + 1;
    } else if (char === '&') {
      if (!entityPattern.test(ssml.slice(index, index + 12)))
        throw invalid('"&" must be written as &amp;', index);
      index += 1;
    } else {
      if (char === '>') throw invalid('">" outside a tag must be written as &gt;', index);
      if (open.length === 0 && !/\s/.test(char ?? ''))
        throw invalid('text outside <speak>…</speak>', index);
      index += 1;
    }
  }
  if (open.length > 0) throw invalid(`<${open.at(-1) ?? ''}> is not closed`);
  if (!rootClosed) throw invalid('no <speak> element');
}

function skipDeclaration(ssml: string): number {
  const end = ssml.indexOf('?>');
  if (end < 0) throw invalid('unterminated XML declaration', 0);
  return end + 2;
}

/** Checks one tag's inside (between `<` and `>`) and updates the stack of open elements. */
function readTag(inner: string, position: number, open: string[]): void {
  if (inner.startsWith('!') || inner.startsWith('?')) {
    throw invalid(
      'comments, CDATA, doctypes and processing instructions are not allowed',
      position,
    );
  }
  if (inner.startsWith('/')) {
    const name = inner.slice(1).trim();
    const expected = open.pop();
    if (name !== expected)
      throw invalid(`</${name}> does not match <${expected ?? 'nothing'}>`, position);
    return;
  }
  const selfClosing = inner.endsWith('/');
  const body = selfClosing ? inner.slice(0, -1) : inner;
  const name = /^[^\s/]+/.exec(body)?.[0] ?? '';
  if (!namePattern.test(name)) throw invalid(`bad element name "${name}"`, position);
  if (!allowedSsmlElements.has(name)) throw invalid(`element <${name}> is not allowed`, position);
  if (open.length === 0 && name !== 'speak')
    throw invalid('the document must start with <speak>', position);
  if (open.length > 0 && name === 'speak') throw invalid('<speak> cannot be nested', position);
  readAttributes(body.slice(name.length), position);
  if (!selfClosing) open.push(name);
}

function readAttributes(text: string, position: number): void {
  const seen = new Set<string>();
  let offset = 0;
  while (offset < text.length) {
    if (text.slice(offset).trim() === '') return;
    attributePattern.lastIndex = offset;
    const match = attributePattern.exec(text);
    if (!match) throw invalid('attributes must look like name="value"', position);
    const [, attribute = '', double, single] = match;
    if (seen.has(attribute)) throw invalid(`attribute ${attribute} is repeated`, position);
    seen.add(attribute);
    for (const amp of (double ?? single ?? '').matchAll(/&/g)) {
      const rest = (double ?? single ?? '').slice(amp.index, amp.index + 12);
      if (!entityPattern.test(rest))
        throw invalid('"&" in an attribute must be written as &amp;', position);
    }
    offset = attributePattern.lastIndex;
  }
}
