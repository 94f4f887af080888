/**
 * `netpol-labs simulate [--json] [--cells] [--datapath cilium|kubernetes] FILE...`: evaluates
 * scenario files with the policy engine and prints verdicts, explanations and truth tables.
 * A file with errors is reported (file:line:col, on stderr only: none of its verdicts are printed)
 * and the others are still evaluated; the exit code is then 2. Warnings (file:line:col: warning:
 * ..., on stderr, and under `warnings` in JSON) come with the verdicts and leave the exit code alone.
 */
import {UsageError, type CliDeps, type Command} from './command';
import {CILIUM_VERSION, decidingExplanation, evaluateScenario, formatError, formatExplanation, formatWarning, GRPC_PERMISSION_DENIED, parseScenario, type Datapath, type Explanation, type MatrixTotals, type PolicyError, type PolicyWarning, type Probe, type ProbeResult} from '../policy/index';

interface Args {
  json: boolean;
  cells: boolean;
  datapath?: Datapath;
}

/** `netpol-labs simulate`. */
export const simulate: Command = {
  name: 'simulate',
  summary: 'predict probe verdicts for scenario files, without a cluster',
  usage: 'netpol-labs simulate [--json] [--cells] [--datapath cilium|kubernetes] FILE...',
  about: `Predicts, without a cluster, what Kubernetes and Cilium do with the policies of each scenario
file (YAML or JSON) and says why. The cilium datapath models Cilium ${CILIUM_VERSION} with its default
agent options: a policy that Cilium ${CILIUM_VERSION} refuses, or that uses a field it removed, is an
error (exit code 2), never a verdict.`,
  options: {
    json: {type: 'boolean', help: 'one JSON document for all files'},
    cells: {type: 'boolean', help: 'with a matrix, every cell (JSON) as well as the totals'},
    datapath: {type: 'string', value: 'cilium|kubernetes', help: "override the scenario's datapath (default cilium)"},
  },
  positionals: {min: 1, max: Infinity, name: 'file', missing: 'no scenario file given'},
  epilogue: 'Exit code: 0 when every file was evaluated (warnings included), 2 when any file or argument had an error.',
  async run(values, files, deps) {
    const datapath = values.datapath as string | undefined;
    if (datapath !== undefined && datapath !== 'cilium' && datapath !== 'kubernetes') throw new UsageError(`--datapath needs cilium or kubernetes, not ${JSON.stringify(datapath)}`);
    return simulateFiles(files, {json: values.json === true, cells: values.cells === true, datapath}, deps);
  },
};

/** JSON form of one file's outcome. */
interface FileReport {
  file: string;
  results: ProbeResult[];
  matrix?: MatrixTotals[];
  errors?: PolicyError[];
  /** What the policies do that a reader may not expect; the verdicts stand. */
  warnings?: PolicyWarning[];
}

/** Evaluates each file and prints the reports; returns the exit code. */
function simulateFiles(files: string[], args: Args, io: Pick<CliDeps, 'stdout' | 'stderr' | 'readFile'>): number {
  let code = 0;
  const reports: FileReport[] = [];
  for (const file of files) {
    const report = simulateFile(file, args, io.readFile);
    if (report.errors && report.errors.length > 0) {
      code = 2;
      io.stderr(report.errors.map((e) => `${formatError(e)}\n`).join(''));
    }
    if (report.warnings && report.warnings.length > 0) io.stderr(report.warnings.map((w) => `${formatWarning(w)}\n`).join(''));
    reports.push(report);
    if (!args.json) io.stdout(renderText(report, args, file));
  }
  if (args.json) {
    io.stdout(
      `${JSON.stringify({
        cilium: CILIUM_VERSION,
        scenarios: reports.map((r) => ({file: r.file, results: r.results, ...(r.matrix ? {matrix: r.matrix} : {}), ...(r.errors?.length ? {errors: r.errors} : {}), ...(r.warnings?.length ? {warnings: r.warnings} : {})})),
      }, null, 2)}\n`,
    );
  }
  return code;
}

function simulateFile(file: string, args: Args, readFile: CliDeps['readFile']): FileReport & {probes?: Probe[]; datapath?: Datapath} {
  let text: string;
  try {
    text = readFile(file);
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
  return {file, results: result.results, ...(result.matrix ? {matrix: result.matrix} : {}), ...(result.warnings.length ? {warnings: result.warnings} : {}), probes: scenario.probes, datapath};
}

function endText(end: Probe['from']): string {
  if ('pod' in end) return end.pod;
  if ('service' in end) return `service ${end.service}`;
  if ('node' in end) return `node ${end.node}`;
  return end.ip;
}

function probeText(p: Probe): string {
  // A DNS query defaults to UDP port 53 (resolveProbe).
  const proto = p.protocol ?? (p.dns ? 'UDP' : 'TCP');
  const port = proto === 'ICMP' ? `ICMP type ${p.icmpType ?? 8}` : `${proto}/${p.port ?? p.portName ?? 53}`;
  const http = p.http ? ` ${p.http.method ?? 'GET'} ${p.http.path ?? '/'}` : p.dns ? ` DNS ${p.dns.name}` : '';
  return `${endText(p.from)} -> ${endText(p.to)} ${port}${http}`;
}

function renderText(report: FileReport & {probes?: Probe[]; datapath?: Datapath}, args: Args, file: string): string {
  if (!report.probes) return '';
  const lines: string[] = [`${file} (datapath ${report.datapath})`];
  for (const r of report.results) {
    const why = decidingExplanation(r);
    lines.push(`  probe ${r.probe}: ${probeText(report.probes[r.probe])}: ${r.verdict}${replyText(r)}${r.dns?.rcode ? ` (DNS ${r.dns.rcode})` : ''}${r.audit ? ' (AUDIT: dropped without policy audit mode)' : ''}${why ? ` -- ${formatExplanation(why)}` : ''}`);
  }
  for (const m of report.matrix ?? []) lines.push(...truthTable(m));
  return `${lines.join('\n')}\n`;
}

const SYMBOL = {allowed: '.', dropped: 'X', 'l7-denied': '4'} as const;
const TABLE_LIMIT = 60;

/** A truth table in the style of the Kubernetes e2e reachability tables: rows from, columns to. */
function truthTable(m: MatrixTotals): string[] {
  const out = [`  matrix ${m.protocol}/${m.port}: ${m.allowed} allowed, ${m.dropped} dropped (L3/L4; a pair carries no request, so no L7 rule applies)`];
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

/**
 * What the L7 proxy answered, for the text report: a refused gRPC call is Envoy's HTTP 200 with
 * grpc-status 7 in its trailers (src/policy/grpc-reply.ts), so it is named by its gRPC status, not
 * by the 200 that carries it; a refused HTTP request by its HTTP status.
 */
function replyText(r: {http?: {status: number | null}; grpc?: {status: number}}): string {
  if (r.grpc) return ` (grpc-status ${r.grpc.status}${r.grpc.status === GRPC_PERMISSION_DENIED.grpcStatus ? ` ${GRPC_PERMISSION_DENIED.grpcStatusName}` : ''})`;
  return r.http?.status ? ` (HTTP ${r.http.status})` : '';
}
