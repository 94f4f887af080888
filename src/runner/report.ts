import type {Observed, Outcome} from '../lab/outcome';
import type {ProbeKind} from '../lab/probe-request';
import type {Target} from './context-guard';

/**
 * Results and how they are shown: the table printed as a lab plays, the JUnit file CI publishes
 * (one testcase per probe) and the JSON report.
 */

/** One probe's result: expectation, observation and the evidence behind it. */
export interface ProbeResult {
  lab: string;
  step: string;
  /** Position in the step (0-based), so names stay unique. */
  index: number;
  /** The client as lab.yaml names it: `tiefighter`, `empire/tiefighter`, `outside`. */
  from: string;
  kind: ProbeKind;
  /** What it sends, in a few words: `POST /v1/request-landing`, `TCP redis:6379`, `DNS api.github.com`. */
  request: string;
  /** The HTTP method of an HTTP or gRPC probe (to find its Hubble flows); empty for the other kinds. */
  method: string;
  why: string;
  expected: Outcome;
  /** `not-run` when the runner refused to send it (see `evidence`). */
  observed: Observed | 'not-run';
  /** The body substring the lab expects, if any, and whether it was there. */
  expectedBody?: string;
  bodyMatched: boolean;
  passed: boolean;
  evidence: string;
  /** The exact command that reproduces this probe on the cluster. */
  reproduce?: string;
  /** Hubble flows that show the drop or the L7 denial, when Hubble was reachable. */
  flows?: string[];
  durationMs: number;
}

/** One step's results. */
export interface StepResult {
  id: string;
  title: string;
  /** Whether the behaviour settled before the assertion (cluster targets). */
  converged?: boolean;
  /** Which signals proved convergence: the agents' policy revision, the behaviour, or both. */
  convergedBy?: string;
  note?: string;
  probes: ProbeResult[];
}

/** One lab's results. */
export interface LabResult {
  lab: string;
  title: string;
  steps: StepResult[];
  /** A failure that stopped the lab before its probes (apply failed, app never became ready). */
  error?: string;
}

/** Everything `run` or `verify` did. */
export interface RunReport {
  target: Target;
  /** True for --target sim: verdicts come from the policy engine, not from packets. */
  simulated: boolean;
  context?: string;
  startedAt: string;
  durationMs: number;
  labs: LabResult[];
  passed: boolean;
  totals: {probes: number; passed: number; failed: number};
  /** Labs `verify` left out because the target cannot play them (e.g. outside machines on an existing cluster), with why. */
  notPlayed?: {lab: string; reason: string}[];
}

/** Totals and the overall verdict: passed only when every expectation held and no lab errored. */
export function summarize(labs: LabResult[]): {passed: boolean; totals: RunReport['totals']} {
  const probes = labs.flatMap((l) => l.steps.flatMap((s) => s.probes));
  const passed = probes.filter((p) => p.passed).length;
  const anyError = labs.some((l) => l.error !== undefined);
  return {passed: !anyError && probes.length > 0 && passed === probes.length, totals: {probes: probes.length, passed, failed: probes.length - passed}};
}

/** The label a simulated run carries everywhere it prints. */
export const SIMULATED = 'SIMULATED';

/** `tiefighter POST /v1/request-landing`, `frontend TCP redis:6379` */
export function probeName(p: Pick<ProbeResult, 'from' | 'request'>): string {
  return `${p.from} ${p.request}`;
}

/** The heading printed before a step's rows. */
export function formatStepHeader(labId: string, step: {id: string; title: string; policyAuditMode?: boolean}, simulated: boolean): string {
  const audit = step.policyAuditMode ? ' (policy audit mode: the lab\'s pods let through what L3/L4 policy drops, reported as AUDIT)' : '';
  return `${simulated ? `[${SIMULATED}] ` : ''}${labId} / ${step.id}: ${step.title}${audit}`;
}

/** A step's rows: one per probe, with the details of every failure underneath. */
export function formatStepTable(step: StepResult, simulated: boolean): string {
  const rows = step.probes.map((p) => [p.passed ? 'PASS' : 'FAIL', probeName(p), p.expected, p.observed, p.evidence]);
  const head = ['', 'probe', 'expected', simulated ? 'simulated' : 'observed', 'evidence'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  const lines = [fmt(head), ...rows.map(fmt)].map((l) => `  ${l}`);
  if (step.note) lines.push(`  note: ${step.note}`);
  for (const p of step.probes.filter((x) => !x.passed)) {
    lines.push(`  FAIL ${probeName(p)}`);
    lines.push(`    expected: ${p.expected}${p.expectedBody ? ` with body containing "${p.expectedBody}"` : ''} (${p.why})`);
    lines.push(`    observed: ${p.observed}: ${p.evidence}${p.expectedBody && !p.bodyMatched && p.observed === p.expected ? ` (body lacks "${p.expectedBody}")` : ''}`);
    if (p.reproduce) lines.push(`    reproduce: ${p.reproduce}`);
    for (const f of p.flows ?? []) lines.push(`    hubble: ${f}`);
  }
  for (const p of step.probes.filter((x) => x.passed && x.flows?.length)) {
    for (const f of p.flows ?? []) lines.push(`  hubble (${probeName(p)}): ${f}`);
  }
  return lines.join('\n');
}

/** The closing line. */
export function formatSummary(report: RunReport): string {
  const {probes, passed, failed} = report.totals;
  const label = report.simulated ? `${SIMULATED}: ` : '';
  const errors = report.labs.filter((l) => l.error).map((l) => `\n  ${l.lab}: ${l.error}`).join('');
  const notPlayed = (report.notPlayed ?? []).map((n) => `\nnot played on target ${report.target}: ${n.reason}`).join('');
  return `${label}${report.passed ? 'PASS' : 'FAIL'}: ${passed}/${probes} probes as expected${failed ? `, ${failed} not` : ''} across ${report.labs.length} lab(s) (target ${report.target}${report.context ? `, context ${report.context}` : ''})${errors}${notPlayed}`;
}

const xmlEscape = (s: string): string =>
  // Characters XML 1.0 forbids are dropped; the five specials are escaped.
  s
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

/**
 * JUnit XML: one testsuite per lab, one testcase per probe (classname `lab.step`), a <failure> with
 * expected, observed, evidence and the reproduce command for each probe that did not hold. A lab
 * that errored before its probes gets an <error> testcase so CI cannot mistake it for a pass.
 */
export function toJUnit(report: RunReport): string {
  const suites = report.labs.map((lab) => {
    const cases: string[] = [];
    let failures = 0;
    let errors = 0;
    let time = 0;
    if (lab.error) {
      errors++;
      cases.push(`    <testcase classname="${xmlEscape(lab.lab)}" name="setup"><error message="${xmlEscape(lab.error)}">${xmlEscape(lab.error)}</error></testcase>`);
    }
    for (const step of lab.steps) {
      for (const p of step.probes) {
        const seconds = p.durationMs / 1000;
        time += seconds;
        const name = `${probeName(p)} -> ${p.expected}`;
        const attrs = `classname="${xmlEscape(`${lab.lab}.${step.id}`)}" name="${xmlEscape(name)}" time="${seconds.toFixed(3)}"`;
        const flows = (p.flows ?? []).map((f) => `hubble: ${f}`);
        if (p.passed) {
          const out = [p.evidence, ...flows].join('\n');
          cases.push(`    <testcase ${attrs}><system-out>${xmlEscape(out)}</system-out></testcase>`);
        } else {
          failures++;
          const message = `expected ${p.expected}, ${report.simulated ? 'simulated' : 'observed'} ${p.observed}: ${p.evidence}`;
          const detail = [message, `why: ${p.why}`, p.reproduce ? `reproduce: ${p.reproduce}` : '', ...flows].filter(Boolean).join('\n');
          cases.push(`    <testcase ${attrs}><failure message="${xmlEscape(message)}" type="${xmlEscape(p.observed)}">${xmlEscape(detail)}</failure></testcase>`);
        }
      }
    }
    const tests = cases.length;
    const name = report.simulated ? `${lab.lab} (${SIMULATED})` : lab.lab;
    return `  <testsuite name="${xmlEscape(name)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="0" time="${time.toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  // A lab the target cannot play is reported as skipped with its reason, never left out silently.
  const skipped = (report.notPlayed ?? []).map(
    (n) => `  <testsuite name="${xmlEscape(n.lab)}" tests="1" failures="0" errors="0" skipped="1" time="0.000">\n    <testcase classname="${xmlEscape(n.lab)}" name="not played on target ${xmlEscape(report.target)}"><skipped message="${xmlEscape(n.reason)}"/></testcase>\n  </testsuite>`,
  );
  const {probes, failed} = report.totals;
  const errors = report.labs.filter((l) => l.error).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="netpol-labs verify --target ${report.target}" tests="${probes + errors + skipped.length}" failures="${failed}" errors="${errors}" skipped="${skipped.length}" time="${(report.durationMs / 1000).toFixed(3)}">\n${[...suites, ...skipped].join('\n')}\n</testsuites>\n`;
}

/** A step's policies as they will be applied, shown before the step under --interactive. */
export function formatStepPolicies(step: {policies: {file: string; text: string}[]}): string {
  if (step.policies.length === 0) return '  policies: none (every policy of the lab is removed)';
  return step.policies.map((m) => `  --- ${m.file}\n${m.text.trimEnd().split('\n').map((l) => `  | ${l}`).join('\n')}`).join('\n');
}
