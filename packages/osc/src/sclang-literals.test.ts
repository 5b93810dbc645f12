import { describe, expect, it } from 'vitest';
import {
  cleanupInstruction,
  playBufferInstruction,
  sclangNumber,
  sclangString,
  setStreamVariableInstruction,
  stopPlaybackInstruction,
  syncPlayBufferInstruction,
} from './sclang-literals.ts';

/** Reads one sclang string literal the way sclang's lexer does (backslash escapes the next char). */
function readSclangString(code: string, start: number): { value: string; end: number } {
  expect(code[start]).toBe('"');
  let value = '';
  for (let i = start + 1; i < code.length; i += 1) {
    const char = code[i]!;
    if (char === '\\') {
      i += 1;
      value += code[i];
    } else if (char === '"') return { value, end: i };
    else value += char;
  }
  throw new Error('unterminated literal');
}

describe('sclangString', () => {
  const hostile = [
    '"; "rm -rf".unixCmd; "',
    '"); "rm -rf /".unixCmd; ("',
    '\\',
    '\\"',
    'a\\\\"b',
    'line\nbreak',
    'ä€😀',
    '',
  ];

  it.each(hostile)('turns %j into one inert literal holding exactly the value', (value) => {
    const literal = sclangString(value);
    const { value: read, end } = readSclangString(literal, 0);
    expect(read).toBe(value);
    expect(end).toBe(literal.length - 1); // nothing after the closing quote: no code outside the string
  });

  it('escapes backslashes before quotes', () => {
    expect(sclangString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(sclangString('"; "rm -rf".unixCmd; "')).toBe('"\\"; \\"rm -rf\\".unixCmd; \\""');
  });

  it('joins short literals for long values, which sclang would truncate', () => {
    const value = '"; "rm -rf".unixCmd; "ä😀\\'.repeat(150);
    const code = sclangString(value);
    expect(code.startsWith('("') && code.endsWith('")')).toBe(true);
    let read = '';
    let at = 1;
    for (;;) {
      const part = readSclangString(code, at);
      read += part.value;
      if (code.slice(part.end + 1, part.end + 5) !== ' ++ ') break;
      at = part.end + 5;
    }
    expect(read).toBe(value);
  });

  it('rejects NUL, which OSC strings cannot carry', () => {
    expect(() => sclangString('a\0b')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('instruction templates', () => {
  it('play buffers with the volume, as data', () => {
    expect(playBufferInstruction({ path: '/data/a "b".wav', volume: 0.5 })).toEqual({
      code: 'GencasterServer.default.playBuffer("/data/a \\"b\\".wav", 0.5)',
      manualFinish: false,
    });
    expect(syncPlayBufferInstruction({ path: '/x.wav', uuid: 'u-1', volume: 1 })).toEqual({
      code: 'GencasterServer.default.syncPlayBuffer("/x.wav", "u-1", 1.0)',
      manualFinish: true,
    });
  });

  it('rejects volumes and ids that are not plain numbers', () => {
    expect(() => playBufferInstruction({ path: '/x', volume: Number.NaN })).toThrow();
    expect(() => playBufferInstruction({ path: '/x', volume: -1 })).toThrow();
    expect(() => stopPlaybackInstruction(1.5)).toThrow();
    expect(sclangNumber(-0.25)).toBe('(-0.25)');
    expect(sclangNumber(1e-7)).toBe('0.0');
  });

  it('passes stream variables as string literals, never as code', () => {
    const { code } = setStreamVariableInstruction('k"ey', '"); "rm -rf /".unixCmd; ("');
    expect(code.startsWith('GencasterServer.default.setVariable(')).toBe(true);
    const key = readSclangString(code, code.indexOf('('.valueOf()) + 1);
    const value = readSclangString(code, key.end + 3);
    expect([key.value, value.value]).toEqual(['k"ey', '"); "rm -rf /".unixCmd; ("']);
    expect(code.slice(value.end + 1)).toBe(')');
  });

  it('stops playbacks and cleans up by method call', () => {
    expect(stopPlaybackInstruction(3).code).toBe('GencasterServer.default.stopPlayback(3)');
    expect(cleanupInstruction()).toEqual({
      code: 'GencasterServer.default.cleanup',
      manualFinish: false,
    });
  });
});
