import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { Logger } from "../log.js";

/** Routes Bolt's own logging into our JSON logger so every role logs one way. */
export function boltLogger(logger: Logger): BoltLogger {
  let level: LogLevel = LogLevel.INFO;
  let name = "bolt";
  const text = (parts: unknown[]) =>
    parts.map((part) => (typeof part === "string" ? part : JSON.stringify(part))).join(" ");
  return {
    debug: (...parts) => logger.debug(text(parts), { component: name }),
    info: (...parts) => logger.info(text(parts), { component: name }),
    warn: (...parts) => logger.warn(text(parts), { component: name }),
    error: (...parts) => logger.error(text(parts), { component: name }),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next) => {
      name = next;
    },
  };
}
