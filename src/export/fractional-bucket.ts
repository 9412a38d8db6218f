/**
 * flagd's `fractional` bucketing, reproduced so that `status --org` says what the exported flags
 * serve without loading flagd-core: the 32-bit MurmurHash3 (seed 0) of the bucketing string,
 * scaled to the total weight (`hash * total >> 32`); the variant is the first whose running
 * weight passes that bucket. The hash is the one flagd-core uses (the `imurmurhash` package), char code by char
 * code, with its own handling of the last bytes; test/unit/org-view.test.ts checks agreement
 * with flagd-core over thousands of orgs. Pure.
 */

function mix(k: number): number {
  k = (k * 0x2d51 + (k & 0xffff) * 0xcc9e0000) & 0xffffffff;
  k = (k << 15) | (k >>> 17);
  return (k * 0x3593 + (k & 0xffff) * 0x1b870000) & 0xffffffff;
}

/** MurmurHash3 (x86, 32-bit, seed 0) of a string, as flagd-core computes it for `fractional`. */
export function murmur3(key: string): number {
  let h1 = 0;
  let k1 = 0;
  let i = 0;
  const length = key.length;
  const code = (at: number): number => key.charCodeAt(at);
  k1 ^= length > i ? code(i++) & 0xffff : 0;
  k1 ^= length > i ? (code(i++) & 0xffff) << 8 : 0;
  k1 ^= length > i ? (code(i++) & 0xffff) << 16 : 0;
  if (length > i) {
    k1 ^= (code(i) & 0xff) << 24;
    k1 ^= (code(i++) & 0xff00) >> 8;
  }
  const rem = length & 3;
  const whole = length - rem;
  if (whole > 0) {
    for (;;) {
      h1 ^= mix(k1);
      h1 = (h1 << 13) | (h1 >>> 19);
      h1 = (h1 * 5 + 0xe6546b64) & 0xffffffff;
      if (i >= whole) break;
      k1 = (code(i++) & 0xffff) ^ ((code(i++) & 0xffff) << 8) ^ ((code(i++) & 0xffff) << 16);
      const top = code(i++);
      k1 ^= ((top & 0xff) << 24) ^ ((top & 0xff00) >> 8);
    }
    k1 = 0;
    if (rem >= 3) k1 ^= (code(i + 2) & 0xffff) << 16;
    if (rem >= 2) k1 ^= (code(i + 1) & 0xffff) << 8;
    if (rem >= 1) k1 ^= code(i) & 0xffff;
  }
  if (k1 > 0) h1 ^= mix(k1);
  h1 ^= length;
  h1 ^= h1 >>> 16;
  h1 = (h1 * 0xca6b + (h1 & 0xffff) * 0x85eb0000) & 0xffffffff;
  h1 ^= h1 >>> 13;
  h1 = (h1 * 0xae35 + (h1 & 0xffff) * 0xc2b20000) & 0xffffffff;
  h1 ^= h1 >>> 16;
  return h1 >>> 0;
}

/** The bucket of `bucketBy` among `totalWeight`: flagd's `(hash * total) >> 32`. */
export function fractionalBucket(bucketBy: string, totalWeight: number): number {
  return Number((BigInt(murmur3(bucketBy)) * BigInt(totalWeight)) >> 32n);
}
