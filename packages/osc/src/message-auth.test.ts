import { describe, expect, it } from 'vitest';
import {
  canonicalText,
  constantTimeEqual,
  createMessageAuthenticator,
  isLoopback,
  signRecord,
} from './message-auth.ts';

describe('message authentication', () => {
  const auth = createMessageAuthenticator({ secret: 's3cret', replayWindowMs: 30_000 });

  it('signs a sorted canonical text without the hmac pair', () => {
    expect(canonicalText('/beacon', { name: 'x', lang_port: 5, a: 'q', hmac: 'zz' })).toBe(
      '/beacon\na=q\nlang_port=5\nname=x',
    );
  });

  it('requires signatures from non-loopback senders when a secret is set', () => {
    expect(() => auth.verify('/beacon', { lang_port: 1 }, '10.0.0.5')).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    );
    expect(auth.verify('/beacon', { lang_port: 1 }, '127.0.0.1')).toBe('unsigned');
    expect(
      auth.verify('/beacon', signRecord('/beacon', { lang_port: 1 }, 's3cret'), '10.0.0.5'),
    ).toBe('signed');
  });

  it('rejects tampered values and signatures without a configured secret', () => {
    const signed = signRecord('/acknowledge', { uuid: 'u', status: 'FINISHED' }, 's3cret');
    expect(() => auth.verify('/acknowledge', { ...signed, status: 'FAILURE' }, '10.0.0.5')).toThrow(
      /bad hmac/,
    );
    expect(() => auth.verify('/beacon', signed, '10.0.0.5')).toThrow(/bad hmac/);
    expect(() => createMessageAuthenticator().verify('/acknowledge', signed, '127.0.0.1')).toThrow(
      /no secret/,
    );
  });

  it('knows loopback addresses and compares passwords', () => {
    expect([
      isLoopback('127.0.0.1'),
      isLoopback('::1'),
      isLoopback('::ffff:127.0.0.9'),
      isLoopback('10.0.0.1'),
    ]).toEqual([true, true, true, false]);
    expect([constantTimeEqual('a', 'a'), constantTimeEqual('a', 'ab')]).toEqual([true, false]);
  });
});
