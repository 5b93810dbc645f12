// An AbortController made only when a run first hands a signal to a capability: most runs never
// wait, and creating and aborting a controller (its DOMException reason) per run is measurable
// in the 200-engine walk.

const runOver = new Error('script run is over');

/** A per-run "calls are over" switch; see {@link createLazyAbort}. */
export interface LazyAbort {
  /** The signal to pass to capabilities (created on first use). */
  readonly signal: AbortSignal;
  /** Aborts the signal if it was ever handed out. */
  abort(): void;
}

/** Creates a {@link LazyAbort}. */
export function createLazyAbort(): LazyAbort {
  let controller: AbortController | undefined;
  let aborted = false;
  return {
    get signal() {
      controller ??= new AbortController();
      if (aborted) controller.abort(runOver);
      return controller.signal;
    },
    abort() {
      aborted = true;
      controller?.abort(runOver);
    },
  };
}
