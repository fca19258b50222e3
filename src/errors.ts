/**
 * Coded errors. Every error a user or operator can see carries a stable `code` so logs, Slack
 * messages and tests can match on it, and a message that says what to do next.
 */
export class TriageError extends Error {
  readonly code: string;
  /** When true, retrying the same input cannot help (queues map this to UnrecoverableError). */
  readonly permanent: boolean;

  constructor(code: string, message: string, options: { cause?: unknown; permanent?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.permanent = options.permanent ?? true;
  }
}

/** Bad input from a user: flag, namespace name, state file, policy file. */
export class InputError extends TriageError {
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, permanent: true });
  }
}

/** Configuration (environment, policy) is invalid. */
export class ConfigError extends TriageError {
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, permanent: true });
  }
}

/** The cluster could not be reached or answered with an unexpected error. */
export class ClusterError extends TriageError {
  readonly status?: number;
  constructor(
    code: string,
    message: string,
    options: { cause?: unknown; status?: number; permanent?: boolean } = {},
  ) {
    super(code, message, { cause: options.cause, permanent: options.permanent ?? false });
    if (options.status !== undefined) this.status = options.status;
  }
}

/** A remediation was refused (policy, drift, dry-run failure, expired, already decided). */
export class RemediationRefused extends TriageError {
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, permanent: true });
  }
}

/** A dependency (Redis, Slack, Anthropic) failed in a way that may pass. */
export class DependencyError extends TriageError {
  constructor(code: string, message: string, options: { cause?: unknown; permanent?: boolean } = {}) {
    super(code, message, { cause: options.cause, permanent: options.permanent ?? false });
  }
}

/** Message of any thrown value, for logs and user-facing text. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
