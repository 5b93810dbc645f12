// Text spoken from markdown or a {var} value is XML-escaped, so `&` and `<` cannot inject SSML
// tags (the original passed them through into the speech request).
import { describe, expect, it } from 'vitest';
import { escapeXml } from './xml-escape.ts';

describe('SSML text escaping', () => {
  it('escapes & and < so markdown or {var} text cannot inject SSML', () => {
    expect(escapeXml('a & b <break time="9s"/>')).toBe(
      'a &amp; b &lt;break time=&quot;9s&quot;/&gt;',
    );
  });
});
