/** .github/workflows/labs.yml and the runner agree: same pinned versions, same commands. */
import {readFileSync} from 'node:fs';
import {resolve} from 'node:path';
import {parse} from 'yaml';
import {describe, expect, it} from 'vitest';
import {CILIUM_CLI_VERSION, KIND_NODE_IMAGE, KIND_VERSION, KUBERNETES_VERSION} from '../../src/runner/constants';

const workflow = parse(readFileSync(resolve(__dirname, '../../.github/workflows/labs.yml'), 'utf8'));
const runs = (job: string): string[] => workflow.jobs[job].steps.map((s: {run?: string}) => s.run ?? '').filter(Boolean);

describe('labs workflow', () => {
  it('pins the versions the runner is written against', () => {
    expect(workflow.env.KIND_VERSION).toBe(KIND_VERSION);
    expect(workflow.env.CILIUM_CLI_VERSION).toBe(CILIUM_CLI_VERSION);
    // kubectl of the cluster's own Kubernetes version (the node image's tag, before its digest).
    expect(workflow.env.KUBECTL_VERSION).toBe(KUBERNETES_VERSION);
    expect(KIND_NODE_IMAGE.startsWith(`kindest/node:${KUBERNETES_VERSION}@sha256:`)).toBe(true);
    for (const job of Object.values(workflow.jobs) as {steps: {uses?: string}[]}[]) {
      for (const step of job.steps) if (step.uses) expect(step.uses, 'actions are pinned to a version').toMatch(/@v\d+(\.\d+\.\d+)?$/);
    }
  });

  it('runs up --preload, verify --target kind with reports, and always deletes the cluster', () => {
    const kind = runs('kind');
    expect(kind).toContain('node scripts/netpol-labs.mjs up --preload');
    expect(kind).toContain('node scripts/netpol-labs.mjs verify --target kind --junit reports/junit.xml --json reports/labs.json');
    const last = workflow.jobs.kind.steps.at(-1);
    expect(last).toMatchObject({if: '${{ always() }}', run: 'node scripts/netpol-labs.mjs down'});
    expect(kind.join('\n')).toContain('fs.inotify.max_user_watches=524288');
    // labs/netpol-sctp needs the runner's sctp module (kind's nodes use its kernel): loaded before up,
    // and its protocol entries printed, so a runner without it fails in this step, by name.
    const sctp = kind.findIndex((r) => r.includes('sudo modprobe sctp'));
    expect(sctp).toBeGreaterThanOrEqual(0);
    expect(kind[sctp]).toContain('grep SCTP /proc/net/protocols');
    expect(sctp).toBeLessThan(kind.indexOf('node scripts/netpol-labs.mjs up --preload'));
    expect(runs('sim')).toContain('node scripts/netpol-labs.mjs verify --target sim --junit reports/junit-sim.xml --json reports/labs-sim.json');
  });

  it("passes each action only inputs its action.yml declares (GitHub only warns on unknown ones)", () => {
    // From each action's action.yml at the pinned major (read when the workflow was written).
    const declared: Record<string, string[]> = {
      'actions/checkout': ['repository', 'ref', 'token', 'fetch-depth', 'path', 'clean', 'lfs', 'submodules'],
      'actions/setup-node': ['node-version', 'node-version-file', 'cache', 'cache-dependency-path', 'registry-url'],
      'actions/upload-artifact': ['name', 'path', 'if-no-files-found', 'retention-days', 'compression-level', 'overwrite', 'include-hidden-files'],
      'mikepenz/action-junit-report': ['token', 'report_paths', 'check_name', 'include_passed', 'detailed_summary', 'require_tests', 'fail_on_failure', 'annotate_only', 'job_summary'],
      'helm/kind-action': ['version', 'config', 'kubeconfig', 'node_image', 'cluster_name', 'wait', 'verbosity', 'kubectl_version', 'registry', 'install_only', 'ignore_failed_clean'],
    };
    for (const job of Object.values(workflow.jobs) as {steps: {uses?: string; with?: Record<string, unknown>}[]}[]) {
      for (const step of job.steps.filter((s) => s.uses)) {
        const action = step.uses!.split('@')[0];
        expect(declared[action], `inputs of ${action} are listed here`).toBeDefined();
        for (const input of Object.keys(step.with ?? {})) expect(declared[action], `${action} input ${input}`).toContain(input);
      }
    }
    // kind-action installs kind and kubectl only; `up` creates the cluster. Its post step must not
    // fail the job over its own default cluster, which never existed.
    const kindAction = workflow.jobs.kind.steps.find((s: {uses?: string}) => s.uses?.startsWith('helm/kind-action@'));
    expect(kindAction.with).toEqual({version: '${{ env.KIND_VERSION }}', kubectl_version: '${{ env.KUBECTL_VERSION }}', install_only: true, ignore_failed_clean: true});
  });

  it('on failure collects kind logs, a Cilium sysdump (or status and agent logs) and uploads them with the JUnit and JSON reports', () => {
    type Step = {name?: string; if?: string; run?: string; uses?: string; with?: Record<string, unknown>};
    const steps = workflow.jobs.kind.steps as Step[];
    const position = (match: (s: Step) => boolean, what: string) => {
      const i = steps.findIndex(match);
      expect(i, what).toBeGreaterThanOrEqual(0);
      return i;
    };
    const verify = position((s) => s.run?.includes('verify --target kind --junit reports/junit.xml --json reports/labs.json') ?? false, 'the verify step');
    const collect = position((s) => s.if === '${{ failure() }}' && (s.run?.includes('kind export logs') ?? false), 'a failure() step exporting kind logs');
    const run = steps[collect].run!;
    // Everything lands under reports/, which is what gets uploaded.
    expect(run).toContain('kind export logs reports/diagnostics/kind-logs --name netpol-labs');
    expect(run).toContain('cilium sysdump --context kind-netpol-labs --output-filename reports/diagnostics/cilium-sysdump');
    // The fallback when sysdump fails: cilium status and the agents' logs.
    expect(run).toMatch(/if ! cilium sysdump[\s\S]*cilium status --context kind-netpol-labs > reports\/diagnostics\/[\s\S]*kubectl --context kind-netpol-labs logs --namespace kube-system --selector k8s-app=cilium[^\n]*> reports\/diagnostics\//);
    const upload = position((s) => s.uses?.startsWith('actions/upload-artifact@') ?? false, 'the upload step');
    expect(steps[upload]).toMatchObject({if: '${{ !cancelled() }}', with: {name: 'labs-kind-reports', path: 'reports/'}});
    const remove = position((s) => s.run === 'node scripts/netpol-labs.mjs down', 'the down step');
    // Collected after verify and before the upload; the cluster is deleted only after both.
    expect(verify).toBeLessThan(collect);
    expect(collect).toBeLessThan(upload);
    expect(upload).toBeLessThan(remove);
  });
});
