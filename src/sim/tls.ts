import { createPublicKey, generateKeyPairSync, randomBytes, sign } from "node:crypto";

/**
 * A self-signed serving certificate for the simulated API server, built with node:crypto alone
 * (no openssl binary needed). kubectl only sends a bearer token over TLS, so the `sim` command
 * serves HTTPS and puts this certificate in the kubeconfig as the cluster's CA.
 */

/** PEM key and certificate of a TLS server. */
export interface ServingCertificate {
  key: string;
  cert: string;
}

// --- minimal DER encoding ---

function length(size: number): Buffer {
  if (size < 0x80) return Buffer.from([size]);
  const bytes: number[] = [];
  for (let rest = size; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const sequence = (...items: Buffer[]) => tlv(0x30, ...items);

function oid(text: string): Buffer {
  const [first = 0, second = 0, ...rest] = text.split(".").map(Number);
  const bytes = [40 * first + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let value = arc >> 7; value > 0; value >>= 7) chunk.unshift((value & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function utcTime(date: Date): Buffer {
  const pad = (value: number) => String(value).padStart(2, "0");
  const text = `${pad(date.getUTCFullYear() % 100)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(text, "ascii"));
}

function name(commonName: string): Buffer {
  return sequence(tlv(0x31, sequence(oid("2.5.4.3"), tlv(0x0c, Buffer.from(commonName, "utf8")))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), tlv(0x04, value));
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/**
 * A fresh P-256 key and a one-year self-signed certificate for 127.0.0.1 and localhost. With
 * `clientAuth` it may also authenticate a client (mutual TLS, e.g. Redis `tls-auth-clients yes`).
 */
export function createServingCertificate(
  commonName = "k8s-triage-sim",
  options: { clientAuth?: boolean } = {},
): ServingCertificate {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const spki = createPublicKey(privateKey).export({ type: "spki", format: "der" });
  const ecdsaSha256 = sequence(oid("1.2.840.10045.4.3.2"));
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  const now = Date.now();
  const tbs = sequence(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))),
    tlv(0x02, serial),
    ecdsaSha256,
    name(commonName),
    sequence(utcTime(new Date(now - 86_400_000)), utcTime(new Date(now + 365 * 86_400_000))),
    name(commonName),
    spki,
    tlv(
      0xa3,
      sequence(
        extension("2.5.29.19", true, sequence(tlv(0x01, Buffer.from([0xff])))),
        // digitalSignature (bit 0) and keyCertSign (bit 5); the last 2 bits of the byte are unused.
        extension("2.5.29.15", true, tlv(0x03, Buffer.from([0x02, 0x84]))),
        extension(
          "2.5.29.37",
          false,
          sequence(oid("1.3.6.1.5.5.7.3.1"), ...(options.clientAuth ? [oid("1.3.6.1.5.5.7.3.2")] : [])),
        ),
        extension(
          "2.5.29.17",
          false,
          sequence(tlv(0x82, Buffer.from("localhost", "ascii")), tlv(0x87, Buffer.from([127, 0, 0, 1]))),
        ),
      ),
    ),
  );
  const signature = sign("sha256", tbs, privateKey);
  const certificate = sequence(tbs, ecdsaSha256, tlv(0x03, Buffer.from([0]), signature));
  return {
    key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    cert: pem("CERTIFICATE", certificate),
  };
}
