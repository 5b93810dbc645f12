import { describe, expect, it } from 'vitest';
import {
  canonicalText,
  constantTimeEqual,
  createMessageAuthenticator,
  isLoopback,
  positionalCanonicalText,
  signatureTrailer,
  signRecord,
} from './message-auth.ts';
import { createMemoryReplayGuard } from './replay-guard.ts';

const unauthenticated = expect.objectContaining({ code: 'UNAUTHENTICATED' }) as Error;

describe('message authentication', () => {
  const auth = createMessageAuthenticator({ secret: 's3cret', replayWindowMs: 30_000 });

  it('signs a sorted canonical text without the hmac pair', () => {
    expect(canonicalText('/beacon', { name: 'x', lang_port: 5, a: 'q', hmac: 'zz' })).toBe(
      '/beacon\na=q\nlang_port=5\nname=x',
    );
  });

  it('length-prefixes positional fields, so no two argument lists sign the same text', () => {
    expect(positionalCanonicalText('/variable', ['k\n1:a', 'b'])).not.toBe(
      positionalCanonicalText('/variable', ['k', 'a\n1:b']),
    );
    expect(positionalCanonicalText('/variable', ['ä', ''])).toBe('/variable\n2:ä\n0:');
    const [ts, nonce, hmac] = signatureTrailer('/instruction', ['u', '1', true], 's3cret', 5000);
    expect([ts, nonce.length, hmac.length]).toEqual(['5', 16, 64]);
  });

  it('requires signatures from every sender when a secret is set, loopback included', async () => {
    for (const host of ['10.0.0.5', '127.0.0.1', '::1']) {
      await expect(auth.verify('/beacon', { lang_port: 1 }, host)).rejects.toThrow(unauthenticated);
    }
    await expect(
      auth.verify('/beacon', signRecord('/beacon', { lang_port: 1 }, 's3cret'), '127.0.0.1'),
    ).resolves.toBe('signed');
    // only the password path may be unsigned, and only when the caller says so
    await expect(
      auth.verify('/remote/action', { cmd: '1' }, '127.0.0.1', { allowUnsigned: true }),
    ).resolves.toBe('unsigned');
  });

  it('rejects tampered values, replays and signatures without a configured secret', async () => {
    const signed = signRecord('/acknowledge', { uuid: 'u', status: 'FINISHED' }, 's3cret');
    await expect(
      auth.verify('/acknowledge', { ...signed, status: 'FAILURE' }, '10.0.0.5'),
    ).rejects.toThrow(/bad hmac/);
    await expect(auth.verify('/beacon', signed, '10.0.0.5')).rejects.toThrow(/bad hmac/);
    await expect(auth.verify('/acknowledge', signed, '10.0.0.5')).resolves.toBe('signed');
    await expect(auth.verify('/acknowledge', signed, '10.0.0.6')).rejects.toThrow(/replayed/);
    await expect(
      createMessageAuthenticator().verify('/acknowledge', signed, '127.0.0.1'),
    ).rejects.toThrow(/no secret/);
  });

  it('shares the seen set through the replay guard (several backends)', async () => {
    const guard = createMemoryReplayGuard();
    const a = createMessageAuthenticator({ secret: 's3cret', replayGuard: guard });
    const b = createMessageAuthenticator({ secret: 's3cret', replayGuard: guard });
    const signed = signRecord('/log', { message: 'm' }, 's3cret');
    await expect(a.verify('/log', signed, '10.0.0.5')).resolves.toBe('signed');
    await expect(b.verify('/log', signed, '10.0.0.5')).rejects.toThrow(/replayed/);
  });

  it('without a secret accepts unsigned messages', async () => {
    await expect(
      createMessageAuthenticator().verify('/beacon', { lang_port: 1 }, '127.0.0.1'),
    ).resolves.toBe('unsigned');
  });

  it('knows loopback addresses and compares passwords', () => {
    expect([
      isLoopback('127.0.0.1'),
      isLoopback('::1'),
      isLoopback('::ffff:127.0.0.9'),
      isLoopback('10.0.0.1'),
      isLoopback('0.0.0.0'),
    ]).toEqual([true, true, true, false, false]);
    expect([constantTimeEqual('a', 'a'), constantTimeEqual('a', 'ab')]).toEqual([true, false]);
  });
});
