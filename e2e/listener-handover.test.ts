// Issue 15 item 6 in Chromium on the real stack (backend, one real stream point: jackd, sclang +
// scsynth with our class, GStreamer, Janus): story A loops 440 Hz in an Ndef and a Tdef and walks
// to its dead end. A's end screen keeps the stream (B gets no stream meanwhile), then releases it;
// B's listener gets the point and hears its own 880 Hz with no trace of A's tone; A's page never
// carries B's story. A client that ignores the release and keeps watching with A's token (an
// attacker, or a stale tab) is cut off by the kick when B's stream starts, before B's story plays.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyserHarness } from './support/listener-analyser-harness.ts';
import { installToneProbe, probe, until, type Tone } from './support/tone-probe.ts';
import {
  launchTestBrowser,
  watchPageErrors,
  type TestBrowser,
} from './support/listener-browser.ts';
import { startListenerBackend, type ListenerBackend } from './support/listener-backend.ts';
import { bundleListenerModule } from './support/listener-bundle.ts';
import { createTestGraph } from './support/listener-graphs.ts';
import {
  ensureListenerBuilt,
  fullStackUnavailableReason,
  warnSkip,
} from './support/listener-requirements.ts';

const skip = warnSkip('listener-handover', fullStackUnavailableReason());
const END_SCREEN_GRACE_MS = 6_000;

/** Story A: a looping tone through an Ndef and a Tdef that keeps restarting a synth. */
const storyA = [
  'Ndef(\\handoverA, { SinOsc.ar([440, 440]) * 0.2 }).play;',
  'Tdef(\\handoverLoop, { loop { { SinOsc.ar(440) * 0.05 ! 2 * EnvGen.kr(Env.perc, doneAction: 2) }.play; 1.wait } }).play;',
  '"story A".postln;',
].join(' ');
const storyB = 'Ndef(\\handoverB, { SinOsc.ar([880, 880]) * 0.2 }).play; "story B".postln;';

const measureStale = (page: Page) =>
  page.evaluate<{ rms: number; frequency: number }>('window.measure()');

const hears440 = (tone: Tone) => tone.rms > 0.05 && tone.at440 > tone.at880 + 20;
const hears880Only = (tone: Tone) =>
  tone.rms > 0.05 && tone.at880 > -40 && tone.at440 < tone.at880 - 40;

// retry: Chromium drives the real backend (and its sound processes) on a loaded 2-core CI machine, where a page or process can lose a race with the scheduler; one retry, reported as (retry x1).
describe.skipIf(skip)(
  'hand-over of a stream point between listeners',
  { retry: 1, timeout: 300_000 },
  () => {
    let server: ListenerBackend;
    let browser: TestBrowser;

    beforeAll(async () => {
      ensureListenerBuilt();
      server = await startListenerBackend({
        soundPoints: 1,
        env: { GENCASTER_END_SCREEN_GRACE_MS: String(END_SCREEN_GRACE_MS) },
      });
      await server.waitForPoints(1);
      await createTestGraph(server, {
        name: 'Handover A',
        slug: 'handover-a',
        endText: 'The end of A.',
        nodes: [
          {
            name: 'Start',
            cells: [
              { type: 'SUPERCOLLIDER', code: storyA },
              { type: 'PYTHON', code: 'await asyncio.sleep(4)' },
            ],
          },
        ],
      });
      await createTestGraph(server, {
        name: 'Handover B',
        slug: 'handover-b',
        nodes: [
          {
            name: 'Start',
            cells: [
              { type: 'SUPERCOLLIDER', code: storyB },
              { type: 'PYTHON', code: 'await asyncio.sleep(600)' },
            ],
          },
        ],
      });
      browser = await launchTestBrowser();
    }, 240_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    /** A listener page that pressed Start on `slug` and hears its first tone. */
    async function listen(slug: string): Promise<Page> {
      const page = await browser.newPage();
      await page.goto(`${server.url}/listen/${slug}`);
      await page.evaluate(installToneProbe);
      await page.getByTestId('start-button').click({ timeout: 30_000 });
      return page;
    }

    it("A's end screen keeps the point, then B hears only its own story and A hears none of it", async () => {
      const a = await listen('handover-a');
      const errorsA = watchPageErrors(a);
      await until('A hearing its 440 Hz', () => probe(a), hears440);
      await a.getByTestId('end-screen').waitFor({ timeout: 60_000 });
      const endedAt = Date.now();
      // The end screen still plays the point's last sound: the stream is still A's.
      await until('A hearing 440 Hz on its end screen', () => probe(a), hears440);
      const early = await browser.newPage();
      await early.goto(`${server.url}/listen/handover-b`);
      await early.getByTestId('no-stream').waitFor({ timeout: 30_000 });
      await early.close();

      // The grace passes: the stream is released (not before), and A's page stops playing the point.
      const activeStreams = async () =>
        (
          await server.backend.database.db
            .selectFrom('stream')
            .select('uuid')
            .where('active', '=', true)
            .execute()
        ).length;
      expect(await activeStreams()).toBe(1);
      while ((await activeStreams()) > 0) {
        expect(Date.now() - endedAt, 'the stream outlived the end screen grace').toBeLessThan(
          END_SCREEN_GRACE_MS + 10_000,
        );
        await new Promise((done) => setTimeout(done, 100));
      }
      const releasedAfter = Date.now() - endedAt;
      console.info(`[handover] A's stream released ${releasedAfter} ms after its end screen`);
      expect(releasedAfter).toBeGreaterThanOrEqual(END_SCREEN_GRACE_MS - 1_000);
      await until(
        'A silent after the release',
        () => probe(a),
        (tone) => tone.rms < 0.005,
      );
      const b = await listen('handover-b');
      const heardB = await until('B hearing only its 880 Hz', () => probe(b), hears880Only);
      console.info(`[handover] B hears ${JSON.stringify(heardB)}`);
      // For a few seconds more: never a trace of A's tone (Tdef re-triggers it every second).
      for (let i = 0; i < 12; i++) {
        const tone = await probe(b);
        expect(tone.at440, JSON.stringify(tone)).toBeLessThan(tone.at880 - 40);
        // A's end screen never carries B's story.
        expect((await probe(a)).rms).toBeLessThan(0.005);
        await new Promise((done) => setTimeout(done, 250));
      }
      await expect.poll(() => a.getByTestId('end-screen').isVisible()).toBe(true);
      // Only the gateway's refusal of the long poll still in flight when the stream was released.
      const released = /401 \(Unauthorized\) \S+\/janus\/point\/[0-9a-f-]+\/\d+\?/;
      expect(errorsA.filter((error) => !released.test(error))).toEqual([]);
      await a.close();
      // B stops (the Stop button): its stream is released at once for the next test.
      await b.getByTestId('stop-button').click();
      await b.getByTestId('end-screen').waitFor();
      await b.close();
    });

    it('a client that ignores the release and keeps watching with A’s token is cut off before B plays', async () => {
      const a = await listen('handover-a');
      await until('A hearing its 440 Hz', () => probe(a), hears440);
      const graphKey = await a.evaluate(
        () => Object.keys(sessionStorage).find((key) => key.startsWith('gencaster.session.')) ?? '',
      );
      const saved = JSON.parse(
        (await a.evaluate((key) => sessionStorage.getItem(key), graphKey)) ?? '{}',
      ) as {
        token?: string;
      };
      expect(saved.token).toBeTruthy();
      const [point] = await server.waitForPoints(1);
      // The stale client: A's listener token, watching the point's mountpoint on its own.
      const stale = await browser.newPage();
      await stale.goto(`${server.url}/health`);
      await stale.addScriptTag({
        content: await bundleListenerModule('janus-stream-player.ts', 'JanusStreamPlayer'),
      });
      await stale.evaluate(
        analyserHarness({ janusUrl: `${server.url}/janus`, token: saved.token }),
      );
      await stale.evaluate(`window.player.watch(${point!.janusOutRoom})`);
      await expect
        .poll(
          async () => {
            const heard = await measureStale(stale);
            return heard.rms > 0.05 && Math.abs(heard.frequency - 440) < 15;
          },
          { timeout: 30_000, interval: 250 },
        )
        .toBe(true);

      // A leaves at once (closes the tab on its end screen): released without waiting for the grace.
      await a.getByTestId('end-screen').waitFor({ timeout: 60_000 });
      await a.close();
      await expect
        .poll(
          async () =>
            (
              await server.backend.database.db
                .selectFrom('stream')
                .select('uuid')
                .where('active', '=', true)
                .execute()
            ).length,
          { timeout: END_SCREEN_GRACE_MS / 2, interval: 100 },
        )
        .toBe(0);
      const b = await listen('handover-b');
      await until('B hearing only its 880 Hz', () => probe(b), hears880Only);
      // The stale client was kicked when B's stream started: it never hears B's 880 Hz.
      for (let i = 0; i < 12; i++) {
        const heard = await measureStale(stale);
        expect(
          heard.rms < 0.005 || Math.abs(heard.frequency - 880) > 15,
          `the stale client hears ${JSON.stringify(heard)}`,
        ).toBe(true);
        await new Promise((done) => setTimeout(done, 250));
      }
      expect((await measureStale(stale)).rms).toBeLessThan(0.005);
      await stale.close();
      await b.close();
    });
  },
);
