#!/usr/bin/env zx
// @@HEADER@@
//
// Usage: npx zx@8 THIS_FILE [--step ID]   (zx 8: https://google.github.io/zx/)
// Needs docker, kind, kubectl, and the cilium CLI or helm. It creates (or reuses) the kind cluster
// named in SETUP below, with Cilium, deploys the lab's app in its own namespaces, and for each step
// applies exactly the step's policies, waits until they are in force, runs every probe with kubectl
// exec (curl, nc, dig or ping in the client pod) and checks its outcome: allowed, dropped (no answer
// after the name resolved: L3/L4, in the kernel), l7-denied (refused by Cilium's proxies: HTTP 403
// "Access denied", gRPC status PERMISSION_DENIED with that message, DNS REFUSED) or unresolved (the
// name did not resolve). Anything else is an error, never a pass. It prints a table per step and
// exits 1 when any probe did not hold. It only ever touches the kind cluster's context
// (SETUP.context), and there only the lab's namespaces and the objects labelled as the lab's own.

/** The cluster: how to create it and install Cilium (the runner's own commands, as data). */
const SETUP = /* @@SETUP@@ */ null;

/** The lab: its app, and per step the commands that put its policies in force and its probes. */
const LAB = /* @@LAB@@ */ null;

// ---------------------------------------------------------------------------------------------
// Classification of a probe's output: the runner's own code (src/runner/probe.ts), compiled
// into this file when it was generated.
// @@CLASSIFY@@
// ---------------------------------------------------------------------------------------------

$.verbose = false;

/** Runs one command given as data ({file, args, input, timeoutMs}); never throws on a failure. */
async function run(command) {
  const result = await $({input: command.input ?? '', nothrow: true, quiet: true, timeout: command.timeoutMs})`${command.file} ${command.args}`;
  return {exitCode: result.exitCode ?? undefined, stdout: result.stdout, stderr: result.stderr, timedOut: result.exitCode === null};
}

/** Runs a command that must succeed; stops the script with its output otherwise. */
async function must(command, what) {
  const result = await run(command);
  if (result.exitCode !== 0) {
    echo(chalk.red(`FAILED: ${what}: ${command.file} ${command.args.join(' ')}`));
    echo(result.stderr.trim() || result.stdout.trim());
    process.exit(2);
  }
  return result;
}

/**
 * Creates the kind cluster unless it exists, installs Cilium unless its agent is there, and waits
 * for the agent, the operator and the nodes. Images are pulled by the nodes themselves
 * (`netpol-labs up --preload` loads them from the local Docker instead).
 */
async function ensureCluster() {
  const listed = await must(SETUP.listClusters, 'list kind clusters');
  if (listed.stdout.split('\n').map((l) => l.trim()).includes(SETUP.cluster)) {
    echo(`# reusing the kind cluster ${SETUP.cluster}`);
  } else {
    // kind makes the new cluster's context the current one; put the user's back afterwards
    // (every command here names its context anyway).
    const previous = await run({file: 'kubectl', args: ['config', 'current-context'], timeoutMs: 10_000});
    echo(`# creating the kind cluster ${SETUP.cluster} (a few minutes)`);
    await must(SETUP.createCluster, 'create the kind cluster');
    const restore = previous.exitCode === 0 && previous.stdout.trim()
      ? {file: 'kubectl', args: ['config', 'use-context', previous.stdout.trim()], timeoutMs: 10_000}
      : {file: 'kubectl', args: ['config', 'unset', 'current-context'], timeoutMs: 10_000};
    if (previous.stdout.trim() !== SETUP.context) await run(restore);
  }
  const agent = await must(SETUP.agentPresent, 'look for the Cilium agent');
  if (agent.stdout.trim()) {
    echo(`# Cilium is installed in ${SETUP.cluster}; not installing it again`);
  } else {
    const installer = (await which('cilium', {nothrow: true})) ? 'cilium' : 'helm';
    echo(`# installing Cilium ${SETUP.ciliumVersion} with ${installer === 'cilium' ? 'the cilium CLI' : 'helm'} (a few minutes)`);
    for (const command of SETUP.install[installer]) await must(command, `install Cilium with ${installer}`);
  }
  for (const command of SETUP.ready) await must(command, 'wait for Cilium and the nodes');
}

/** Deploys the app in the lab's namespaces, refusing any namespace the runner did not create. */
async function deployApp() {
  for (const {namespace, command} of LAB.namespaceChecks) {
    const found = await must(command, `look up the lab namespace ${namespace}`);
    if (!found.stdout.trim()) continue;
    const labels = JSON.parse(found.stdout).metadata?.labels ?? {};
    const [key, value] = LAB.owner.managedBy;
    if (labels[key] !== value) {
      echo(chalk.red(`refused: namespace ${namespace} exists in ${SETUP.context} and was not created by netpol-labs (no ${key}=${value} label); delete or rename it yourself, or use another cluster`));
      process.exit(2);
    }
    const [labKey, labId] = LAB.owner.lab;
    if (labels[labKey] !== labId) {
      echo(chalk.red(`refused: namespace ${namespace} belongs to lab ${labels[labKey] ?? '?'}, not to ${labId}; two labs never share a namespace: remove that lab first`));
      process.exit(2);
    }
  }
  for (const command of LAB.removePolicies) await must(command, 'remove the policies a previous run left');
  echo(`# deploying the app in namespace ${LAB.namespaces.join(', ')}`);
  await must(LAB.applyApp, 'apply the app');
  for (const command of LAB.appReady) await must(command, 'wait for the app');
}

/**
 * Makes the lab's policies exactly the step's: refuse a cluster-scoped policy someone else owns,
 * apply the step's, then delete those of this lab (by its owner labels) the step does not keep.
 */
async function syncPolicies(step) {
  for (const check of step.ownerChecks) {
    const found = await must(check.command, `look up ${check.name}`);
    if (!found.stdout.trim()) continue;
    const labels = JSON.parse(found.stdout).metadata?.labels ?? {};
    const owned = [LAB.owner.managedBy, LAB.owner.lab].every(([key, value]) => labels[key] === value);
    if (!owned) {
      echo(chalk.red(`refused: ${check.name} already exists in ${SETUP.context} and is not this lab's; nothing of step ${step.id} was applied`));
      process.exit(2);
    }
  }
  if (step.apply) await must(step.apply, `apply the policies of step ${step.id}`);
  // One list per namespace; a cluster-wide policy shows in each, so the keys go through a Set.
  const present = new Set();
  for (const command of LAB.listPolicies) {
    const listed = JSON.parse((await must(command, 'list the lab\'s policies')).stdout || '{}');
    for (const i of (listed.items ?? []).filter((i) => LAB.resources[i.kind])) {
      present.add(`${i.metadata.namespace ? `${i.metadata.namespace}/` : ''}${LAB.resources[i.kind]}/${i.metadata.name}`);
    }
  }
  for (const key of [...present].filter((k) => !step.keep.includes(k))) {
    // The start removed every policy labelled as this lab's, so only the lab's own can be here.
    if (!LAB.deletes[key]) {
      echo(chalk.red(`${key} carries this lab's labels but is none of its policies; remove it yourself`));
      process.exit(2);
    }
    await must(LAB.deletes[key], `remove ${key}, which step ${step.id} does not have`);
  }
}

/** Runs one probe and classifies its output with the runner's rules. */
async function observe(probe) {
  const classification = classify(await run(probe.command), probe.kind);
  const held = classification.observed === probe.expect && (!probe.body || classification.body.includes(probe.body));
  return {probe, classification, held};
}

/**
 * One step: its policies exactly, then the harmless probes repeated until each shows its expected
 * outcome on consecutive rounds (or the deadline passes), then every probe once. A destructive
 * probe is only sent when the harmless ones proved the policies in force.
 */
async function playStep(step) {
  echo(`\n${chalk.bold(`${LAB.id} / ${step.id}`)}: ${step.title}`);
  await syncPolicies(step);
  const safe = step.probes.filter((p) => !p.destructive);
  const deadline = Date.now() + SETUP.convergeDeadlineMs;
  let streak = 0;
  while (safe.length > 0 && Date.now() < deadline && streak < SETUP.convergeConsecutive) {
    const seen = await Promise.all(safe.map(observe));
    streak = seen.every((o) => o.held) ? streak + 1 : 0;
    if (streak < SETUP.convergeConsecutive) await sleep(SETUP.pollIntervalMs);
  }
  const converged = streak >= SETUP.convergeConsecutive;
  const results = await Promise.all(safe.map(observe));
  for (const probe of step.probes.filter((p) => p.destructive)) {
    if (!converged || !results.every((o) => o.held)) {
      results.push({probe, held: false, classification: {observed: 'not-run', body: '', evidence: 'not sent: the harmless probes did not show the policies in force'}});
      continue;
    }
    const o = await observe(probe);
    results.push(o);
    if (o.classification.observed === 'allowed' || (o.classification.status !== undefined && o.classification.status !== 403)) {
      echo(`  ${probe.name} reached the app: waiting for it to restart`);
      await sleep(4_000);
      for (const command of probe.recover) await run(command);
    }
  }
  const width = Math.max(...results.map((o) => o.probe.name.length));
  for (const o of results) {
    const mark = o.held ? chalk.green('PASS') : chalk.red('FAIL');
    echo(`  ${mark}  ${o.probe.name.padEnd(width)}  expected ${o.probe.expect.padEnd(9)}  observed ${o.classification.observed.padEnd(9)}  ${o.classification.evidence}`);
  }
  return results.filter((o) => !o.held).map((o) => `${step.id}: ${o.probe.name}: expected ${o.probe.expect}, observed ${o.classification.observed}`);
}

const steps = argv.step ? LAB.steps.filter((s) => s.id === argv.step) : LAB.steps;
if (steps.length === 0) {
  echo(chalk.red(`lab ${LAB.id} has no step "${argv.step}"; its steps are ${LAB.steps.map((s) => s.id).join(', ')}`));
  process.exit(2);
}
await ensureCluster();
await deployApp();
const failures = [];
for (const step of steps) failures.push(...(await playStep(step)));
const total = steps.reduce((n, s) => n + s.probes.length, 0);
if (failures.length > 0) {
  echo(chalk.red(`\nFAIL: ${total - failures.length}/${total} probes as expected; these did not hold:`));
  for (const f of failures) echo(`  ${f}`);
  process.exit(1);
}
echo(chalk.green(`\nPASS: ${total}/${total} probes as expected`));
echo(`The app stays in namespace ${LAB.namespaces.join(', ')}; remove it with: kubectl --context ${SETUP.context} delete namespace ${LAB.namespaces.join(' ')}`);
