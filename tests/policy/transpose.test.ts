// The bit-matrix transpose behind the matrix totals (src/policy/matrix.ts, a strip of 32 rows at a time), against the
// definition: bit c of row r of the input is bit r of row c of the output.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {transposeStrip} from '../../src/policy/matrix';

/** The whole transpose, strip by strip as the matrix makes it: rows 32b.. of it are strip b. */
function transpose(rows: Uint32Array, rowOf: Int32Array, n: number, W: number): Uint32Array {
  const t = new Uint32Array(32 * W * W);
  for (let block = 0; block < W; block++) t.set(transposeStrip(rows, rowOf, n, W, block), block * 32 * W);
  return t;
}

describe('transpose', () => {
  it('moves every bit (r, c) to (c, r), for sizes across 32-bit word boundaries', () => {
    fc.assert(
      fc.property(fc.integer({min: 1, max: 100}), fc.infiniteStream(fc.boolean()), (n, bits) => {
        const W = (n + 31) >>> 5;
        const rows = new Uint32Array(n * W);
        const set: boolean[][] = [];
        for (let r = 0; r < n; r++) {
          set.push([]);
          for (let c = 0; c < n; c++) {
            const b = bits.next().value as boolean;
            set[r].push(b);
            if (b) rows[r * W + (c >>> 5)] |= 1 << (c & 31);
          }
        }
        const t = transpose(rows, Int32Array.from({length: n}, (_, r) => r), n, W);
        for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) expect(((t[c * W + (r >>> 5)] >>> (r & 31)) & 1) === 1, `(${r}, ${c}) of ${n}`).toBe(set[r][c]);
        // Nothing beyond column n - 1.
        for (let c = 0; c < n; c++) for (let r = n; r < W * 32; r++) expect((t[c * W + (r >>> 5)] >>> (r & 31)) & 1).toBe(0);
      }),
      {numRuns: 60},
    );
  });

  it('reads rows stored once for several row indices', () => {
    fc.assert(
      fc.property(fc.integer({min: 1, max: 100}), fc.integer({min: 1, max: 5}), fc.infiniteStream(fc.boolean()), fc.infiniteStream(fc.nat()), (n, stored, bits, picks) => {
        const W = (n + 31) >>> 5;
        const rows = new Uint32Array(stored * W);
        const set: boolean[][] = [];
        for (let k = 0; k < stored; k++) {
          set.push([]);
          for (let c = 0; c < n; c++) {
            const b = bits.next().value as boolean;
            set[k].push(b);
            if (b) rows[k * W + (c >>> 5)] |= 1 << (c & 31);
          }
        }
        const rowOf = Int32Array.from({length: n}, () => (picks.next().value as number) % stored);
        const t = transpose(rows, rowOf, n, W);
        for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) expect(((t[c * W + (r >>> 5)] >>> (r & 31)) & 1) === 1, `(${r}, ${c}) of ${n}`).toBe(set[rowOf[r]][c]);
      }),
      {numRuns: 60},
    );
  });
});
