/** Repeats within this window are the same stop request relayed by npm, npx or tsx. */
const RELAY_WINDOW_MS = 3000;

/**
 * Resolves on the first SIGINT or SIGTERM, so `start` commands can stop their resources in order.
 *
 * The handlers stay installed while the stop runs: a Ctrl+C reaches the whole process group, and
 * `npx`/`npm run` forward it to their child as well, so a started-through-npx backend gets the
 * signal twice (tsx re-sends it to its child when it did not see it arrive). Without a listener
 * the second one would end the process mid-stop (tsx's own handler exits when no other listener
 * is left): the database not closed, the fleet not stopped. Repeats within 3 s are ignored; a
 * later one (someone pressing Ctrl+C again) exits at once. Fleet children die with this process
 * either way (`setpriv --pdeathsig`).
 */
export function waitForShutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let firstAt: number | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      if (firstAt === undefined) {
        firstAt = Date.now();
        resolve(signal);
        return;
      }
      if (Date.now() - firstAt < RELAY_WINDOW_MS) {
        console.error(`received ${signal} again: still stopping`);
        return;
      }
      console.error(`received ${signal} again: exiting without waiting for the stop`);
      process.exit(130);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
