import { createHash, type Hash } from "node:crypto";
import zlib from "node:zlib";

/** The digests a blob store computes while it writes: MD5 for ETags, the rest for S3 checksums. */
export type DigestName = "md5" | "sha1" | "sha256" | "crc32" | "crc32c" | "crc64nvme";

/** An incremental digest: feed it chunks, then read the big-endian result once. */
export interface Digest {
  update(chunk: Buffer): void;
  digest(): Buffer;
}

/** A new incremental {@link Digest} of `name`. */
export function createDigest(name: DigestName): Digest {
  switch (name) {
    case "md5":
    case "sha1":
    case "sha256":
      return hashDigest(createHash(name));
    case "crc32":
      return crc32Digest();
    case "crc32c":
      return tableCrc32Digest(CRC32C_TABLE);
    case "crc64nvme":
      return crc64NvmeDigest();
  }
}

/** The digest of one buffer. */
export function digestOf(name: DigestName, data: Buffer): Buffer {
  const d = createDigest(name);
  d.update(data);
  return d.digest();
}

function hashDigest(hash: Hash): Digest {
  return { update: (chunk) => void hash.update(chunk), digest: () => hash.digest() };
}

function uint32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
}

// zlib's CRC-32 is native; only CRC-32C and CRC-64/NVME need tables in JavaScript.
function crc32Digest(): Digest {
  let crc = 0;
  return { update: (chunk) => void (crc = zlib.crc32(chunk, crc)), digest: () => uint32(crc) };
}

function reflectedTable(poly: number): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** CRC-32C (Castagnoli), reflected polynomial 0x82F63B78. */
const CRC32C_TABLE = reflectedTable(0x82f63b78);

function tableCrc32Digest(table: Uint32Array): Digest {
  let crc = 0xffffffff;
  return {
    update(chunk) {
      let c = crc;
      for (let i = 0; i < chunk.length; i++) c = table[(c ^ chunk[i]!) & 0xff]! ^ (c >>> 8);
      crc = c;
    },
    digest: () => uint32(~crc),
  };
}

/**
 * CRC-64/NVME (reflected polynomial 0x9A6C9329AC4BC9B5), the checksum newer SDKs may choose.
 * The 64-bit state is kept as two 32-bit halves: BigInt per byte would be far too slow.
 */
const CRC64_TABLES = (() => {
  const lo = new Uint32Array(256);
  const hi = new Uint32Array(256);
  const poly = 0x9a6c9329ac4bc9b5n;
  for (let n = 0; n < 256; n++) {
    let c = BigInt(n);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ poly : c >> 1n;
    lo[n] = Number(c & 0xffffffffn);
    hi[n] = Number(c >> 32n);
  }
  return { lo, hi };
})();

function crc64NvmeDigest(): Digest {
  let lo = 0xffffffff;
  let hi = 0xffffffff;
  const { lo: tLo, hi: tHi } = CRC64_TABLES;
  return {
    update(chunk) {
      let l = lo;
      let h = hi;
      for (let i = 0; i < chunk.length; i++) {
        const idx = (l ^ chunk[i]!) & 0xff;
        l = ((l >>> 8) | (h << 24)) ^ tLo[idx]!;
        h = (h >>> 8) ^ tHi[idx]!;
      }
      lo = l >>> 0;
      hi = h >>> 0;
    },
    digest() {
      const out = Buffer.alloc(8);
      out.writeUInt32BE(~hi >>> 0, 0);
      out.writeUInt32BE(~lo >>> 0, 4);
      return out;
    },
  };
}
