// CRC32 (IEEE 802.3), as the full TCP transport uses it. node:zlib's crc32 needs Node >= 20.15.

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC32 over the concatenation of the given buffers. */
export function crc32(...parts: Buffer[]): number {
  let crc = 0xffffffff;
  for (const buf of parts) {
    for (let i = 0; i < buf.length; i++) crc = TABLE[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}
