import { describe, expect, it } from 'vitest';
import { checkXmlFragment } from './check-xml.ts';
import { markdownToSsml } from './markdown-to-ssml.ts';
import { validateMarkdown } from './validate-markdown.ts';

const ssml = async (markdown: string, variables: Record<string, string> = {}) =>
  (await markdownToSsml(markdown, { variables })).ssml;

describe('markdown dialect tokens', () => {
  it.each([
    ['{chars}`ABC`', '<speak><p><say-as interpret-as="characters">ABC</say-as></p></speak>'],
    ['{moderate}`really`', '<speak><p><emphasis level="moderate">really</emphasis></p></speak>'],
    ['{female}`Hallo`', '<speak><p><voice name="de-DE-Neural2-C">Hallo</voice></p></speak>'],
    ['{male}`Hallo`', '<speak><p><voice name="de-DE-Neural2-B">Hallo</voice></p></speak>'],
    ['a {break}`300ms` b', '<speak><p>a <break time="300ms"/> b</p></speak>'],
    ['a {break}`1.5s` b', '<speak><p>a <break time="1.5s"/> b</p></speak>'],
    [
      '{raw_ssml}`<prosody rate="slow">x</prosody>`',
      '<speak><p><prosody rate="slow">x</prosody></p></speak>',
    ],
  ])('%s', async (markdown, expected) => {
    expect(await ssml(markdown)).toBe(expected);
  });

  it('{var} uses the value, else the fallback after the last |, else nothing', async () => {
    expect(await ssml('Hi {var}`name`!', { name: 'Ann' })).toBe('<speak><p>Hi Ann!</p></speak>');
    expect(await ssml('Hi {var}`name|you`!')).toBe('<speak><p>Hi you!</p></speak>');
    expect(await ssml('Hi {var}`name|a|b`!')).toBe('<speak><p>Hi b!</p></speak>');
    expect(await ssml('Hi {var}`name`!')).toBe('<speak><p>Hi !</p></speak>');
  });

  it('unknown tokens speak their value and warn', async () => {
    const result = await markdownToSsml('say {shout}`hey & ho`');
    expect(result.ssml).toBe('<speak><p>say hey &amp; ho</p></speak>');
    expect(result.warnings).toEqual(['unknown token {shout}: spoken as plain text']);
  });

  it('a bad {break} value is dropped with a warning', async () => {
    const result = await markdownToSsml('a {break}`"/><audio src="x` b');
    expect(result.ssml).toBe('<speak><p>a  b</p></speak>');
    expect(result.warnings[0]).toMatch(/not a duration/);
  });

  it('{python_exec} runs its statement, renders nothing and warns when it fails', async () => {
    const ran: string[] = [];
    const result = await markdownToSsml("a {python_exec}`vars['x'] = '1'` b {python_exec}`1/0` c", {
      execute: (code) => {
        ran.push(code);
        return code === '1/0' ? Promise.reject(new Error('ZeroDivisionError')) : Promise.resolve();
      },
    });
    expect(ran).toEqual(["vars['x'] = '1'", '1/0']);
    expect(result.ssml).toBe('<speak><p>a  b  c</p></speak>');
    expect(result.warnings).toEqual(['{python_exec}`1/0` failed: ZeroDivisionError']);
    // Without a sandbox it is skipped, never spoken.
    const bare = await markdownToSsml("say {python_exec}`vars['x'] = '1'`");
    expect(bare.ssml).toBe('<speak><p>say </p></speak>');
  });

  it('a failing expression becomes empty text and a warning', async () => {
    const result = await markdownToSsml('x {python}`1/0` y', {
      evaluate: () => Promise.reject(new Error('ZeroDivisionError')),
    });
    expect(result.ssml).toBe('<speak><p>x  y</p></speak>');
    expect(result.warnings[0]).toMatch(/ZeroDivisionError/);
  });
});

describe('escaping', () => {
  it('escapes & < > " in text', async () => {
    expect(await ssml('Tom & "Jerry" say 1 < 2 > 0')).toBe(
      '<speak><p>Tom &amp; &quot;Jerry&quot; say 1 &lt; 2 &gt; 0</p></speak>',
    );
  });

  it('escapes variable values so listeners cannot inject SSML', async () => {
    const evil = '</p></speak><audio src="https://evil"/>&';
    const out = await ssml('{var}`x` {chars}`<` {moderate}`a&b`', { x: evil });
    expect(out).toBe(
      '<speak><p>&lt;/p&gt;&lt;/speak&gt;&lt;audio src=&quot;https://evil&quot;/&gt;&amp; <say-as interpret-as="characters">&lt;</say-as> <emphasis level="moderate">a&amp;b</emphasis></p></speak>',
    );
    expect(checkXmlFragment(out)).toBeNull();
  });

  it('keeps paragraphs apart and reduces markdown to text', async () => {
    const out = await ssml(
      '# Title\n\nFirst *para* with **bold** and [a link](http://x).\n\n- one\n- two\n\n> quoted',
    );
    expect(out).toMatchInlineSnapshot(`
      "<speak><p>Title</p>
      <p>First para with bold and a link.</p>
      <p>one</p>
      <p>two</p>
      <p>quoted</p></speak>"
    `);
  });

  it('uses configured voices', async () => {
    const result = await markdownToSsml('{female}`a` {male}`b`', {
      voices: { female: 'en-US-F', male: 'en-US-M' },
    });
    expect(result.ssml).toBe(
      '<speak><p><voice name="en-US-F">a</voice> <voice name="en-US-M">b</voice></p></speak>',
    );
  });
});

describe('validateMarkdown', () => {
  it('reports unknown tokens, bad breaks and bad SSML with line and column', () => {
    const text =
      'fine line\n  {foo}`x` and {break}`soon`\n{raw_ssml}`<p>a & b</p>`\n{raw_ssml}`<p>ok</q>`';
    expect(validateMarkdown(text)).toEqual([
      {
        line: 2,
        column: 3,
        severity: 'warning',
        message: 'unknown token {foo}; its value will be spoken as text',
      },
      {
        line: 2,
        column: 16,
        severity: 'error',
        message: '{break} needs a duration like 300ms or 1s, got "soon"',
      },
      { line: 3, column: 17, severity: 'error', message: 'bad SSML: unescaped "&" (write &amp;)' },
      { line: 4, column: 17, severity: 'error', message: 'bad SSML: </q> closes <p>' },
    ]);
  });

  it('accepts a clean document', () => {
    expect(
      validateMarkdown('Hello {var}`name|you` {break}`1s` {raw_ssml}`<break time="2s"/>`'),
    ).toEqual([]);
  });
});
