// JSON input has a reader of its own (src/policy/json-source.ts: a positioned tree built with
// jsonc-parser's visitor, duplicate keys found while building it). These tests hold it to the YAML path,
// which reads the same document through the yaml library: the same verdicts, explanations and
// errors, with positions that point into the JSON text. Expected positions are found by searching
// the test's own text, not taken from the reader.
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {parse, parseAllDocuments} from 'yaml';
import {simulateCli} from '../cli-harness';
import {formatError, parsePolicyDocuments, parseScenario} from '../../src/policy';
import {readJson} from '../../src/policy/json-source';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = ['tests/fixtures/review', 'tests/fixtures/scenarios'].flatMap((dir) =>
  readdirSync(path.join(ROOT, dir))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `${dir}/${f}`),
).filter((f) => {
  // A fixture of YAML syntax errors has no JSON twin.
  const docs = parseAllDocuments(readFileSync(path.join(ROOT, f), 'utf8'));
  return Array.isArray(docs) && docs.every((d) => d.errors.length === 0);
});

/** The JSON twin of a YAML text, written as `JSON.stringify(value, null, 2)` writes it. */
function jsonTwin(yamlText: string): string {
  return `${JSON.stringify(parse(yamlText), null, 2)}\n`;
}

/** Runs `simulate --json --cells` on one in-memory file; returns the exit code and the JSON output. */
async function simulate(file: string, text: string): Promise<{code: number; out: unknown; stderr: string}> {
  let stdout = '';
  let stderr = '';
  const code = await simulateCli(['--json', '--cells', file], {readFile: () => text, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t)});
  return {code, out: JSON.parse(stdout), stderr};
}

/** The output without anything that names a file position, which differs between the twins by design. */
function withoutPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPositions);
  if (typeof value === 'string') return value.replace(/\S+\.(yaml|json):\d+(:\d+)?/g, 'FILE:N');
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!['file', 'line', 'col'].includes(k)) out[k] = withoutPositions(v);
  return out;
}

/** 1-based line and column of the first occurrence of `needle` (after `from`) in `text`. */
function positionOf(text: string, needle: string, from = 0): {line: number; col: number} {
  const offset = text.indexOf(needle, from);
  expect(offset, `${needle} is in the text`).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, offset).split('\n');
  return {line: before.length, col: before[before.length - 1].length + 1};
}

describe('a JSON scenario reads as its YAML twin', () => {
  it.each(FIXTURES)('%s', async (fixture) => {
    const yamlText = readFileSync(path.join(ROOT, fixture), 'utf8');
    const jsonText = jsonTwin(yamlText);
    // The twin takes the JSON reader, not the YAML parser.
    expect(readJson(jsonText)).toHaveProperty('root');
    const fromYaml = await simulate('s.yaml', yamlText);
    const fromJson = await simulate('s.json', jsonText);
    expect(fromJson.code).toBe(fromYaml.code);
    expect(withoutPositions(fromJson.out)).toEqual(withoutPositions(fromYaml.out));
    expect(fromJson.stderr.replace(/\S+\.(yaml|json):\d+:\d+/g, 'FILE:N')).toBe(fromYaml.stderr.replace(/\S+\.(yaml|json):\d+:\d+/g, 'FILE:N'));
  });
});

describe('positions in JSON', () => {
  const deathstar = jsonTwin(readFileSync(path.join(ROOT, 'tests/fixtures/scenarios/deathstar-l7.yaml'), 'utf8'));

  it('an explanation names the line of the rule in the JSON text', async () => {
    const {out} = await simulate('deathstar.json', deathstar);
    const rule = (out as {scenarios: {results: {explanation: {side: string; rules?: {line: number; col: number}[]}[]}[]}[]}).scenarios[0].results[0].explanation.find((e) => e.side === 'ingress')!.rules![0];
    // rule1's ingress[0] is the object that opens the line before its "fromEndpoints".
    const fromEndpoints = positionOf(deathstar, '"fromEndpoints"');
    expect(rule.line).toBe(fromEndpoints.line - 1);
    const lines = deathstar.split('\n');
    expect(lines[rule.line - 1][rule.col - 1]).toBe('{');
  });

  it('an unknown field is reported at its key, a wrong value at the value', () => {
    const text = deathstar.replace('"fromEndpoints"', '"fromEndpoint"').replace('"protocol": "TCP"\n                  }', '"protocol": 80\n                  }');
    const r = parseScenario(text, 'bad.json');
    const key = positionOf(text, '"fromEndpoint"');
    const value = positionOf(text, '"protocol": 80');
    expect(r.errors.map(formatError)).toEqual([
      `bad.json:${key.line}:${key.col}: unknown field "fromEndpoint" in policies[0].spec.ingress[0] (a CiliumNetworkPolicy ingress rule); did you mean "fromEndpoints"?`,
      `bad.json:${value.line}:${value.col + '"protocol": '.length}: policies[0].spec.ingress[0].toPorts[0].ports[0].protocol must be text (protocol), not the number 80`,
    ]);
  });

  it('a missing field is reported at the object that lacks it', () => {
    const text = '{\n  "cluster": {"namespaces": [{"name": "x"}], "pods": [{"namespace": "x", "labels": {"pod": "a"}}]},\n  "probes": []\n}\n';
    const at = positionOf(text, '{"namespace": "x"');
    expect(parseScenario(text, 's.json').errors.map(formatError)).toEqual([`s.json:${at.line}:${at.col}: cluster.pods[0] needs a "name" field (the pod name)`]);
  });
});

describe('JSON read in the order written', () => {
  it('reports errors in the order of the text, keys that read as numbers included', () => {
    // Object.keys would list "7" before "b"; the YAML path reports b first, as written.
    const text = '{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "a", "namespace": "x", "labels": {"b": "x y", "7": "q r"}}, "spec": {"podSelector": {}}}';
    const cols = parsePolicyDocuments(text, 'p.json').errors.map((e) => e.col);
    expect(cols).toEqual([positionOf(text, '"x y"').col, positionOf(text, '"q r"').col]);
    // The same text after a comment line is no longer strict JSON: the YAML parser reads it.
    const yaml = parsePolicyDocuments(`# read as YAML\n${text}`, 'p.yaml');
    expect(parsePolicyDocuments(text, 'p.json').errors.map((e) => e.message)).toEqual(yaml.errors.map((e) => e.message));
  });

  it('counts lines at "\\n" only, for every position (a lone "\\r" is no line break, as in YAML)', () => {
    const text = '{"apiVersion": "networking.k8s.io/v1",\r"kind": "NetworkPolicy",\n"metadata": {"name": "a", "namespace": "x", "name": "b", "bad": 1}, "spec": {"podSelector": {}}}';
    const errors = parsePolicyDocuments(text, 'p.json').errors.map(formatError);
    const second = positionOf(text, '"name"', text.indexOf('"name"') + 1);
    expect(second.line).toBe(2);
    expect(errors).toEqual([`p.json:${second.line}:${second.col}: the key "name" is written twice in the same mapping; keep one of them`]);
    const unknown = parsePolicyDocuments(text.replace('"name": "b", ', ''), 'p.json').errors[0];
    expect([unknown.line, unknown.col]).toEqual([2, positionOf(text.replace('"name": "b", ', ''), '"bad"').col]);
  });

  it('reads null and a "__proto__" key as the YAML path reads them', () => {
    // null as a label value reads as empty text; "__proto__" is a key like any other, kept in
    // the plain data of an object of another kind (not turned into a prototype).
    const np = (yamlAlso: string) => `${yamlAlso}{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "a", "namespace": "x"}, "spec": {"podSelector": {"matchLabels": {"app": null}}}}`;
    const fromJson = parsePolicyDocuments(np(''), 'p.json');
    expect(fromJson.errors).toEqual([]);
    expect(fromJson.policies[0].rules[0].subject.selector.matchLabels).toEqual({app: ''});
    expect(withoutPositions(fromJson)).toEqual(withoutPositions(parsePolicyDocuments(np('# read as YAML\n'), 'p.yaml')));
    const map = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"__proto__": {"x": 1}, "n": null, "7": "s"}}';
    const [json] = parsePolicyDocuments(map, 'c.json').others;
    const [yaml] = parsePolicyDocuments(`# read as YAML\n${map}`, 'c.yaml').others;
    expect(Object.keys(json.object.data as object)).toEqual(['7', '__proto__', 'n']);
    expect(JSON.stringify(json.object)).toBe(JSON.stringify(yaml.object));
  });

  it('nesting deeper than the parsers can follow is one clear error, not a crash', () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const text = `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"x": ${deep}}}`;
    expect(parsePolicyDocuments(text, 'p.json').errors.map((e) => `${e.code} ${formatError(e)}`)).toEqual([
      'too-deep p.json:1:1: this JSON text nests arrays and objects deeper than the reader can follow (thousands of levels); no Kubernetes object needs that, so check how the file was made',
    ]);
  });

  it('reads nesting a hundred levels deep', () => {
    const deep = `${'['.repeat(100)}${']'.repeat(100)}`;
    const text = `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"x": ${deep}}}`;
    const r = parsePolicyDocuments(text, 'p.json');
    expect(r.errors).toEqual([]);
    expect(r.others.map((o) => o.kind)).toEqual(['ConfigMap']);
  });
});

describe('the values read from JSON', () => {
  it('keep the keys, values and positions of each object, whether or not the one before had the same keys', () => {
    const text = '[{"a": 1, "b": "x"}, {"a": 2, "b": "y"}, {"a": 3, "c": "z"}, {"a": 4}, {}, {"a": 5, "b": "w"}]';
    const doc = readJson(text);
    if (typeof doc !== 'object') throw new Error('not read as JSON');
    const items = doc.children(doc.root);
    expect(items.map((o) => Object.fromEntries(doc.keys(o).map((k, i) => [k, doc.scalar(doc.child(o, i))])))).toEqual([{a: 1, b: 'x'}, {a: 2, b: 'y'}, {a: 3, c: 'z'}, {a: 4}, {}, {a: 5, b: 'w'}]);
    // Each key and value at the offset where it is written.
    let from = 0;
    for (const o of items) {
      doc.keys(o).forEach((k, i) => {
        const at = text.indexOf(`"${k}"`, from);
        const entry = doc.child(o, i);
        expect(doc.keyOffset(entry)).toBe(at);
        expect(doc.offset(entry)).toBe(text.indexOf(JSON.stringify(doc.scalar(entry)), at + k.length + 2));
        from = at + 1;
      });
    }
  });

  it('numbers nested values in the order written, each object or array before what it holds', () => {
    const text = '{"a": [1, {"b": null}], "c": {"d": [true]}, "e": "f"}';
    const doc = readJson(text);
    if (typeof doc !== 'object') throw new Error('not read as JSON');
    expect(doc.plain(doc.root)).toEqual({a: [1, {b: null}], c: {d: [true]}, e: 'f'});
    const [a, c, e] = doc.children(doc.root);
    expect([doc.kind(a), doc.kind(c), doc.kind(e)]).toEqual(['array', 'object', 'scalar']);
    expect(doc.keys(doc.root)).toEqual(['a', 'c', 'e']);
    // Every value where it is written: the "[" of a, the "{" of c, the quote of "f".
    expect([doc.offset(a), doc.offset(c), doc.offset(e)]).toEqual([text.indexOf('['), text.indexOf('{"d"'), text.indexOf('"f"')]);
    const [one, inner] = doc.children(a);
    expect([doc.scalar(one), doc.kind(inner), doc.keys(inner)]).toEqual([1, 'object', ['b']]);
    expect(doc.scalar(doc.child(doc.child(c, 0), 0))).toBe(true);
  });
});

describe('duplicate keys in JSON', () => {
  const policy = (metadata: string) =>
    `{\n  "apiVersion": "networking.k8s.io/v1",\n  "kind": "NetworkPolicy",\n  "metadata": ${metadata},\n  "spec": {"podSelector": {}}\n}\n`;

  it('are refused at the second key, as the API server refuses them', () => {
    const text = policy('{"name": "a", "namespace": "x", "name": "b"}');
    const second = positionOf(text, '"name"', text.indexOf('"name"') + 1);
    const r = parsePolicyDocuments(text, 'p.json');
    expect(r.errors.map((e) => `${e.code} ${formatError(e)}`)).toEqual([`duplicate-key p.json:${second.line}:${second.col}: the key "name" is written twice in the same mapping; keep one of them`]);
    expect(r.policies).toEqual([]);
  });

  it('count the same key written with an escape as the same key', () => {
    const text = policy('{"name": "a", "namespace": "x", "n\\u0061me": "b"}');
    const second = positionOf(text, '"n\\u0061me"');
    expect(parsePolicyDocuments(text, 'p.json').errors.map(formatError)).toEqual([`p.json:${second.line}:${second.col}: the key "name" is written twice in the same mapping; keep one of them`]);
  });

  it('are not found in text that only looks like keys inside strings', () => {
    const text = policy('{"name": "a", "namespace": "x", "annotations": {"note": "\\"name\\": \\"b\\", {\\"name\\": 1}", "other": "name:"}}');
    const r = parsePolicyDocuments(text, 'p.json');
    expect(r.errors).toEqual([]);
    expect(r.policies.map((p) => p.name)).toEqual(['a']);
  });

  it('are found when the keys and values involved hold colons', () => {
    const text = policy('{"name": "a", "namespace": "x", "labels": {"k8s:app": "a:b", "k8s:app": "c:d"}}');
    const second = positionOf(text, '"k8s:app"', text.indexOf('"k8s:app"') + 1);
    expect(parsePolicyDocuments(text, 'p.json').errors.map(formatError)).toEqual([`p.json:${second.line}:${second.col}: the key "k8s:app" is written twice in the same mapping; keep one of them`]);
  });

  it('are found when a value holds an escaped colon', () => {
    const text = policy('{"name": "a", "namespace": "x", "annotations": {"note": "\\u003a"}, "name": "b"}');
    const second = positionOf(text, '"name"', text.indexOf('"name"') + 1);
    const r = parsePolicyDocuments(text, 'p.json');
    expect(r.errors.map(formatError)).toEqual([`p.json:${second.line}:${second.col}: the key "name" is written twice in the same mapping; keep one of them`]);
  });

  it('name the key in YAML too, at the second key', () => {
    const text = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: a\n  namespace: x\n  name: b\nspec: {podSelector: {}}\n';
    expect(parsePolicyDocuments(text, 'p.yaml').errors.map(formatError)).toEqual(['p.yaml:6:3: the key "name" is written twice in the same mapping; keep one of them']);
  });

  it('are found in objects of few keys and of many, each at its second key', () => {
    // Labels of 3 keys and of 40 keys, each with "dup" written twice.
    const labels = (n: number) => `{${Array.from({length: n}, (_, i) => `"k${i}": "v"`).join(', ')}, "dup": "a", "k0x": "b", "dup": "c"}`;
    for (const n of [1, 38]) {
      const text = policy(`{"name": "a", "namespace": "x", "labels": ${labels(n)}}`);
      const second = positionOf(text, '"dup"', text.indexOf('"dup"') + 1);
      expect(parsePolicyDocuments(text, 'p.json').errors.map(formatError), `${n + 3} keys`).toEqual([`p.json:${second.line}:${second.col}: the key "dup" is written twice in the same mapping; keep one of them`]);
    }
  });

  it('in different objects are not duplicates', () => {
    const text = `{"apiVersion": "v1", "kind": "List", "items": [${policy('{"name": "a", "namespace": "x"}')}, ${policy('{"name": "b", "namespace": "x"}')}]}`;
    const r = parsePolicyDocuments(text, 'p.json');
    expect(r.errors).toEqual([]);
    expect(r.policies.map((p) => p.name)).toEqual(['a', 'b']);
  });
});

describe('text that is not strict JSON goes to the YAML parser', () => {
  it('YAML flow style that starts with a brace', () => {
    const r = parsePolicyDocuments('{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: a, namespace: x}, spec: {podSelector: {}}}\n', 'p.yaml');
    expect(r.errors).toEqual([]);
    expect(r.policies.map((p) => p.name)).toEqual(['a']);
  });

  it('a trailing comma (YAML flow style allows it)', () => {
    const r = parsePolicyDocuments('{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "a", "namespace": "x",}, "spec": {"podSelector": {}}}\n', 'p.json');
    expect(r.errors).toEqual([]);
    expect(r.policies.map((p) => p.name)).toEqual(['a']);
  });

  it('a syntax error is reported by the YAML parser, with its position', () => {
    const text = '{\n  "apiVersion": "networking.k8s.io/v1",\n  "kind": "NetworkPolicy"\n  "metadata": {"name": "a"}\n}\n';
    const r = parsePolicyDocuments(text, 'p.json');
    expect(r.errors.map((e) => e.code)).toEqual(['yaml-syntax']);
    expect(r.errors[0]).toMatchObject({file: 'p.json', line: 4});
  });
});

describe('lists of objects (what kubectl get -o yaml|json prints)', () => {
  const np = (name: string) => ({apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: {name, namespace: 'x'}, spec: {podSelector: {}}});

  it('a v1 List in YAML and in JSON stands for its items', () => {
    const list = {apiVersion: 'v1', kind: 'List', metadata: {resourceVersion: ''}, items: [np('a'), {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'x'}}, np('b')]};
    for (const [file, text] of [['l.json', JSON.stringify(list, null, 4)], ['l.yaml', `apiVersion: v1\nkind: List\nitems:\n${list.items.map((o) => `- ${JSON.stringify(o)}`).join('\n')}\n`]]) {
      const r = parsePolicyDocuments(text, file);
      expect(r.errors, file).toEqual([]);
      expect(r.policies.map((p) => p.name), file).toEqual(['a', 'b']);
      expect(r.others.map((o) => `${o.kind}/${o.name}`), file).toEqual(['Namespace/x']);
    }
  });

  it('a typed list (NetworkPolicyList) too', () => {
    const r = parsePolicyDocuments(JSON.stringify({apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicyList', items: [np('a')]}), 'l.json');
    expect(r.policies.map((p) => p.name)).toEqual(['a']);
  });

  it('items of a typed list from the API take kind and apiVersion from it', () => {
    // `kubectl get --raw /apis/networking.k8s.io/v1/networkpolicies` leaves them out of the items.
    const item = {metadata: {name: 'a', namespace: 'x'}, spec: {podSelector: {}}};
    const r = parsePolicyDocuments(JSON.stringify({apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicyList', metadata: {}, items: [item]}), 'l.json');
    expect(r.errors).toEqual([]);
    expect(r.policies.map((p) => `${p.kind} ${p.name}`)).toEqual(['NetworkPolicy a']);
  });

  it('a kind that only ends in "List" is an object like any other', () => {
    const r = parsePolicyDocuments('apiVersion: example.com/v1\nkind: AllowList\nmetadata: {name: a}\nspec: {entries: []}\n', 'l.yaml');
    expect(r.errors).toEqual([]);
    expect(r.others.map((o) => `${o.kind}/${o.name}`)).toEqual(['AllowList/a']);
  });

  it('errors in an item name the item', () => {
    const text = `apiVersion: v1\nkind: List\nitems:\n- apiVersion: networking.k8s.io/v1\n  kind: NetworkPolicy\n  metadata: {name: a, namespace: x}\n  spec: {podSelector: {}, ingres: []}\n`;
    expect(parsePolicyDocuments(text, 'l.yaml').errors.map(formatError)).toEqual(['l.yaml:7:27: unknown field "ingres" in items[0].spec (a NetworkPolicy spec); did you mean "ingress"?']);
  });

  it('a list whose items are not a list is refused', () => {
    expect(parsePolicyDocuments('apiVersion: v1\nkind: List\nitems: {a: b}\n', 'l.yaml').errors.map(formatError)).toEqual(['l.yaml:3:8: items must be a list (the objects of the list), not a mapping']);
  });
});

describe('JSON objects read as plain data', () => {
  it('an object of another kind is the data JSON.parse reads', () => {
    const text = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "x"}, "data": {"a": "1", "n": [1, 2.5, true, null]}}';
    const {others, errors} = parsePolicyDocuments(text, 'c.json');
    expect(errors).toEqual([]);
    expect(others[0].object).toEqual(JSON.parse(text));
  });

  it('keeps a "__proto__" key as data, never as the prototype', () => {
    const text = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "labels": {"__proto__": "x", "app": "a"}}}';
    const {others} = parsePolicyDocuments(text, 'c.json');
    const labels = (others[0].object.metadata as {labels: Record<string, string>}).labels;
    expect(Object.keys(labels)).toEqual(['__proto__', 'app']);
    expect(labels.__proto__).toBe('x');
  });
});
