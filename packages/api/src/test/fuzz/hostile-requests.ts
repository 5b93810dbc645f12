// Generators of hostile GraphQL HTTP requests for the fuzz suites (deterministic for a seed).

/** One request: a body (string or bytes or multipart form) and headers. */
export interface HostileRequest {
  kind: string;
  method: 'POST' | 'GET';
  /** Query string for GET. */
  search?: string;
  headers: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer> | FormData;
}

/** Deterministic PRNG (mulberry32) returning numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const json = { 'content-type': 'application/json' };
const tokens = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ':',
  '$',
  '!',
  '...',
  '@',
  '"',
  'query',
  'mutation',
  'subscription',
  'fragment',
  'on',
  'graphs',
  'uuid',
  'nodes',
  '__typename',
  '__schema',
  '#',
  ',',
  '0',
  '-1e999',
  '"\\u0000"',
  '\n',
];
const operations = [
  '{ graphs { uuid name } }',
  'query($g: UUID!) { graph(uuid: $g) { uuid nodes { uuid } } }',
  '{ streamPoints { uuid } }',
  'mutation { logout }',
  'mutation($vars: [StreamVariableInput!]!) { createUpdateStreamVariable(streamVariables: $vars) { key } }',
];

function pick<T>(items: readonly T[], rand: () => number): T {
  return items[Math.floor(rand() * items.length)] as T;
}

function post(
  kind: string,
  body: string | Uint8Array<ArrayBuffer>,
  headers: Record<string, string> = json,
): HostileRequest {
  return { kind, method: 'POST', headers, body };
}

const generators: Array<
  (rand: () => number, limits: { maxBodyBytes: number; maxUploadBytes: number }) => HostileRequest
> = [
  // deep nesting (introspection types nest forever)
  (rand) => {
    const depth = 5 + Math.floor(rand() * 200);
    return post(
      'deep',
      JSON.stringify({
        query: `{ __schema { types { ${'fields { type { '.repeat(depth)}name${' } }'.repeat(depth)} } } }`,
      }),
    );
  },
  // wide aliases of a list field
  (rand) => {
    const n = 20 + Math.floor(rand() * 3000);
    return post(
      'aliases',
      JSON.stringify({
        query: `{ ${Array.from({ length: n }, (_, i) => `a${i}: graphs { uuid }`).join(' ')} }`,
      }),
    );
  },
  // batching: arrays of operations
  (rand) =>
    post(
      'batch',
      JSON.stringify(
        Array.from({ length: 1 + Math.floor(rand() * 200) }, () => ({
          query: pick(operations, rand),
        })),
      ),
    ),
  // huge strings in the query and in variables
  (rand) => {
    const size = 10_000 + Math.floor(rand() * 200_000);
    return rand() < 0.5
      ? post(
          'huge-string',
          JSON.stringify({ query: `{ graph(uuid: "${'A'.repeat(size)}") { uuid } }` }),
        )
      : post(
          'huge-string',
          JSON.stringify({ query: operations[1], variables: { g: 'x'.repeat(size) } }),
        );
  },
  // wrong types
  (rand) =>
    post(
      'wrong-types',
      JSON.stringify(
        pick<unknown>(
          [
            { query: 42 },
            { query: null },
            { query: operations[1], variables: { g: 123 } },
            { query: operations[1], variables: 'g' },
            { query: operations[0], operationName: 7 },
            { query: '{ graphs(limit: "x") { uuid } }' },
            { query: operations[1], variables: { g: { $gt: '' } } },
            {
              query: operations[4],
              variables: { vars: [{ streamUuid: [], key: {}, value: 1e309 }] },
            },
            {},
            [],
            'query',
            true,
            { query: '{ graphs { uuid } }', extensions: { persistedQuery: { sha256Hash: 'x' } } },
          ],
          rand,
        ),
      ),
    ),
  // invalid UTF-8 bytes inside an otherwise valid body
  (rand) => {
    const bytes = new TextEncoder().encode(
      JSON.stringify({ query: pick(operations, rand), variables: { g: 'ZZZZ' } }),
    );
    for (let i = 0; i < 1 + rand() * 5; i += 1)
      bytes[Math.floor(rand() * bytes.length)] = pick([0xff, 0xfe, 0xc3, 0xed, 0x80], rand);
    return post('invalid-utf8', bytes);
  },
  // invalid JSON
  (rand) => {
    const text = JSON.stringify({ query: pick(operations, rand) });
    return post(
      'invalid-json',
      text.slice(0, Math.floor(rand() * text.length)) +
        pick(['', '}}', ',', '\u0000', 'NaN'], rand),
    );
  },
  // token soup (also past the parser's token limit)
  (rand) =>
    post(
      'token-soup',
      JSON.stringify({
        query: Array.from({ length: 1 + Math.floor(rand() * 8000) }, () => pick(tokens, rand)).join(
          ' ',
        ),
      }),
    ),
  // a body over the limit
  (_rand, limits) =>
    post(
      'oversized-body',
      JSON.stringify({ query: `# ${'x'.repeat(limits.maxBodyBytes)}\n{ __typename }` }),
    ),
  // odd content types and GETs
  (rand) =>
    rand() < 0.5
      ? post('content-type', pick(operations, rand), {
          'content-type': pick(
            [
              'text/plain',
              'application/graphql',
              'application/xml',
              'multipart/form-data; boundary=x',
              '',
            ],
            rand,
          ),
        })
      : {
          kind: 'get',
          method: 'GET',
          headers: {},
          search: `?query=${encodeURIComponent(pick([...operations, '{', '%%%'], rand))}&variables=${pick(['{', 'null', '%7B%22g%22%3A1%7D'], rand)}`,
        },
  // uploads: oversized files, broken maps, missing files
  (rand, limits) => {
    const form = new FormData();
    form.append(
      'operations',
      JSON.stringify({
        query:
          'mutation($file: Upload!) { addAudioFile(newAudioFile: { file: $file, name: "x", description: "", fileName: "x.wav" }) { __typename } }',
        variables: { file: null },
      }),
    );
    form.append(
      'map',
      pick(
        [
          JSON.stringify({ 0: ['variables.file'] }),
          '{',
          JSON.stringify({ 0: ['variables.nothing.deep'] }),
          '[]',
        ],
        rand,
      ),
    );
    const size =
      rand() < 0.5
        ? limits.maxUploadBytes + 1 + Math.floor(rand() * 1000)
        : Math.floor(rand() * 1000);
    if (rand() < 0.9) form.append('0', new Blob([new Uint8Array(size)]), 'x.wav');
    return { kind: 'upload', method: 'POST', headers: { 'x-graphql-yoga-csrf': '1' }, body: form };
  },
];

/** A hostile request of a random kind. */
export function hostileRequest(
  rand: () => number,
  limits: { maxBodyBytes: number; maxUploadBytes: number },
): HostileRequest {
  return pick(generators, rand)(rand, limits);
}
