/**
 * Asks for stereo Opus by adding `stereo=1` to every Opus `a=fmtp` line of an SDP that lacks it.
 *
 * Browsers answer Opus as mono unless the fmtp line says otherwise, which would fold the stereo
 * stream of a stream point down to one channel. Lines of other codecs are left alone; an Opus
 * payload without any fmtp line gets one.
 */
export function withStereoOpus(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(eol);
  const opusPayloads = new Set<string>();
  for (const line of lines) {
    const match = /^a=rtpmap:(\d+) opus\/48000/i.exec(line);
    if (match?.[1] !== undefined) opusPayloads.add(match[1]);
  }
  const withFmtp = new Set<string>();
  const munged = lines.map((line) => {
    const match = /^a=fmtp:(\d+) (.*)$/.exec(line);
    if (match?.[1] === undefined || !opusPayloads.has(match[1])) return line;
    withFmtp.add(match[1]);
    const params = match[2] ?? '';
    if (/(^|;)\s*stereo=1/.test(params)) return line;
    const cleaned = params.replace(/(^|;)\s*stereo=\d/, '');
    return `a=fmtp:${match[1]} ${cleaned ? `${cleaned};` : ''}stereo=1`;
  });
  const result: string[] = [];
  for (const line of munged) {
    result.push(line);
    const match = /^a=rtpmap:(\d+) opus\/48000/i.exec(line);
    if (match?.[1] !== undefined && !withFmtp.has(match[1]))
      result.push(`a=fmtp:${match[1]} stereo=1`);
  }
  return result.join(eol);
}
