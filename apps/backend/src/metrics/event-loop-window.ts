import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';

/** Event-loop figures of the last complete window. */
export interface EventLoopFigures {
  /** Delay beyond the sampling timer's own interval, seconds. */
  delayP50: number;
  delayP99: number;
  delayMax: number;
  /** Share of the window the loop was busy (0…1). */
  utilization: number;
  windowSeconds: number;
}

/**
 * Event-loop delay and utilisation over fixed windows (default 10 s). Scrapes read the last
 * complete window and never reset anything, so two scrapers see the same figures instead of
 * stealing samples from each other. Node's delay histogram records the sampling interval itself
 * (resolution 20 ⇒ an idle loop reads ~20 ms); it is subtracted here, so an idle loop reads ~0.
 */
export function startEventLoopWindow(options: { resolutionMs?: number; windowMs?: number } = {}) {
  const resolutionMs = options.resolutionMs ?? 20;
  const windowMs = options.windowMs ?? 10_000;
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  const beyondTimer = (nanoseconds: number) =>
    Number.isFinite(nanoseconds) ? Math.max(0, nanoseconds / 1e6 - resolutionMs) / 1000 : 0;
  let started = Date.now();
  let utilizationMark: EventLoopUtilization = performance.eventLoopUtilization();
  const measure = (): EventLoopFigures => ({
    delayP50: beyondTimer(histogram.percentile(50)),
    delayP99: beyondTimer(histogram.percentile(99)),
    delayMax: beyondTimer(histogram.max),
    utilization: performance.eventLoopUtilization(utilizationMark).utilization,
    windowSeconds: (Date.now() - started) / 1000,
  });
  let last: EventLoopFigures | undefined;
  const timer = setInterval(() => {
    last = measure();
    histogram.reset();
    utilizationMark = performance.eventLoopUtilization();
    started = Date.now();
  }, windowMs);
  timer.unref();
  return {
    /** The last complete window; before the first one ends, the figures so far. */
    figures: (): EventLoopFigures => last ?? measure(),
    stop() {
      clearInterval(timer);
      histogram.disable();
    },
  };
}
