/**
 * Adds `stereo=1` to the Opus `a=fmtp` lines of an SDP answer (browsers answer Opus as mono
 * otherwise, folding a stream point's stereo down to one channel). Other codecs stay untouched.
 */
export function stereoOpus(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const opus = new Set(
    [...sdp.matchAll(/^a=rtpmap:(\d+) opus\/48000/gim)].map((match) => match[1] ?? ''),
  );
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of sdp.split(eol)) {
    const fmtp = /^a=fmtp:(\d+) (.*)$/.exec(line);
    if (fmtp?.[1] !== undefined && opus.has(fmtp[1])) {
      seen.add(fmtp[1]);
      const params = fmtp[2] ?? '';
      out.push(/(^|;)\s*stereo=1/.test(params) ? line : `a=fmtp:${fmtp[1]} ${params};stereo=1`);
    } else out.push(line);
  }
  // An Opus payload without any fmtp line gets one right after its rtpmap.
  return out
    .flatMap((line) => {
      const rtpmap = /^a=rtpmap:(\d+) opus\/48000/i.exec(line);
      return rtpmap?.[1] !== undefined && !seen.has(rtpmap[1])
        ? [line, `a=fmtp:${rtpmap[1]} stereo=1`]
        : [line];
    })
    .join(eol);
}
