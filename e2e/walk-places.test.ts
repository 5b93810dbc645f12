// An audio walk without code (issue 19) on the real stack (backend, engine, sound point, Janus,
// Chromium): a listener whose geolocation is moved step by step enters, dwells in and leaves two
// places; each place's branch is heard (tone frequency on the received audio) and its dialog seen;
// the network drops for a moment between the places and the walk goes on with its visits kept.
// Then an author walks the same path with the editor's walker and the graph takes the same path.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './support/editor-browser.ts';
import { startEditorSoundStack, type EditorSoundStack } from './support/editor-play-stack.ts';
import { launchTestBrowser, type TestBrowser } from './support/listener-browser.ts';
import { createTestGraph, sineCode } from './support/listener-graphs.ts';
import { saveScreenshot } from './support/listener-output.ts';
import {
  ensureListenerBuilt,
  fullStackUnavailableReason,
  warnSkip,
} from './support/listener-requirements.ts';
import { installToneProbe, probe, until } from './support/tone-probe.ts';

const skip = warnSkip('walk-places', fullStackUnavailableReason());

const lat = 52.52;
/** The fountain: a 25 m circle; the square: a 40 × 44 m polygon some 200 m east of it. */
const fountainLon = 13.405;
const squareLon = 13.408;
/** The walk, west to east, in longitudes: steps of about 45 m, 1.5 s apart (a brisk cyclist). */
const approachFountain = [13.403, 13.4037, 13.4044, fountainLon];
const leaveFountain = [13.4057, 13.4064, 13.407];
const approachSquare = [13.4075, squareLon];
const leaveSquare = [13.4087, 13.4094, 13.4101];
const stepMs = 1500;
const expectedPath = 'Start;AtFountain;FountainDwell;Between;AtSquare;SquareDwell;Done;';

const path = (name: string) => ({
  type: 'JAVASCRIPT' as const,
  code: `vars.path = (vars.path ?? '') + '${name};';`,
});
const sine = (frequency: number, label: string) => ({
  type: 'SUPERCOLLIDER' as const,
  code: sineCode(frequency, label),
});
const dialog = (title: string, text: string) => ({
  type: 'PYTHON' as const,
  code: `yield Dialog(title="${title}", content=[Text(text="${text}")], buttons=[Button.ok()])`,
});

interface NodeRow {
  uuid: string;
  name: string;
  inNodeDoors: { uuid: string; isDefault: boolean }[];
}

// retry: Chromium drives the real backend (and its sound processes) on a loaded 2-core CI machine, where a page or process can lose a race with the scheduler; one retry, reported as (retry x1).
describe.skipIf(skip)('a walk through two places', { retry: 1, timeout: 420_000 }, () => {
  let stack: EditorSoundStack;
  let listener: TestBrowser;

  beforeAll(async () => {
    ensureListenerBuilt();
    stack = await startEditorSoundStack(1);
    const { server } = stack;
    const graphUuid = await createTestGraph(server, {
      name: 'Two Places',
      slug: 'two-places',
      startText: 'A walk from the fountain to the square.',
      nodes: [
        { name: 'Start', cells: [sine(220, 'start-tone'), path('Start')] },
        {
          name: 'AtFountain',
          cells: [
            sine(440, 'fountain-tone'),
            path('AtFountain'),
            dialog('Fountain', 'You are at the fountain'),
          ],
        },
        { name: 'FountainDwell', cells: [path('FountainDwell')] },
        { name: 'Between', cells: [sine(220, 'between-tone'), path('Between')] },
        {
          name: 'AtSquare',
          cells: [
            sine(880, 'square-tone'),
            path('AtSquare'),
            dialog('Square', 'You are on the square'),
          ],
        },
        { name: 'SquareDwell', cells: [path('SquareDwell')] },
        {
          name: 'Done',
          cells: [
            sine(220, 'done-tone'),
            path('Done'),
            { type: 'JAVASCRIPT', code: 'await sleep(600);' },
          ],
        },
      ],
    });
    await server.editor(
      'mutation ($g: UUID!, $show: Boolean!) { updateGraph(graphUuid: $g, graphInput: { showPlacesToListeners: $show }) { uuid } }',
      { g: graphUuid, show: true },
    );
    const addPlace = (place: Record<string, unknown>) =>
      server.editor(
        'mutation ($g: UUID!, $p: PlaceCreateInput!) { createPlace(graphUuid: $g, place: $p) { uuid } }',
        {
          g: graphUuid,
          p: { showToListeners: true, ...place },
        },
      );
    await addPlace({
      name: 'fountain',
      shape: { kind: 'CIRCLE', center: { lat, lon: fountainLon }, radius: 25 },
    });
    await addPlace({
      name: 'square',
      shape: {
        kind: 'POLYGON',
        vertices: [
          { lat: lat - 0.0002, lon: squareLon - 0.0003 },
          { lat: lat - 0.0002, lon: squareLon + 0.0003 },
          { lat: lat + 0.0002, lon: squareLon + 0.0003 },
          { lat: lat + 0.0002, lon: squareLon - 0.0003 },
        ],
      },
    });
    const { graph } = await server.editor<{ graph: { nodes: NodeRow[] } }>(
      'query ($pk: ID!) { graph(pk: $pk) { nodes { uuid name inNodeDoors { uuid isDefault } } } }',
      { pk: graphUuid },
    );
    const node = (name: string) => graph.nodes.find((row) => row.name === name)!;
    const placeDoor = async (from: string, to: string, trigger: Record<string, unknown>) => {
      const { createNodeDoor } = await server.editor<{ createNodeDoor: { uuid: string } }>(
        'mutation ($n: UUID!, $d: NodeDoorInputCreate!) { createNodeDoor(nodeUuid: $n, nodeDoorInput: $d) { uuid } }',
        {
          n: node(from).uuid,
          d: { doorType: 'OUTPUT', name: `to ${to}`, order: 1, code: '', placeTrigger: trigger },
        },
      );
      const inDoor = node(to).inNodeDoors.find((door) => door.isDefault)!.uuid;
      await server.editor('mutation ($e: EdgeInput!) { addEdge(newEdge: $e) { uuid } }', {
        e: { nodeDoorOutUuid: createNodeDoor.uuid, nodeDoorInUuid: inDoor },
      });
    };
    await placeDoor('Start', 'AtFountain', { kind: 'ENTER', placeNames: ['fountain'] });
    await placeDoor('AtFountain', 'FountainDwell', {
      kind: 'INSIDE',
      placeNames: ['fountain'],
      dwellSeconds: 3,
    });
    await placeDoor('FountainDwell', 'Between', { kind: 'LEAVE', placeNames: ['fountain'] });
    await placeDoor('Between', 'AtSquare', { kind: 'ENTER', placeNames: ['square'] });
    await placeDoor('AtSquare', 'SquareDwell', {
      kind: 'INSIDE',
      placeNames: ['square'],
      dwellSeconds: 3,
    });
    await placeDoor('SquareDwell', 'Done', { kind: 'LEAVE', placeNames: ['square'] });
    listener = await launchTestBrowser({
      geolocation: { latitude: lat, longitude: approachFountain[0]!, accuracy: 5 },
    });
  }, 300_000);

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' && stack?.browser)
      await screenshot(stack.browser.page, 'walk-places-editor-failed');
  });

  afterAll(async () => {
    await listener?.close();
    await stack?.close();
  });

  /** Waits until the stored `path` variable of the stream ends with `node;`. */
  async function reached(streamUuid: () => Promise<string>, node: string, timeout = 60_000) {
    await expect
      .poll(async () => (await stack.server.variables(await streamUuid())).path ?? '', {
        timeout,
        interval: 300,
      })
      .toMatch(new RegExp(`${node};$`));
  }

  it('a listener walks it: hears each place, sees its dialog, keeps its visits over a network drop', async () => {
    const page = await listener.newPage();
    const { context } = listener;
    const moveTo = (lon: number) =>
      context.setGeolocation({ latitude: lat, longitude: lon, accuracy: 5 });
    const walk = async (lons: number[]) => {
      for (const lon of lons) {
        await moveTo(lon);
        await page.waitForTimeout(stepMs);
      }
    };
    await moveTo(approachFountain[0]!);
    await page.goto(`${stack.server.url}/listen/two-places`);
    await page.evaluate(installToneProbe);
    await page.getByTestId('start-button').click({ timeout: 30_000 });
    // The page explains the location before the browser asks.
    const consent = page.getByTestId('walk-consent');
    await consent.waitFor({ timeout: 30_000 });
    expect(await consent.innerText()).toContain('This story is a walk');
    await saveScreenshot(page, 'walk-1-consent');
    await page.getByTestId('walk-allow-location').click();
    await consent.waitFor({ state: 'hidden', timeout: 15_000 });
    const state = page.getByTestId('stream-state');
    let stream = '';
    await expect
      .poll(async () => (stream = (await state.getAttribute('data-stream')) ?? ''), {
        timeout: 60_000,
      })
      .not.toBe('');
    const streamOf = () => Promise.resolve(stream);
    await reached(streamOf, 'Start');
    const map = page.getByTestId('walk-map');
    await map.waitFor({ timeout: 15_000 });
    await map.locator('[data-testid="walk-place"][data-name="fountain"]').waitFor();

    // Into the fountain: its branch (440 Hz) and its dialog.
    await walk(approachFountain.slice(1, -1));
    const insideSince = Date.now();
    await walk(approachFountain.slice(-1));
    await reached(streamOf, 'AtFountain');
    const dialogBox = page.getByTestId('dialog');
    await dialogBox.getByText('You are at the fountain').waitFor({ timeout: 30_000 });
    await saveScreenshot(page, 'walk-2-fountain-dialog');
    await page.getByTestId('dialog-button-ok').click();
    const atFountain = await until(
      'the fountain tone',
      () => probe(page),
      (tone) => tone.rms > 0.05 && tone.at440 > tone.at880 + 20,
    );
    console.info(`[walk] fountain ${JSON.stringify(atFountain)}`);
    expect(await map.locator('[data-name="fountain"]').getAttribute('data-inside')).toBe('true');
    // Dwell: standing still inside for 3 s opens the INSIDE door.
    await reached(streamOf, 'FountainDwell', 30_000);
    expect(Date.now() - insideSince).toBeGreaterThanOrEqual(3000);

    // Out of the fountain, with the network gone for a moment on the way.
    await context.setOffline(true);
    await walk(leaveFountain.slice(0, 2));
    await context.setOffline(false);
    await walk(leaveFountain.slice(2));
    await reached(streamOf, 'Between');
    const between = await stack.server.variables(stream);
    expect(between.place_fountain_visits).toBe('1');
    expect(between.places_visited).toBe('fountain');
    expect(await map.locator('[data-name="fountain"]').getAttribute('data-visits')).toBe('1');

    // Into the square: its branch (880 Hz) and its dialog.
    await walk(approachSquare);
    await reached(streamOf, 'AtSquare');
    await dialogBox.getByText('You are on the square').waitFor({ timeout: 30_000 });
    await saveScreenshot(page, 'walk-3-square-dialog');
    await page.getByTestId('dialog-button-ok').click();
    const atSquare = await until(
      'the square tone',
      () => probe(page),
      (tone) => tone.rms > 0.05 && tone.at880 > tone.at440 + 20,
    );
    console.info(`[walk] square ${JSON.stringify(atSquare)}`);
    await reached(streamOf, 'SquareDwell', 30_000);
    await walk(leaveSquare);
    await reached(streamOf, 'Done');
    const done = await stack.server.variables(stream);
    expect(done.path).toBe(expectedPath);
    expect(done.places_visited).toBe('fountain,square');
    expect(done.place_fountain_visits).toBe('1');
    expect(done.place_square_visits).toBe('1');
    // The walk map showed both places as visited.
    expect(await map.locator('[data-name="square"]').getAttribute('data-visits')).toBe('1');
    await saveScreenshot(page, 'walk-4-done');
    // Stop: the stream point is free for the author.
    await page.getByTestId('stop-button').click();
    await page.close();
  });

  it("the editor's walker takes the graph along the same path", async () => {
    const { page } = stack.browser;
    await expect
      .poll(
        async () =>
          (
            await stack.server.editor<{ streamPoints: { numListeners: number }[] }>(
              'query { streamPoints { numListeners } }',
            )
          ).streamPoints[0]?.numListeners,
        { timeout: 60_000 },
      )
      .toBe(0);
    const { graphs } = await stack.server.editor<{ graphs: { uuid: string; slugName: string }[] }>(
      'query { graphs { uuid slugName } }',
    );
    const graphUuid = graphs.find((graph) => graph.slugName === 'two-places')!.uuid;
    await page.goto(`${stack.server.url}/editor/graph/${graphUuid}`);
    await page.locator('[data-test="toggle-play"]').click();
    const panel = page.locator('[data-test="play-panel"]');
    const walker = panel.locator('[data-test="walker"]');
    await walker.waitFor();
    await panel.locator('[data-test="play-start"]').click();
    const pathValue = () =>
      panel
        .locator('.var[data-key="path"] input')
        .inputValue({ timeout: 1000 })
        .catch(() => '');
    const reachedInEditor = (node: string, timeout = 60_000) =>
      // reached, not necessarily still there: a dwell door may move on before the next poll
      expect.poll(pathValue, { timeout, interval: 300 }).toMatch(new RegExp(`(^|;)${node};`));
    const goto = walker.locator('input[data-test="walker-goto"]');
    const walk = async (lons: number[]) => {
      for (const lon of lons) {
        await goto.fill(`${lat}, ${lon}`);
        await goto.press('Enter');
        await page.waitForTimeout(stepMs);
      }
    };
    await reachedInEditor('Start');
    await walk(approachFountain);
    await reachedInEditor('AtFountain');
    await reachedInEditor('FountainDwell', 30_000);
    await walk(leaveFountain);
    await reachedInEditor('Between');
    await walk(approachSquare);
    await reachedInEditor('AtSquare');
    await reachedInEditor('SquareDwell', 30_000);
    await walk(leaveSquare);
    await reachedInEditor('Done');
    expect(await pathValue()).toBe(expectedPath);
    // The places are ordinary stream variables in the inspector.
    expect(await panel.locator('.var[data-key="places_visited"] input').inputValue()).toBe(
      'fountain,square',
    );
    expect(await panel.locator('.var[data-key="place_square_distance"]').count()).toBe(1);
    expect(Number(await walker.getAttribute('data-sent'))).toBeGreaterThanOrEqual(
      approachFountain.length +
        leaveFountain.length +
        approachSquare.length +
        leaveSquare.length -
        1,
    );
    await screenshot(page, 'walk-places-editor');
    await panel.locator('[data-test="play-stop"]').click();
  });
});
