import type { Logger } from "../log.js";

/** Time a role gets to close its connections after its work has stopped. */
export const CLOSE_MARGIN_SECONDS = 5;

/**
 * Arms the exit deadline of a stopping role: if closing hangs (Redis gone, a reconnect loop or a
 * queue close waiting on a dead connection), the process exits anyway after `seconds`, inside
 * the pod's terminationGracePeriodSeconds, with a log line saying so. The timer does not keep an
 * otherwise finished process alive.
 */
export function armExitDeadline(seconds: number, logger: Logger): void {
  setTimeout(() => {
    logger.warn("shutdown did not finish in time; exiting", { deadlineSeconds: seconds });
    process.exit(1);
  }, seconds * 1000).unref();
}
