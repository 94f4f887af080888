/**
 * `netpol-labs simulate [--json] [--cells] [--datapath cilium|kubernetes] FILE...`: evaluates
 * scenario files with the policy engine and prints verdicts, explanations and truth tables.
 * A file with errors is reported (file:line:col, on stderr only: none of its verdicts are printed)
 * and the others are still evaluated; the exit code is then 2.
 */
import {readFileSync} from 'node:fs';
import {CILIUM_VERSION, decidingExplanation, evaluateScenario, formatError, formatExplanation, parseScenario, type Datapath, type Explanation, type MatrixTotals, type PolicyError, type Probe, type ProbeResult} from '../policy/index';

/** Where the command writes; injectable for tests. */
export interface SimulateIO {
  readFile(path: string): string;
  stdout(text: string): void;
  stderr(text: string): void;
}

const nodeIO: SimulateIO = {
  readFile: (path) => readFileSync(path, 'utf8'),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export const USAGE = `usage: netpol-labs simulate [--json] [--cells] [--datapath cilium|kubernetes] FILE...

Predicts, without a cluster, what Kubernetes and Cilium do with the policies of each scenario
file (YAML or JSON) and says why. The cilium datapath models Cilium ${CILIUM_VERSION} with its default
agent options: a policy that Cilium ${CILIUM_VERSION} refuses, or that uses a field it removed, is an
error (exit code 2), never a verdict.

  --json                 one JSON document for all files
  --cells                with a matrix, every cell (JSON) as well as the totals
  --datapath cilium|kubernetes
                         override the scenario's datapath (default cilium)
  -h, --help             this text

Exit code: 0 when every file was evaluated, 2 when any file or argument had an error.`;

interface Args {
  json: boolean;
  cells: boolean;
  datapath?: Datapath;
  files: string[];
  help: boolean;
}

function parseArgs(argv: string[]): Args | string {
  const args: Args = {json: false, cells: false, files: [], help: false};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--cells') args.cells = true;
    else if (a === '-h' || a === '--help') args.help = true;
    else if (a === '--datapath' || a.startsWith('--datapath=')) {
      const value = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (value !== 'cilium' && value !== 'kubernetes') return `--datapath needs cilium or kubernetes, not ${value === undefined ? 'nothing' : JSON.stringify(value)}`;
      args.datapath = value;
    } else if (a === '--') args.files.push(...argv.slice(i + 1)), (i = argv.length);
    else if (a.startsWith('-') && a !== '-') return `unknown option ${a}`;
    else args.files.push(a);
  }
  if (!args.help && args.files.length === 0) return 'no scenario file given';
  return args;
}

/** JSON form of one file's outcome. */
interface FileReport {
  file: string;
  results: ProbeResult[];
  matrix?: MatrixTotals[];
  errors?: PolicyError[];
}

/** Runs the command; returns the exit code. */
export function runSimulate(argv: string[], io: SimulateIO = nodeIO): number {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    io.stderr(`netpol-labs simulate: ${args}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  let code = 0;
  const reports: FileReport[] = [];
  for (const file of args.files) {
    const report = simulateFile(file, args, io);
    if (report.errors && report.errors.length > 0) {
      code = 2;
      io.stderr(report.errors.map((e) => `${formatError(e)}\n`).join(''));
    }
    reports.push(report);
    if (!args.json) io.stdout(renderText(report, args, file));
  }
  if (args.json) {
    io.stdout(
      `${JSON.stringify({
        cilium: CILIUM_VERSION,
        scenarios: reports.map((r) => ({file: r.file, results: r.results, ...(r.matrix ? {matrix: r.matrix} : {}), ...(r.errors?.length ? {errors: r.errors} : {})})),
      }, null, 2)}\n`,
    );
  }
  return code;
}

function simulateFile(file: string, args: Args, io: SimulateIO): FileReport & {probes?: Probe[]; datapath?: Datapath} {
  let text: string;
  try {
    text = io.readFile(file);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    return {file, results: [], errors: [{file, line: 1, col: 1, code: 'unreadable-file', message: `cannot read the scenario file (${reason}); check the path`}]};
  }
  const {scenario, errors} = parseScenario(text, file);
  if (!scenario || errors.length > 0) return {file, results: [], errors};
  const result = evaluateScenario(scenario, {datapath: args.datapath, matrix: scenario.matrix !== undefined, cells: args.cells || !args.json});
  // parseScenario resolves every probe, so this is a safety net: a file with any error shows
  // only its errors, never a partial set of verdicts.
  if (result.errors.length > 0) return {file, results: [], errors: result.errors};
  const datapath = args.datapath ?? scenario.datapath ?? 'cilium';
  if (args.json && !args.cells) for (const m of result.matrix ?? []) delete m.cells;
  return {file, results: result.results, ...(result.matrix ? {matrix: result.matrix} : {}), probes: scenario.probes, datapath};
}

function endText(end: Probe['from']): string {
  if ('pod' in end) return end.pod;
  if ('service' in end) return `service ${end.service}`;
  if ('node' in end) return `node ${end.node}`;
  return end.ip;
}

function probeText(p: Probe): string {
  const proto = p.protocol ?? 'TCP';
  const port = proto === 'ICMP' ? `ICMP type ${p.icmpType ?? 8}` : `${proto}/${p.port ?? p.portName}`;
  const http = p.http ? ` ${p.http.method ?? 'GET'} ${p.http.path ?? '/'}` : '';
  return `${endText(p.from)} -> ${endText(p.to)} ${port}${http}`;
}

function renderText(report: FileReport & {probes?: Probe[]; datapath?: Datapath}, args: Args, file: string): string {
  if (!report.probes) return '';
  const lines: string[] = [`${file} (datapath ${report.datapath})`];
  for (const r of report.results) {
    const why = decidingExplanation(r);
    lines.push(`  probe ${r.probe}: ${probeText(report.probes[r.probe])}: ${r.verdict}${r.http?.status ? ` (HTTP ${r.http.status})` : ''}${why ? ` -- ${formatExplanation(why)}` : ''}`);
  }
  for (const m of report.matrix ?? []) lines.push(...truthTable(m));
  return `${lines.join('\n')}\n`;
}

const SYMBOL = {allowed: '.', dropped: 'X', 'l7-denied': '4'} as const;
const TABLE_LIMIT = 60;

/** A truth table in the style of the Kubernetes e2e reachability tables: rows from, columns to. */
function truthTable(m: MatrixTotals): string[] {
  const out = [`  matrix ${m.protocol}/${m.port}: ${m.allowed} allowed, ${m.dropped} dropped, ${m['l7-denied']} l7-denied`];
  const cells = m.cells ?? [];
  const names = [...new Set(cells.flatMap((c) => [c.from, c.to]))];
  if (names.length === 0) return out;
  if (names.length > TABLE_LIMIT) return [...out, `  (${names.length} pods: table omitted above ${TABLE_LIMIT}; use --json --cells for every cell)`];
  const index = new Map(names.map((n, i) => [n, i]));
  const grid = names.map(() => names.map(() => '-'));
  for (const c of cells) grid[index.get(c.from)!][index.get(c.to)!] = SYMBOL[c.verdict];
  // Tab-separated like the e2e reachability tables: '-' marks a pod and itself (not evaluated).
  out.push(['-', ...names].join('\t'));
  names.forEach((n, i) => out.push([n, ...grid[i]].join('\t')));
  return out;
}
