// Unlisted graphs (publicVisible = false) as private links: an anonymous caller finds one only by
// an exact lookup of its slug (the listener page's /listen/<slug>) and can listen to it; it is never
// listed, and no other filter (prefix, pattern, case-insensitive, OR, AND) reveals it.
import { describeEachEngine } from '@gencaster/db/testing';
import { expect, it } from 'vitest';
import { createTestGraph, insertLivePoints } from '../testing/fixtures.ts';
import { useStoryTestServer } from '../testing/story-test-server.ts';
import { createEditor, gql } from '../testing/test-server.ts';
import { subscribe, wsClient } from '../testing/ws-clients.ts';

describeEachEngine('private links to unlisted graphs', (getDb) => {
  const story = useStoryTestServer(getDb);

  const slugsFound = async (filters: unknown, headers?: Record<string, string>) => {
    const result = await gql<{ graphs: { slugName: string }[] }>(
      story.server.url,
      'query($f: GraphFilter) { graphs(filters: $f) { slugName } }',
      { f: filters },
      headers,
    );
    expect(result.errors).toBeUndefined();
    return result.data!.graphs.map((graph) => graph.slugName);
  };

  it('opens by its exact slug for anonymous callers and is absent from every list', async () => {
    const db = getDb();
    const tag = Math.random().toString(36).slice(2, 8);
    const hidden = await createTestGraph(db, { name: `Secret show ${tag}`, publicVisible: false });
    const open = await createTestGraph(db, { name: `Open show ${tag}` });

    expect(await slugsFound({ slugName: { exact: hidden.slugName } })).toEqual([hidden.slugName]);
    // Listing and every other lookup: the public graph only.
    expect(await slugsFound(null)).not.toContain(hidden.slugName);
    expect(await slugsFound(null)).toContain(open.slugName);
    for (const filters of [
      { name: { iContains: tag } },
      { slugName: { startsWith: 'secret' } },
      { slugName: { iExact: hidden.slugName.toUpperCase() } },
      { slugName: { iRegex: '.*' } },
      { slugName: { exact: hidden.slugName, nExact: 'x' } },
      { slugName: { exact: hidden.slugName }, OR: { name: { iContains: '' } } },
      { slugName: { exact: hidden.slugName }, AND: { name: { iContains: 'secret' } } },
      { slugName: { inList: [hidden.slugName] } },
    ]) {
      expect(await slugsFound(filters), JSON.stringify(filters)).not.toContain(hidden.slugName);
    }
    // Editors see it everywhere, as before.
    const editor = await createEditor(db);
    expect(await slugsFound({ name: { iContains: tag } }, editor.bearer)).toContain(
      hidden.slugName,
    );
  });

  it('gives an anonymous listener of the private link a stream', async () => {
    const db = getDb();
    await insertLivePoints(db, 1);
    const hidden = await createTestGraph(db, { publicVisible: false });
    const client = wsClient(story.server.wsUrl);
    const session = subscribe(
      client,
      `subscription($g: UUID!) { streamInfo(graphUuid: $g) { __typename
        ... on StreamInfo { stream { uuid } } } }`,
      { g: hidden.uuid },
    );
    try {
      const first = (await session.next())!.data!.streamInfo as {
        __typename: string;
        stream: { uuid: string };
      };
      expect(first.__typename).toBe('StreamInfo');
      expect(first.stream.uuid).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      session.stop();
      await client.dispose();
    }
  });
});
