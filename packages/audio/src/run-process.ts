import { spawn } from 'node:child_process';
import { GencasterError } from '@gencaster/domain';

/** Options of {@link runProcess}. */
export interface RunProcessOptions {
  command: string;
  args: readonly string[];
  /** The child is killed (SIGKILL, by PID) when it runs longer than this. */
  timeoutMs: number;
  /** Written to the child's stdin, which is then closed (immediately when absent). */
  stdin?: string | Buffer;
  /** Each complete stdout line, e.g. ffmpeg's `-progress pipe:1` output. */
  onStdoutLine?: (line: string) => void;
  /** Stdout beyond this many bytes fails the run (default 64 MiB). */
  maxStdoutBytes?: number;
}

/** What a finished child produced. */
export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  /** At most the first 64 KiB of stderr. */
  stderr: string;
}

const maxStderrChars = 64 * 1024;

/**
 * Runs ffmpeg or ffprobe without a shell and collects its output. Rejects with TIMEOUT when the deadline
 * passes (the child is killed first) and UNAVAILABLE when the program is not installed; a non-zero
 * exit code is NOT an error here, callers judge it.
 */
export function runProcess(options: RunProcessOptions): Promise<ProcessResult> {
  const maxStdout = options.maxStdoutBytes ?? 64 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn(options.command, options.args, { stdio: 'pipe' });
    const chunks: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let lineBuffer = '';
    let failure: GencasterError | undefined;
    const fail = (error: GencasterError): void => {
      failure ??= error;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      fail(
        new GencasterError(
          'TIMEOUT',
          `${options.command} did not finish within ${options.timeoutMs} ms`,
        ),
      );
    }, options.timeoutMs);

    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdout) {
        fail(
          new GencasterError('INTERNAL', `${options.command} wrote more than ${maxStdout} bytes`),
        );
        return;
      }
      if (options.onStdoutLine) {
        lineBuffer += chunk.toString('utf8');
        const lines = lineBuffer.split('\n');
        lineBuffer = lines.pop() ?? '';
        for (const line of lines) options.onStdoutLine(line);
      } else {
        chunks.push(chunk);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < maxStderrChars)
        stderr += chunk.toString('utf8').slice(0, maxStderrChars - stderr.length);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const missing = error.code === 'ENOENT';
      reject(
        new GencasterError(
          missing ? 'UNAVAILABLE' : 'INTERNAL',
          missing
            ? `${options.command} is not installed (Debian package ffmpeg provides ffmpeg and ffprobe)`
            : `${options.command} failed to start: ${error.message}`,
          { cause: error },
        ),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (failure) {
        reject(failure);
        return;
      }
      if (lineBuffer && options.onStdoutLine) options.onStdoutLine(lineBuffer);
      resolve({ code, signal, stdout: Buffer.concat(chunks), stderr });
    });
    child.stdin.on('error', () => undefined); // EPIPE when the child exits early; reported via close
    child.stdin.end(options.stdin);
  });
}
