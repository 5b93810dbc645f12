/**
 * Flags headless Chromium needs on this machine (Debian's /usr/bin/chromium, run as root, no GPU)
 * and that keep it quiet: no QUIC, first-run UI, background requests, component or sync updates.
 * Used by every test and benchmark that starts a browser.
 */
export const headlessChromiumFlags: readonly string[] = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** For WebRTC pages: real local addresses in ICE candidates instead of mDNS names. */
export const webRtcChromiumFlags: readonly string[] = [
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];
