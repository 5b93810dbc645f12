/**
 * Asks for stereo Opus: every Opus `a=fmtp` line of an SDP answer ends up with `stereo=1`.
 *
 * Browsers answer Opus as mono unless the fmtp line says otherwise, which would fold the stereo
 * stream of a stream point down to one channel. An existing `stereo=…` parameter is replaced in
 * place (never doubled: `stereo=0;stereo=1` is ambiguous to a receiver), a missing one is
 * appended, and an Opus payload without any fmtp line gets one right after its rtpmap. Lines of
 * other codecs are left alone.
 */
export function withStereoOpus(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(eol);
  const opusPayloads = new Set<string>();
  for (const line of lines) {
    const payload = opusRtpmapPayload(line);
    if (payload !== undefined) opusPayloads.add(payload);
  }
  const withFmtp = new Set<string>();
  const munged = lines.map((line) => {
    const match = /^a=fmtp:(\d+) (.*)$/.exec(line);
    if (match?.[1] === undefined || !opusPayloads.has(match[1])) return line;
    withFmtp.add(match[1]);
    return `a=fmtp:${match[1]} ${stereoParams(match[2] ?? '')}`;
  });
  return munged
    .flatMap((line) => {
      const payload = opusRtpmapPayload(line);
      return payload !== undefined && !withFmtp.has(payload)
        ? [line, `a=fmtp:${payload} stereo=1`]
        : [line];
    })
    .join(eol);
}

function opusRtpmapPayload(line: string): string | undefined {
  return /^a=rtpmap:(\d+) opus\/48000/i.exec(line)?.[1];
}

/** `minptime=10;stereo=0` → `minptime=10;stereo=1`; `minptime=10` → `minptime=10;stereo=1`. */
function stereoParams(params: string): string {
  const entries = params
    .split(';')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  let found = false;
  const replaced = entries.flatMap((entry) => {
    if (!/^stereo=/i.test(entry)) return [entry];
    if (found) return [];
    found = true;
    return ['stereo=1'];
  });
  if (!found) replaced.push('stereo=1');
  return replaced.join(';');
}
