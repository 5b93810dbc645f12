import { describe, expect, it } from 'vitest';
import { withStereoOpus } from './sdp-stereo.ts';

const offer = (fmtp: string | undefined, eol = '\r\n') =>
  [
    'v=0',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111 0',
    'a=rtpmap:111 opus/48000/2',
    ...(fmtp === undefined ? [] : [`a=fmtp:111 ${fmtp}`]),
    'a=rtpmap:0 PCMU/8000',
    'a=fmtp:0 stereo=0',
    '',
  ].join(eol);

const opusFmtp = (sdp: string) =>
  sdp.split(/\r?\n/).filter((line) => line.startsWith('a=fmtp:111'));

describe('withStereoOpus', () => {
  it('replaces an existing stereo=0 instead of appending a second stereo parameter', () => {
    expect(opusFmtp(withStereoOpus(offer('minptime=10;stereo=0;useinbandfec=1')))).toEqual([
      'a=fmtp:111 minptime=10;stereo=1;useinbandfec=1',
    ]);
    expect(opusFmtp(withStereoOpus(offer('stereo=0;minptime=10')))).toEqual([
      'a=fmtp:111 stereo=1;minptime=10',
    ]);
  });

  it('adds stereo=1 when the Opus fmtp line has none', () => {
    expect(opusFmtp(withStereoOpus(offer('minptime=10;useinbandfec=1')))).toEqual([
      'a=fmtp:111 minptime=10;useinbandfec=1;stereo=1',
    ]);
  });

  it('keeps a line that already asks for stereo', () => {
    const sdp = offer('minptime=10;stereo=1');
    expect(withStereoOpus(sdp)).toBe(sdp);
  });

  it('adds an fmtp line after the rtpmap of an Opus payload that has none', () => {
    const lines = withStereoOpus(offer(undefined)).split('\r\n');
    expect(lines.slice(2, 4)).toEqual(['a=rtpmap:111 opus/48000/2', 'a=fmtp:111 stereo=1']);
  });

  it('leaves other codecs and the line endings alone', () => {
    const result = withStereoOpus(offer('minptime=10', '\n'));
    expect(result).toContain('a=fmtp:0 stereo=0\n');
    expect(result).not.toContain('\r\n');
  });
});

// A real Janus answer (moved from e2e/listener-unit.test.ts with the listener's copy of the helper).
const janusAnswer = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 0',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:0 PCMU/8000',
  'a=fmtp:0 foo=1',
  '',
].join('\r\n');

describe('withStereoOpus on a Janus answer', () => {
  it('adds stereo=1 to the Opus fmtp line only', () => {
    const sdp = withStereoOpus(janusAnswer);
    expect(sdp).toContain('a=fmtp:111 minptime=10;useinbandfec=1;stereo=1\r\n');
    expect(sdp).toContain('a=fmtp:0 foo=1\r\n');
    expect(sdp.split('\r\n')).toHaveLength(janusAnswer.split('\r\n').length);
  });

  it('is idempotent and replaces stereo=0', () => {
    const once = withStereoOpus(janusAnswer);
    expect(withStereoOpus(once)).toBe(once);
    const mono = janusAnswer.replace('useinbandfec=1', 'useinbandfec=1;stereo=0');
    expect(withStereoOpus(mono)).toContain('a=fmtp:111 minptime=10;useinbandfec=1;stereo=1');
    expect(withStereoOpus(mono)).not.toContain('stereo=0');
  });

  it('adds an fmtp line when Opus has none, keeping LF line ends', () => {
    const bare = 'm=audio 9 RTP/SAVPF 109\na=rtpmap:109 OPUS/48000/2\na=sendrecv\n';
    expect(withStereoOpus(bare)).toBe(
      'm=audio 9 RTP/SAVPF 109\na=rtpmap:109 OPUS/48000/2\na=fmtp:109 stereo=1\na=sendrecv\n',
    );
  });
});
