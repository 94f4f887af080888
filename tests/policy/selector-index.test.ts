// The label index that compile() uses to match each distinct selector once must select exactly
// the pods that matching the selector pod by pod would (Kubernetes label selector semantics).
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';

describe('selector index', () => {
  it('selects exactly the pods `matches` accepts', async () => {
    const {LabelIndex} = await import('../../src/policy/selector-index');
    const {matches} = await import('../../src/policy/selector');
    const {bitset, hasBit, setBit} = await import('../../src/policy/bitset');
    const key = fc.constantFrom('app', 'tier', 'x', 'toString');
    const value = fc.constantFrom('web', 'db', '', 'a');
    const labelsArb = fc.dictionary(key, value, {maxKeys: 3});
    const selectorArb = fc.record({
      matchLabels: fc.dictionary(key, value, {maxKeys: 2}),
      matchExpressions: fc.array(fc.record({key, operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist' as const), values: fc.array(value, {maxLength: 2})}), {maxLength: 2}),
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(labelsArb, fc.boolean()), {maxLength: 70}), fc.array(selectorArb, {minLength: 1, maxLength: 4}), (pods, selectors) => {
        const members = bitset(pods.length);
        pods.forEach(([, member], i) => member && setBit(members, i));
        const index = new LabelIndex(pods.length, members, (i) => pods[i][0]);
        for (const s of selectors) {
          const got = index.select(s);
          pods.forEach(([labels, member], i) => expect(hasBit(got, i)).toBe(member && matches(s, labels)));
        }
      }),
      {numRuns: 500},
    );
  });
});
