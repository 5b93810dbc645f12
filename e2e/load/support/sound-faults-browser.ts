import type { Page } from 'playwright-core';
import {
  launchTestBrowser,
  watchPageErrors,
  type TestBrowser,
} from '../../support/listener-browser.ts';
import { waitUntil } from './child-process.ts';

/** Records every RTCPeerConnection the page makes (before any page script runs). */
const recordPeerConnections = `(() => {
  window.__peerConnections = [];
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); window.__peerConnections.push(this); }
  };
})()`;

/**
 * What the page shows (level meter, connection badge) and the inbound audio RTP of its newest
 * peer connection, read in one go; `level` is null when the meter is not rendered.
 */
const readPage = `(async () => {
  const attr = (id, name) => document.querySelector('[data-testid="' + id + '"]')?.getAttribute(name);
  const level = attr('stream-level', 'data-level');
  const state = attr('connection-state', 'data-state') ?? '';
  const all = window.__peerConnections ?? [];
  const pc = all.at(-1);
  const stats = pc ? [...(await pc.getStats()).values()] : [];
  const rtp = stats.find((s) => s.type === 'inbound-rtp' && s.kind === 'audio');
  return {
    level: level === null || level === undefined ? null : Number(level),
    state,
    connections: all.length,
    packets: rtp?.packetsReceived ?? 0,
  };
})()`;

/** What the listener page shows and receives right now. */
export interface ListenerReading {
  /** RMS of the level meter (0..1), null when the meter is not shown. */
  level: number | null;
  /** Janus connection state shown by the page (connected, reconnecting, …). */
  state: string;
  /** Peer connections the page made so far (a re-watch makes a new one). */
  connections: number;
  /** Audio RTP packets received by the newest peer connection. */
  packets: number;
}

/** Levels and states the page showed over a time span. */
export interface HeardSince {
  samples: number;
  minLevel: number;
  /** Share of the samples with a level above 0.05 (the tone is 0.14). */
  hearingShare: number;
  /** Longest time in which no audio RTP packet arrived (on the same peer connection). */
  maxPacketGapMs: number;
  states: string[];
}

/** The real listener app in headless Chromium, started and playing one graph. */
export interface FaultListenerPage {
  page: Page;
  /** Page and console errors seen so far. */
  errors: string[];
  /** The mountpoint (room) of the stream point the page was given. */
  room: number;
  read(): Promise<ListenerReading>;
  /** Waits until the page hears the stream (level above `minLevel`, RTP packets rising). */
  waitHearing(timeoutMs: number, minLevel?: number): Promise<ListenerReading>;
  /** What the background sampler (every ~300 ms) saw since `from`. */
  seenSince(from: number): HeardSince;
  close(): Promise<void>;
}

/**
 * Opens `<siteUrl>/listen/<slug>` in headless Chromium, presses Start and waits until the page
 * shows a stream point and hears its audio.
 */
export async function openFaultListenerPage(
  siteUrl: string,
  slug: string,
  timeoutMs = 60_000,
): Promise<FaultListenerPage> {
  const browser: TestBrowser = await launchTestBrowser();
  try {
    const page = await browser.newPage();
    await page.addInitScript(recordPeerConnections);
    const errors = watchPageErrors(page);
    await page.goto(`${siteUrl}/listen/${slug}`);
    await page.getByTestId('start-button').click({ timeout: timeoutMs });
    const room = await waitUntil(
      'the listener page is given a stream point',
      async () => {
        const value = await page.getByTestId('stream-state').getAttribute('data-mountpoint');
        return value ? Number(value) : undefined;
      },
      timeoutMs,
      250,
    );
    const read = () => page.evaluate<ListenerReading>(readPage);
    const waitHearing = async (waitMs: number, minLevel = 0.05) => {
      let last: ListenerReading | undefined;
      try {
        return await waitUntil(
          'the listener page hears its stream',
          async () => {
            const now = await read();
            const rising =
              last !== undefined &&
              now.connections === last.connections &&
              now.packets > last.packets;
            last = now;
            return rising && (now.level ?? 0) > minLevel && now.state === 'connected'
              ? now
              : undefined;
          },
          waitMs,
          250,
        );
      } catch (error) {
        throw new Error(`${String(error)}; last reading ${JSON.stringify(last)}`);
      }
    };
    await waitHearing(timeoutMs);
    // Background sampler: what the listener heard, also while the tests look elsewhere.
    const samples: Array<{ at: number; level: number } & ListenerReading> = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const reading = await read().catch(() => undefined);
        if (reading && reading.level !== null)
          samples.push({ ...reading, at: Date.now(), level: reading.level });
        if (samples.length > 5000) samples.splice(0, 1000);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    })();
    return {
      page,
      errors,
      room,
      read,
      waitHearing,
      seenSince(from) {
        const since = samples.filter((sample) => sample.at >= from);
        let maxPacketGapMs = 0;
        let lastNew = since[0];
        for (const sample of since) {
          if (
            !lastNew ||
            sample.connections !== lastNew.connections ||
            sample.packets > lastNew.packets
          )
            lastNew = sample;
          else maxPacketGapMs = Math.max(maxPacketGapMs, sample.at - lastNew.at);
        }
        return {
          maxPacketGapMs,
          samples: since.length,
          minLevel: Math.min(...since.map((sample) => sample.level)),
          hearingShare: since.filter((sample) => sample.level > 0.05).length / since.length,
          states: [...new Set(since.map((sample) => sample.state))],
        };
      },
      async close() {
        sampling = false;
        await sampler;
        await browser.close();
      },
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
