/** Fixed-size bit sets over pod indices: the precomputed selector matches the matrix works on. */
export type Bitset = Uint32Array;

/** An empty set for `n` members. */
export function bitset(n: number): Bitset {
  return new Uint32Array((n + 31) >>> 5);
}

/** Adds member `i`. */
export function setBit(b: Bitset, i: number): void {
  b[i >>> 5] |= 1 << (i & 31);
}

/** Whether `i` is a member. */
export function hasBit(b: Bitset, i: number): boolean {
  return (b[i >>> 5] & (1 << (i & 31))) !== 0;
}

/** target |= source. */
export function orInto(target: Bitset, source: Bitset): void {
  for (let i = 0; i < target.length; i++) target[i] |= source[i];
}

/** A set with every member below `n`. */
export function fullBitset(n: number): Bitset {
  const b = bitset(n);
  b.fill(0xffffffff);
  const extra = b.length * 32 - n;
  if (extra > 0) b[b.length - 1] = 0xffffffff >>> extra;
  return b;
}
