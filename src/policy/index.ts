/**
 * The policy engine: parse -> validate -> compile -> evaluate -> explain, for Kubernetes
 * NetworkPolicy, CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy. Pure and browser-safe
 * (no Node built-ins): the site's playground, the lab runner and the CLI all use this one
 * implementation.
 */
import {compile, type Model} from './compile';
import {evaluateProbe, ProbeResolutionError} from './evaluate';
import {evaluateMatrix} from './matrix';
import {hostPolicyWarnings} from './host-policies';
import type {Datapath, PolicyError, ProbeResult, Scenario, ScenarioResult} from './types';

export * from './types';
export {formatError, formatWarning} from './errors';
export {hostPolicyWarnings} from './host-policies';
export {formatExplanation, describeRule, describePolicy, decidingExplanation} from './explain';
export {parsePolicyDocuments, type ReadPolicyOptions} from './parse-policies';
export {CILIUM_VERSION} from './parse-cilium';
export {parseScenario, selectorlessServiceErrors} from './scenario';
export {compile, type Model, type CompileInput, type CompiledRule, type PeerIdentity} from './compile';
export {evaluateProbe, resolveProbe, ProbeResolutionError} from './evaluate';
export {evaluateMatrix} from './matrix';
export {ACCESS_DENIED} from './l7';
export {GRPC_PERMISSION_DENIED} from './grpc-reply';
export {clusterFromObjects} from './manifests';

/** Options for evaluateScenario. */
export interface EvaluateOptions {
  /** Overrides the scenario's datapath; default `cilium`. */
  datapath?: Datapath;
  /** Evaluate the scenario's matrix (if it has one). */
  matrix?: boolean;
  /** Include every matrix cell. */
  cells?: boolean;
}

/**
 * Evaluates every probe (and the matrix when asked). Probes whose names or ports do not resolve
 * have no result; they are reported in `errors` with their source position. `warnings` say what
 * the policies do that a reader may not expect (host policies): they never withhold a verdict.
 */
export function evaluateScenario(scenario: Scenario, opts: EvaluateOptions = {}): ScenarioResult {
  const model: Model = compile(scenario, opts.datapath ?? scenario.datapath);
  const results: ProbeResult[] = [];
  const errors: PolicyError[] = [];
  scenario.probes.forEach((probe, i) => {
    try {
      results.push(evaluateProbe(model, probe, i, scenario.options ?? {}));
    } catch (e) {
      if (e instanceof ProbeResolutionError) errors.push(e.error);
      else throw e;
    }
  });
  const warnings = hostPolicyWarnings(model, scenario.policies, scenario.options);
  const out: ScenarioResult = {results, errors, warnings};
  const auditing = scenario.options?.policyAuditMode === true || (scenario.options?.auditEndpoints?.length ?? 0) > 0;
  // The matrix counts enforced verdicts only; parseScenario refuses a matrix with audit mode.
  if (opts.matrix && scenario.matrix && auditing) throw new Error('evaluateScenario: the matrix does not model policy audit mode; ask with probes');
  if (opts.matrix && scenario.matrix) out.matrix = evaluateMatrix(model, scenario.matrix.ports, {cells: opts.cells ?? false});
  return out;
}
