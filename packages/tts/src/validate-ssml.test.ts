import { describe, expect, it } from 'vitest';
import { isGencasterError } from '@gencaster/domain';
import { maxSsmlLength, validateSsml } from './validate-ssml.ts';

function rejection(ssml: string): string {
  try {
    validateSsml(ssml);
  } catch (error) {
    expect(isGencasterError(error, 'INVALID_INPUT')).toBe(true);
    return (error as Error).message;
  }
  throw new Error(`accepted: ${ssml}`);
}

describe('validateSsml', () => {
  it.each([
    '<speak>Hallo Welt</speak>',
    '<?xml version="1.0"?>\n<speak>Hallo <break time="500ms"/> Welt</speak>',
    "<speak><voice name='de-DE-Neural2-B'>Ich</voice> &amp; du &lt;3 &#228; &#xE4;</speak>",
    '<speak><p><s>Eins.</s></p><prosody rate="slow" pitch="+20%">zwei</prosody><say-as interpret-as="characters">ABC</say-as><emphasis level="moderate">drei</emphasis></speak>',
    '  <speak>\n</speak>\n',
  ])('accepts %s', (ssml) => {
    expect(() => validateSsml(ssml)).not.toThrow();
  });

  it.each([
    ['', /empty/],
    ['Hallo Welt', /text outside/],
    [`<speak>${'a'.repeat(maxSsmlLength)}</speak>`, /longer than 5000/],
    ['<speak>Fish & Chips</speak>', /&amp;/],
    ['<speak>a > b</speak>', /&gt;/],
    ['<speak><emphasis>open</speak>', /does not match/],
    ['<speak>never closed', /not closed/],
    ['<speak>x</speak><speak>y</speak>', /after <\/speak>/],
    ['<speak>x</speak> trailing', /text outside/],
    ['<voice name="x">no speak root</voice>', /must start with <speak>/],
    ['<speak><audio src="file:///etc/passwd"/></speak>', /<audio> is not allowed/],
    ['<speak><!-- hidden --></speak>', /comments/],
    ['<!DOCTYPE x [<!ENTITY e "boom">]><speak>&e;</speak>', /comments|doctypes/],
    ['<speak><break time=500ms/></speak>', /name="value"/],
    ['<speak><break time="1s" time="2s"/></speak>', /repeated/],
    ['<speak><voice name="a&b">x</voice></speak>', /in an attribute/],
    ['<speak><speak>x</speak></speak>', /cannot be nested/],
    ['<speak><break time="1s"</speak>', /name="value"|bad element|not closed/],
  ])('rejects %j', (ssml, message) => {
    expect(rejection(ssml)).toMatch(message);
  });

  it('reports the position of the problem', () => {
    expect(rejection('<speak>ok & not</speak>')).toMatch(/at character 11/);
  });
});
