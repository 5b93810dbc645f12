import { markdownTokens } from './markdown-tokens.ts';
import { scriptApiOf, type ScriptApiEntry } from './script-api.ts';

/** What the help panel of one cell type shows. */
export interface CellHelp {
  summary: string;
  /** Names of the script API (JavaScript and Python cells). */
  api: ScriptApiEntry[];
  /** Markdown tokens with an example each (Markdown cells). */
  tokens: { name: string; meaning: string; example: string }[];
  examples: { title: string; code: string }[];
}

const tokenExamples: Record<string, string> = {
  chars: '{chars}`SOS`',
  moderate: '{moderate}`slowly now`',
  female: '{female}`Hello`',
  male: '{male}`Hello`',
  break: 'Wait {break}`500ms` for it.',
  var: 'Hello {var}`name|stranger`!',
  raw_ssml: '{raw_ssml}`<prosody rate="slow">slow</prosody>`',
  python: "You are {python}`vars.get('name', 'you')`.",
  python_exec: "{python_exec}`vars['heard_intro'] = 'yes'`Welcome.",
  eval: "You are {eval}`vars.name ?? 'you'`.",
  js: "You are {js}`vars.name ?? 'you'`.",
};

const dialogJs = `// Ask the listener, then wait for the answer (stored as the variable "name").
yield Dialog({
  title: 'Hello',
  content: [Text('What is your name?'), Input({ key: 'name', label: 'Name' })],
  buttons: [Button.ok()],
});
const name = await waitForVariable('name');
log(\`the listener is called \${name}\`);`;

const counterJs = `// Variables are strings; a change is stored when the cell ends.
vars.visits = String(Number(vars.visits ?? 0) + 1);
await sleep(2);`;

const dialogPython = `# Ask the listener, then wait for the answer (stored as the variable "name").
yield Dialog(
    title='Hello',
    content=[Text('What is your name?'), Input(key='name', label='Name')],
    buttons=[Button.ok()],
)
name = await wait_for_stream_variable('name')
print(f'the listener is called {name}')`;

const counterPython = `# Variables are strings; a change is stored when the cell ends.
vars['visits'] = str(int(vars.get('visits', '0')) + 1)
await sleep(2)`;

// Places drawn on the Map tab, by name: the engine keeps place_<name>_… variables from the
// listener's position; these helpers read them (door code can use them too).
const placesJs = `// Speak louder as the listener nears the fountain (a place on the Map tab).
if (inside('fountain') && dwell('fountain') > 10) vars.lingered = 'yes';
vars.gain = String(Math.max(0, 1 - distance('fountain') / 200));`;
const placesPython = `# Places drawn on the Map tab, by name.
if visited('square') and not inside('square'):
    vars['came_back'] = str(int(visits('square')))
vars['gain'] = str(max(0, 1 - distance('fountain') / 200))`;

/** The help of a cell type (GraphQL CellType names: MARKDOWN, PYTHON, …). */
export function cellHelp(cellType: string): CellHelp {
  const none = { api: [], tokens: [], examples: [] };
  switch (cellType) {
    case 'JAVASCRIPT':
      return {
        summary:
          'Runs in the script sandbox for this listener only. The cell body is an async generator: use await at top level, and yield a Dialog to show it.',
        api: scriptApiOf('javascript'),
        tokens: [],
        examples: [
          { title: 'A dialog and its answer', code: dialogJs },
          { title: 'A counter', code: counterJs },
          { title: 'Places on the map', code: placesJs },
        ],
      };
    case 'PYTHON':
      return {
        summary:
          'Runs in the script sandbox for this listener only. The cell body is an async generator: use await at top level, and yield a Dialog to show it. Each cell starts with a fresh namespace.',
        api: scriptApiOf('python'),
        tokens: [],
        examples: [
          { title: 'A dialog and its answer', code: dialogPython },
          { title: 'A counter', code: counterPython },
          { title: 'Places on the map', code: placesPython },
        ],
      };
    case 'MARKDOWN':
      return {
        ...none,
        summary:
          'Spoken to the listener by text-to-speech; the walk goes on when the speech has played. Tokens are a word in braces followed by a backticked value.',
        tokens: Object.entries(markdownTokens).map(([name, meaning]) => ({
          name,
          meaning,
          example: tokenExamples[name] ?? `{${name}}\`…\``,
        })),
      };
    case 'SUPERCOLLIDER':
      return {
        ...none,
        summary:
          "Sent to this listener's stream point and run by its sclang; the cell ends when sclang has run it. Sound started here keeps playing until code stops it. A numeric stream variable drives Ndef(\\var_<key>).",
        examples: [
          {
            title: 'A quiet tone',
            code: 'Ndef(\\tone, { SinOsc.ar(440) * 0.1 ! 2 }).play;',
          },
        ],
      };
    case 'AUDIO':
      return {
        ...none,
        summary:
          'Plays an audio file of the library on the stream point. Sync playback waits until the file has played; async goes on at once.',
      };
    default:
      return { ...none, summary: 'A note for other authors; it never runs.' };
  }
}
