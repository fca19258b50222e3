import type { IncomingMessage } from "node:http";
import { parse as parseYaml } from "yaml";
import { badRequest, notAcceptable, tooLarge, unsupportedMediaType } from "../status.js";

/**
 * Content negotiation and request bodies. kubectl and client-node offer several media types in
 * Accept (Table, PartialObjectMetadata, aggregated discovery, protobuf, JSON); the server answers
 * with the first one it can produce. Aggregated discovery is never produced: clients fall back to
 * the plain discovery documents when the response Content-Type does not announce it.
 */

/** The response form the client asked for. */
export type ResponseForm = "object" | "table" | "metadata";

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [];
  return header.split(",").map((part) => {
    const [type = "", ...rest] = part.split(";").map((item) => item.trim());
    const params: Record<string, string> = {};
    for (const item of rest) {
      const index = item.indexOf("=");
      if (index > 0) params[item.slice(0, index).trim().toLowerCase()] = item.slice(index + 1).trim();
    }
    return { type: type.toLowerCase(), params };
  });
}

/** Picks the response form from Accept; throws 406 when nothing acceptable is offered. */
export function negotiate(header: string | undefined): ResponseForm {
  const ranges = parseAccept(header);
  if (ranges.length === 0) return "object";
  for (const range of ranges) {
    const jsonish =
      range.type === "application/json" || range.type === "*/*" || range.type === "application/*";
    if (!jsonish) continue;
    const as = range.params.as;
    if (!as) return "object";
    if (range.params.g !== "meta.k8s.io") continue;
    if (as === "Table") return "table";
    if (as === "PartialObjectMetadataList" || as === "PartialObjectMetadata") return "metadata";
  }
  if (ranges.some((range) => range.type === "application/yaml")) return "object";
  throw notAcceptable();
}

/** Largest request body accepted (the real server's default is 3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Reads the raw request body as bytes, enforcing the size limit. */
export async function readBodyBuffer(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads the request body as UTF-8 text, enforcing the size limit. */
export async function readBody(request: IncomingMessage): Promise<string> {
  return (await readBodyBuffer(request)).toString("utf8");
}

/** Parses a JSON (or, for YAML content types, YAML) body into a value. */
export function parseBody(text: string, contentType: string | undefined): unknown {
  const type = (contentType ?? "application/json").split(";")[0]!.trim().toLowerCase();
  if (type.includes("protobuf") || type.includes("cbor"))
    throw unsupportedMediaType(type, ["application/json", "application/yaml"]);
  if (text.trim() === "") throw badRequest("the body of the request is empty");
  try {
    if (type.endsWith("yaml")) return parseYaml(text);
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw badRequest(`the body of the request could not be decoded: ${detail}`);
  }
}
