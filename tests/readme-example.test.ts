// The README's scenario example is a real scenario file: the same text, and the verdicts the
// README's table of fields promises, each checked here against its source.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {evaluateScenario, formatError, parseScenario} from '../src/policy';

const ROOT = join(__dirname, '..');
const FIXTURE = 'tests/fixtures/scenarios/readme-example.yaml';

describe('the README scenario example', () => {
  const text = readFileSync(join(ROOT, FIXTURE), 'utf8');

  it('is the yaml block of the README section "Scenario files"', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Scenario files'));
    const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBe(text);
  });

  it('is read without errors and gives the verdicts its lines claim', () => {
    const {scenario, errors} = parseScenario(text, FIXTURE);
    expect(errors.map(formatError)).toEqual([]);
    const r = evaluateScenario(scenario!, {matrix: true});
    expect(r.errors).toEqual([]);
    // The star-wars guide: POST lands, PUT gets Envoy's 403, the xwing is dropped (demo.rst).
    expect(r.results.map((x) => x.verdict)).toEqual(['allowed', 'l7-denied', 'dropped', 'l7-denied', 'allowed', 'dropped']);
    expect(r.results[3].dns).toEqual({rcode: 'REFUSED'});
    // The matrix carries no request, so it counts no l7-denied pairs at all (README, matrix.ports).
    expect(Object.keys(r.matrix![0]).sort()).toEqual(['allowed', 'dropped', 'port', 'protocol']);
  });
});
