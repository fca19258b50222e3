import { z } from "zod";

/** Keys of a JSON schema the model does not need: zod still enforces them on every call. */
const VALIDATION_ONLY = new Set([
  "pattern",
  "minLength",
  "maxLength",
  "propertyNames",
  "$schema",
  "minItems",
  "maxItems",
]);

function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(compact);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      if (VALIDATION_ONLY.has(key)) continue;
      // `additionalProperties: {}` (any value) is the default; saying it costs tokens every turn.
      if (
        key === "additionalProperties" &&
        inner &&
        typeof inner === "object" &&
        Object.keys(inner).length === 0
      )
        continue;
      out[key] = compact(inner);
    }
    return out;
  }
  return value;
}

/**
 * The JSON schema advertised to the model for a zod input schema: types, enums, required keys,
 * numeric ranges and descriptions. String patterns and length limits are left out because they
 * are resent on every turn and zod rejects violations with a precise message anyway.
 */
export function advertisedSchema(schema: z.ZodType): { type: "object"; [key: string]: unknown } {
  const json = compact(z.toJSONSchema(schema, { io: "input" })) as Record<string, unknown>;
  return { ...json, type: "object" };
}
