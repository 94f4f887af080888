// The fast YAML reader against the `yaml` library: whenever it accepts a text, it must give the
// same documents, node kinds, values and start offsets (what positions in messages come from),
// and the library must find no error in that text. Texts it declines go to the library.
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {isMap, isPair, isScalar, isSeq, parseAllDocuments, stringify, type Node} from 'yaml';
import {benchModel} from '../../src/policy/bench-model';
import {fastParseDocuments} from '../../src/policy/fast-yaml';

function shape(n: unknown): unknown {
  if (n == null) return null;
  if (isScalar(n)) return {scalar: n.value, at: n.range?.[0]};
  if (isMap(n)) return {map: n.items.map((p) => (isPair(p) ? [shape(p.key), shape(p.value)] : 'not a pair')), at: n.range?.[0]};
  if (isSeq(n)) return {seq: n.items.map(shape), at: n.range?.[0]};
  return {other: String(n)};
}

/** Checks the fast reader against the library; returns whether it took the text. */
function check(text: string): boolean {
  const fast = fastParseDocuments(text);
  if (!fast) return false;
  const parsed = parseAllDocuments(text, {uniqueKeys: true, prettyErrors: false});
  const docs = Array.isArray(parsed) ? parsed : [];
  expect(docs.flatMap((d) => d.errors.map((e) => e.message)), text).toEqual([]);
  expect(fast.docs.map((d) => shape(d.contents as Node)), text).toEqual(docs.map((d) => shape(d.contents)));
  const starts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)];
  expect(fast.lineStarts).toEqual(starts);
  return true;
}

const labsDir = join(import.meta.dirname, '../../labs');
const labTexts = readdirSync(labsDir).flatMap((lab) =>
  readdirSync(join(labsDir, lab))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => readFileSync(join(labsDir, lab, f), 'utf8')),
);

const snippets = [
  'a: 1\n',
  'a: 1\n---\nb: 2\n',
  '---\na: 1\n',
  '# c\n---\na: 1\n---\n# a comment\nb: 2\n',
  'a:\n- x\n- y\nb: z\n',
  'a:\n  - x\n  -  y  # c\n',
  'a: {b: [1, 2, "x"], c: \'it\'\'s\'}\n',
  'a: [ ]\nb: {}\nc: [a, b,]\n',
  '- a: 1\n  b: 2\n- - x\n  - y\n-\n  c: 3\n',
  'k8s:io.kubernetes.pod.namespace: x\n"quoted key": y\n\'single\': z\n',
  'a: true\nb: False\nc: ~\nd: null\ne: -1\nf: +2\ng: 007\nh: 10.0.0.0/8\nm: -x\n',
  'a: x y z\nb: "a\\"b\\\\c"\nc: "/api/.*"\n',
  'a: 1\n  b: 2\n',
  'a: b: c\n',
  'a: 1\na: 2\n',
  'a: {x: 1, x: 2}\n',
  'a: [1, 2\n',
  'a:\n',
  'a: |\n  text\n',
  'a: &x 1\nb: *x\n',
  'a: !!str 1\n',
  'a: "multi\n  line"\n',
  'a: plain\n  continued\n',
  '- a\nb: 1\n',
  'a:\n- x\n  - y\n',
  '{a: 1}\n',
  'a: [b: c]\n',
  'a: {b}\n',
  'a: x #c\nb: y#z\n',
  'a:    spaced   \n',
  '  a: 1\n',
  'a: 1\n...\n',
  'a: -\n',
  'a: [-1, -x, "-"]\n',
  'a: {"k:x": 1, \'y\':2}\n',
  'a: {b: 1}, c\n',
  'a: 1\n---\n---\nb: 2\n',
  'a: 1\n---\n',
  'i: 1.5\nj: 0x1f\nk: .inf\nl: 1e3\nm: 0o7\n',
];

describe('fast YAML reader', () => {
  it('reads the bench model and the labs as the library does', () => {
    expect(check(benchModel().policyYaml)).toBe(true);
    expect(check(benchModel({namespaces: 3, podsPerNamespace: 2, policies: 40}, 7).policyYaml)).toBe(true);
    for (const text of labTexts) check(text);
  });
  it('agrees with the library on every snippet it takes', () => {
    for (const text of snippets) check(text);
    // The plain forms it exists for are taken, not declined.
    for (const text of snippets.slice(0, 12)) expect(check(text), text).toBe(true);
  });
  it('agrees with the library on mutated policies', () => {
    const base = [...snippets, ...labTexts, benchModel({namespaces: 2, podsPerNamespace: 2, policies: 10}, 3).policyYaml];
    const pieces = [' ', '  ', '-', '- ', ':', ': ', '#', ' #', '"', "'", '{', '}', '[', ']', ',', '\n', '---\n', 'x', '1', 'true', '~'];
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.nat(pieces.length - 1)), {minLength: 1, maxLength: 4}), (which, edits) => {
        let text = base[which];
        for (const [at, del, piece] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + pieces[piece] + text.slice(i + del);
        }
        check(text);
      }),
      {numRuns: 3000},
    );
  });
  it('agrees with the library on generated documents in block and flow style', () => {
    const scalarArb = fc.oneof(fc.constantFrom('web', 'a b', 'true', 'null', '-1', '80', '10.0.0.0/8', 'k8s:x', '', ' x', "it's", 'say "hi"', '#', 'a: b'), fc.integer(), fc.boolean(), fc.constant(null));
    const valueArb = fc.letrec((tie) => ({
      value: fc.oneof({depthSize: 'small'}, scalarArb, fc.array(tie('value'), {maxLength: 3}), fc.dictionary(fc.constantFrom('a', 'b', 'k8s:c', 'x y', '1'), tie('value'), {maxKeys: 3})),
    })).value;
    fc.assert(
      fc.property(fc.array(valueArb, {minLength: 1, maxLength: 3}), fc.constantFrom(0, 1, 3, 8), (values, flowLevel) => {
        check(values.map((v) => stringify(v, {flowLevel: flowLevel || undefined} as never)).join('---\n'));
      }),
      {numRuns: 1500},
    );
  });
});

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
