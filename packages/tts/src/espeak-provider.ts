import { spawn } from 'node:child_process';
import { GencasterError } from '@gencaster/domain';
import { defaultEspeakVoice, listEspeakVoices, resolveEspeakVoice } from './espeak-voices.ts';
import type { SynthesizedSpeech, SynthesizeRequest, TtsProvider, Voice } from './tts-provider.ts';
import { validateSsml } from './validate-ssml.ts';
import { fixWavSizes } from './wav-header.ts';

/** Options of {@link createEspeakProvider}. */
export interface EspeakProviderOptions {
  /** Program to run; default `espeak-ng` from PATH. */
  binary?: string;
  /** The process is killed after this long; default 30 s. */
  timeoutMs?: number;
}

/**
 * The local default speech engine: espeak-ng 1.51 reading SSML (`-m`) from stdin and writing a
 * 22.05 kHz mono WAV to stdout. Google voice names in the request and in `<voice name="…">`
 * elements are mapped to espeak voices, so graphs written for the original keep working.
 *
 * @example
 * const tts = createEspeakProvider();
 * const { audio } = await tts.synthesize({ ssml: '<speak>Hallo Welt</speak>', voice: 'de-DE-Neural2-C' });
 */
export function createEspeakProvider(options: EspeakProviderOptions = {}): TtsProvider {
  const binary = options.binary ?? 'espeak-ng';
  const timeoutMs = options.timeoutMs ?? 30_000;
  const voices: Voice[] = listEspeakVoices();
  return {
    name: 'espeak-ng',
    voices: () => voices.map((voice) => ({ ...voice })),
    async synthesize(request: SynthesizeRequest): Promise<SynthesizedSpeech> {
      validateSsml(request.ssml);
      const voice = resolveEspeakVoice(request.voice || defaultEspeakVoice);
      const ssml = mapVoiceElements(request.ssml);
      const wav = await runEspeak(
        binary,
        ['-v', voice, '-m', '-b', '1', '--stdin', '--stdout'],
        ssml,
        timeoutMs,
      );
      return { audio: fixWavSizes(wav), mimeType: 'audio/wav' };
    },
  };
}

/** Rewrites `<voice name="de-DE-Neural2-B">` (as the markdown tokens emit) to espeak voice names. */
function mapVoiceElements(ssml: string): string {
  return ssml.replace(
    /(<voice\b[^>]*?\bname\s*=\s*)(["'])([^"']*)\2/g,
    (_match, head: string, quote: string, name: string) =>
      `${head}${quote}${resolveEspeakVoice(name)}${quote}`,
  );
}

function runEspeak(
  binary: string,
  args: string[],
  input: string,
  timeoutMs: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: 'pipe' });
    const chunks: Buffer[] = [];
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const missing = error.code === 'ENOENT';
      const message = missing
        ? `${binary} is not installed (Debian package espeak-ng)`
        : `${binary} failed to start`;
      reject(new GencasterError(missing ? 'UNAVAILABLE' : 'INTERNAL', message, { cause: error }));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut)
        reject(new GencasterError('TIMEOUT', `espeak-ng did not finish within ${timeoutMs} ms`));
      else if (code !== 0)
        reject(new GencasterError('INTERNAL', `espeak-ng failed (exit ${code}): ${stderr.trim()}`));
      else resolve(Buffer.concat(chunks));
    });
    child.stdin.on('error', () => undefined); // EPIPE if espeak exits early; reported via close
    child.stdin.end(input, 'utf8');
  });
}
