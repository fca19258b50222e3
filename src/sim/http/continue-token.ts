import { badRequest } from "../status.js";

/**
 * Opaque `continue` tokens in the real API server's format: base64 of
 * `{"v":"meta.k8s.io/v1","rv":<list resourceVersion>,"start":"<next key>"}`, where the next key
 * is the last returned key followed by NUL (the first key strictly after it).
 */

/** A decoded continue token. */
export interface ContinueToken {
  rv: number;
  /** Inclusive lower bound of the next page's keys. */
  start: string;
}

export function encodeContinue(rv: number, lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv, start: `${lastKey}\u0000` })).toString(
    "base64url",
  );
}

/** Decodes a token; 400 "continue key is not valid" when it is not one of ours. */
export function decodeContinue(token: string): ContinueToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw badRequest(
      "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
    );
  }
  const value = parsed as { v?: unknown; rv?: unknown; start?: unknown };
  if (
    value?.v !== "meta.k8s.io/v1" ||
    typeof value.rv !== "number" ||
    typeof value.start !== "string" ||
    value.start === ""
  ) {
    throw badRequest(
      "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
    );
  }
  return { rv: value.rv, start: value.start };
}
