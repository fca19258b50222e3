/**
 * Structured JSON log lines on stderr (stdout is for command output). Each line carries a level,
 * a message and fields such as investigationId, so logs of all roles can be joined.
 */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

function threshold(): LogLevel {
  const level = process.env.LOG_LEVEL as LogLevel | undefined;
  if (level && level in order) return level;
  return process.env.VITEST ? "silent" : "info";
}

/** A logger writing JSON lines to `write` (default stderr), with fields merged into every line. */
export function createLogger(
  base: Record<string, unknown> = {},
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  level?: LogLevel,
): Logger {
  const emit = (lineLevel: LogLevel, message: string, fields?: Record<string, unknown>) => {
    // Read LOG_LEVEL per line unless fixed: a command (bench, demo) may lower it after import.
    if (order[lineLevel] < order[level ?? threshold()]) return;
    const record: Record<string, unknown> = {
      time: new Date().toISOString(),
      level: lineLevel,
      msg: message,
      ...base,
    };
    for (const [key, value] of Object.entries(fields ?? {})) {
      record[key] = value instanceof Error ? { message: value.message, name: value.name } : value;
    }
    write(JSON.stringify(record));
  };
  return {
    debug: (message, fields) => emit("debug", message, fields),
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    error: (message, fields) => emit("error", message, fields),
    child: (fields) => createLogger({ ...base, ...fields }, write, level),
  };
}

/** The process-wide logger. */
export const log: Logger = createLogger();
