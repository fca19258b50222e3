/**
 * Just enough of the Kubernetes protobuf encoding to read a SelfSubjectAccessReview, which
 * kubectl's typed clients send as `application/vnd.kubernetes.protobuf`. Other protobuf bodies
 * are refused with 415 (their schemas are out of scope for the simulator).
 */

type Fields = Map<number, (Buffer | number)[]>;

function readVarint(buffer: Buffer, offset: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  let position = offset;
  for (;;) {
    const byte = buffer[position++];
    if (byte === undefined) throw new RangeError("truncated protobuf varint");
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, position];
    shift += 7;
  }
}

/** Decodes one protobuf message into field number -> values (bytes for length-delimited). */
function decodeMessage(buffer: Buffer): Fields {
  const fields: Fields = new Map();
  let offset = 0;
  while (offset < buffer.length) {
    const [tag, afterTag] = readVarint(buffer, offset);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    let value: Buffer | number;
    if (wire === 0) {
      [value, offset] = readVarint(buffer, afterTag);
    } else if (wire === 2) {
      const [size, start] = readVarint(buffer, afterTag);
      value = buffer.subarray(start, start + size);
      offset = start + size;
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      value = buffer.subarray(afterTag, afterTag + size);
      offset = afterTag + size;
    } else {
      throw new RangeError(`unsupported protobuf wire type ${wire}`);
    }
    const list = fields.get(field) ?? [];
    list.push(value);
    fields.set(field, list);
  }
  return fields;
}

function message(fields: Fields, field: number): Fields | undefined {
  const value = fields.get(field)?.[0];
  return Buffer.isBuffer(value) ? decodeMessage(value) : undefined;
}

function text(fields: Fields | undefined, field: number): string | undefined {
  const value = fields?.get(field)?.[0];
  return Buffer.isBuffer(value) ? value.toString("utf8") : undefined;
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** The JSON form of a protobuf-encoded SelfSubjectAccessReview, or undefined for anything else. */
export function decodeAccessReview(body: Buffer): Record<string, unknown> | undefined {
  if (!body.subarray(0, 4).equals(MAGIC)) return undefined;
  const unknown = decodeMessage(body.subarray(4));
  const typeMeta = message(unknown, 1);
  if (text(typeMeta, 2) !== "SelfSubjectAccessReview") return undefined;
  const raw = unknown.get(2)?.[0];
  if (!Buffer.isBuffer(raw)) return undefined;
  const spec = message(decodeMessage(raw), 2);
  const resource = spec ? message(spec, 1) : undefined;
  const nonResource = spec ? message(spec, 2) : undefined;
  const result: Record<string, unknown> = {};
  if (resource) {
    const names = ["namespace", "verb", "group", "version", "resource", "subresource", "name"];
    result.resourceAttributes = Object.fromEntries(
      names.flatMap((name, index) => {
        const value = text(resource, index + 1);
        return value === undefined ? [] : [[name, value]];
      }),
    );
  }
  if (nonResource)
    result.nonResourceAttributes = { path: text(nonResource, 1) ?? "", verb: text(nonResource, 2) ?? "" };
  return { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", spec: result };
}
