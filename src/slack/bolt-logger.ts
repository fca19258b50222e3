import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { Logger } from "../log.js";

const ORDER: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 10,
  [LogLevel.INFO]: 20,
  [LogLevel.WARN]: 30,
  [LogLevel.ERROR]: 40,
};

function initialLevel(): LogLevel {
  const wanted = process.env.LOG_LEVEL;
  return wanted === "debug" ? LogLevel.DEBUG : wanted === "error" ? LogLevel.ERROR : LogLevel.WARN;
}

/**
 * Routes Bolt's own logging into our JSON logger so every role logs one way. Bolt logs whole
 * request bodies at debug level on every request, so lines below the level are dropped before
 * they are formatted: formatting them cost milliseconds per request under load.
 */
export function boltLogger(logger: Logger): BoltLogger {
  let level = initialLevel();
  let name = "bolt";
  const text = (parts: unknown[]) =>
    parts.map((part) => (typeof part === "string" ? part : JSON.stringify(part))).join(" ");
  const at =
    (lineLevel: LogLevel, write: (message: string, fields: Record<string, unknown>) => void) =>
    (...parts: unknown[]) => {
      if (ORDER[lineLevel] >= ORDER[level]) write(text(parts), { component: name });
    };
  return {
    debug: at(LogLevel.DEBUG, logger.debug),
    info: at(LogLevel.INFO, logger.info),
    warn: at(LogLevel.WARN, logger.warn),
    error: at(LogLevel.ERROR, logger.error),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next) => {
      name = next;
    },
  };
}
