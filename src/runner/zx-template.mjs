#!/usr/bin/env zx
// @@HEADER@@
//
// Usage: npx zx@8 THIS_FILE [--step ID]   (zx 8: https://google.github.io/zx/)
// Needs docker, kind, kubectl, and the cilium CLI or helm. It creates (or reuses) the kind cluster
// named in SETUP below on its own Docker network, with Cilium (and its host firewall when the lab
// has a host policy), deploys the lab's app in its own namespaces, starts the lab's machines outside
// the cluster (if any) as containers on that network, and for each step applies exactly the step's
// policies, waits until they are in force, runs every probe with kubectl exec (curl, nc, dig or ping
// in the client pod; docker exec in the outside client) and checks its outcome: allowed, dropped (no answer
// after the name resolved: L3/L4, in the kernel), l7-denied (refused by Cilium's proxies: HTTP 403
// "Access denied", gRPC status PERMISSION_DENIED with that message, DNS REFUSED) or unresolved (the
// name did not resolve). Anything else is an error, never a pass. It prints a table per step and
// exits 1 when any probe did not hold. It only ever touches the kind cluster's context
// (SETUP.context), and there only the lab's namespaces and the objects labelled as the lab's own,
// and in Docker only its network and the containers labelled as netpol-labs's.

/** The cluster: how to create it and install Cilium (the runner's own commands, as data). */
const SETUP = /* @@SETUP@@ */ null;

/** The lab: its app, and per step the commands that put its policies in force and its probes. */
const LAB = /* @@LAB@@ */ null;

// ---------------------------------------------------------------------------------------------
// Classification of a probe's output and reading of a Service's node port: the runner's own code
// (src/runner/probe.ts, src/runner/node-port.ts), compiled into this file when it was generated.
// @@CLASSIFY@@
// ---------------------------------------------------------------------------------------------

$.verbose = false;

/** Runs one command given as data ({file, args, input, env, timeoutMs}); never throws on a failure. */
async function run(command) {
  const env = {...process.env, ...command.env};
  const result = await $({input: command.input ?? '', env, nothrow: true, quiet: true, timeout: command.timeoutMs})`${command.file} ${command.args}`;
  return {exitCode: result.exitCode ?? undefined, stdout: result.stdout, stderr: result.stderr, timedOut: result.exitCode === null};
}

/** Stops the script, before it changes anything more, saying why. */
async function refuse(message) {
  echo(chalk.red(`refused: ${message}`));
  await stop(2);
}

/** Leaves with this exit code, after switching policy audit mode off if a step had it on. */
async function stop(code) {
  await auditOff();
  process.exit(code);
}

/** Runs a command that must succeed; stops the script with its output otherwise. */
async function must(command, what) {
  const result = await run(command);
  if (result.exitCode !== 0) {
    echo(chalk.red(`FAILED: ${what}: ${command.file} ${command.args.join(' ')}`));
    echo(result.stderr.trim() || result.stdout.trim());
    await stop(2);
  }
  return result;
}

/**
 * Policy audit mode, for a step with `policyAuditMode: true` in lab.yaml: every pod of the lab
 * that is a Cilium endpoint of its own gets `cilium-dbg endpoint config ID PolicyAuditMode=Enabled`
 * in the agent on its node, the way Documentation/security/policy-creation.rst "Enable Policy Audit
 * Mode (Specific Endpoint)" (cilium/cilium) does it; `Disabled` undoes it. The setting outlives the
 * step, so it goes off before the next step, at the end, on a failure and on Ctrl-C.
 */
let auditOn = false;
let interrupted = false;

// Ctrl-C: nothing of a step in audit mode stays half-applied.
process.once('SIGINT', async () => {
  interrupted = true;
  echo('\ninterrupted');
  await stop(130);
});

/** name<TAB>node[<TAB>hostNetwork] lines of a jsonpath listing. */
const rowsOf = (stdout) => stdout.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => l.split('\t'));

/** A command of LAB.audit with its placeholders (POD, AGENT_POD, ENDPOINT_ID) filled in. */
const filled = (command, values) => ({...command, args: command.args.map((a) => values[a] ?? a)});

/** Sets the option on every endpoint pod of the lab; off is best effort and says what it could not do. */
async function setAuditMode(enabled) {
  echo(`  policy audit mode ${enabled ? 'on' : 'off'} for the lab's pods`);
  const problems = [];
  const fail = async (message) => {
    if (enabled) {
      echo(chalk.red(`FAILED: policy audit mode: ${message}`));
      await stop(2);
    }
    problems.push(message);
  };
  const agents = await run(LAB.audit.listAgents);
  if (agents.exitCode !== 0) await fail(`could not list the Cilium agents: ${agents.stderr.trim()}`);
  const agentOn = new Map(rowsOf(agents.stdout).map(([pod, node]) => [node, pod]));
  for (const ns of agents.exitCode === 0 ? LAB.audit.namespaces : []) {
    const pods = await run(ns.listPods);
    if (pods.exitCode !== 0) {
      await fail(`could not list the pods of ${ns.namespace}: ${pods.stderr.trim()}`);
      continue;
    }
    // A hostNetwork pod is no endpoint of its own: it keeps enforcing, as in the simulator.
    for (const [pod, node] of rowsOf(pods.stdout).filter((row) => row[2] !== 'true')) {
      const id = await run(filled(ns.endpointId, {POD: pod}));
      const endpoint = id.stdout.trim();
      const agent = agentOn.get(node);
      if (id.exitCode !== 0 || !/^\d+$/.test(endpoint) || !agent) {
        await fail(`pod ${ns.namespace}/${pod}: no Cilium endpoint id or no agent on node ${node} (${id.stderr.trim() || endpoint || 'empty'})`);
        continue;
      }
      const set = await run(filled(enabled ? LAB.audit.on : LAB.audit.off, {AGENT_POD: agent, ENDPOINT_ID: endpoint}));
      if (set.exitCode !== 0) await fail(`endpoint ${endpoint} (pod ${ns.namespace}/${pod}): ${set.stderr.trim()}`);
    }
  }
  if (problems.length > 0) echo(chalk.red(`  could not switch policy audit mode off for every pod (${problems.join('; ')}); deleting the pods ends it: kubectl --context ${SETUP.context} delete namespace ${LAB.namespaces.join(' ')}`));
}

/** Switches policy audit mode off when a step switched it on (or a killed run may have). */
async function auditOff() {
  if (!auditOn) return;
  auditOn = false;
  await setAuditMode(false);
}

/**
 * The Docker network the kind nodes and the lab's machines outside the cluster share, with the
 * subnet the labs' addresses are in: created as kind creates its own (with the default bridge's
 * MTU), or used as it is when it has that subnet. A network of that name with another subnet is
 * someone else's: refused, never changed.
 */
async function ensureNetwork() {
  const {network} = SETUP;
  const inspect = await run(network.inspect);
  if (inspect.exitCode === 0) {
    let subnets = [];
    try {
      subnets = (JSON.parse(inspect.stdout) ?? []).map((c) => c.Subnet).filter(Boolean);
    } catch {}
    if (subnets.includes(network.subnet)) return;
    await refuse(`Docker network ${network.name} exists with subnet ${subnets.join(', ') || 'unknown'}, not ${network.subnet}, where the labs' addresses are; remove it (docker network rm ${network.name}, after what uses it) and run this script again`);
  }
  if (!/not found|no such network/i.test(inspect.stderr)) await refuse(`docker network inspect ${network.name} failed: ${inspect.stderr.trim() || `exit ${inspect.exitCode}`}`);
  const mtu = Number.parseInt((await run(network.bridgeMtu)).stdout.trim(), 10);
  const [verb, subverb, ...rest] = network.create.args;
  const create = mtu > 0 ? {...network.create, args: [verb, subverb, '--opt', `${network.mtuOption}=${mtu}`, ...rest]} : network.create;
  await must(create, `create Docker network ${network.name}`);
  echo(`# created Docker network ${network.name} (${network.subnet}) for the kind nodes and the lab's machines outside the cluster`);
}

/**
 * Creates the kind cluster unless it exists, installs Cilium unless its agent is there, and waits
 * for the agent, the operator and the nodes. Images are pulled by the nodes themselves
 * (`netpol-labs up --preload` loads them from the local Docker instead). A cluster is reused only
 * on the script's Docker network, and only with the host firewall and SCTP support on when the lab
 * needs them.
 */
async function ensureCluster() {
  const listed = await must(SETUP.listClusters, 'list kind clusters');
  if (listed.stdout.split('\n').map((l) => l.trim()).includes(SETUP.cluster)) {
    const nodes = await run(SETUP.nodeNetworks);
    let networks = [];
    try {
      networks = Object.keys(JSON.parse(nodes.stdout) ?? {});
    } catch {}
    if (!networks.includes(SETUP.network.name)) {
      await refuse(`the kind cluster ${SETUP.cluster} is not on Docker network ${SETUP.network.name} (its nodes are on ${networks.join(', ') || 'none found'}), where the lab's machines outside the cluster go; delete it (kind delete cluster --name ${SETUP.cluster}) and run this script again`);
    }
    echo(`# reusing the kind cluster ${SETUP.cluster}`);
  } else {
    await ensureNetwork();
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
    if (SETUP.hostFirewall) {
      const setting = await must(SETUP.hostFirewall.setting, 'read whether the host firewall is on');
      if (setting.stdout.trim() !== 'true') {
        await refuse(`${SETUP.hostFirewall.why}, which Cilium enforces only with its host firewall, set when Cilium is installed; Cilium in ${SETUP.cluster} runs without it. Delete the cluster (kind delete cluster --name ${SETUP.cluster}) and run this script again`);
      }
    }
    if (SETUP.sctp) {
      // Without SCTP support Cilium drops every SCTP packet: each SCTP probe would read as dropped.
      const setting = await must(SETUP.sctp.setting, "read whether Cilium's SCTP support is on");
      if (setting.stdout.trim() !== 'true') {
        await refuse(`this lab probes SCTP, and Cilium in ${SETUP.cluster} runs without its SCTP support (set when Cilium is installed), so it drops every SCTP packet. Delete the cluster (kind delete cluster --name ${SETUP.cluster}) and run this script again`);
      }
    }
  } else {
    const installer = (await which('cilium', {nothrow: true})) ? 'cilium' : 'helm';
    const firewall = SETUP.hostFirewall ? `, host firewall on: ${SETUP.hostFirewall.why}` : '';
    echo(`# installing Cilium ${SETUP.ciliumVersion} with ${installer === 'cilium' ? 'the cilium CLI' : 'helm'} (a few minutes, SCTP support on${firewall})`);
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
      await refuse(`namespace ${namespace} exists in ${SETUP.context} and was not created by netpol-labs (no ${key}=${value} label); delete or rename it yourself, or use another cluster`);
    }
    const [labKey, labId] = LAB.owner.lab;
    if (labels[labKey] !== labId) {
      await refuse(`namespace ${namespace} belongs to lab ${labels[labKey] ?? '?'}, not to ${labId}; two labs never share a namespace: remove that lab first`);
    }
  }
  for (const command of LAB.removePolicies) await must(command, 'remove the policies a previous run left');
  echo(`# deploying the app in namespace ${LAB.namespaces.join(', ')}`);
  await must(LAB.applyApp, 'apply the app');
  for (const command of LAB.appReady) await must(command, 'wait for the app');
}

/**
 * Starts the lab's machines outside the cluster on the kind network: its outside client and a server
 * per address under `names` (the names its network aliases, which Docker's DNS answers). The
 * containers of earlier runs (labelled as netpol-labs's) are removed first; a name already gone is
 * no error.
 */
async function startContainers() {
  if (LAB.containers.length === 0) return;
  const listed = await must(LAB.listContainers, 'list the lab containers of earlier runs');
  const names = new Set([...listed.stdout.split('\n').map((l) => l.trim()).filter(Boolean), ...LAB.containers.map((c) => c.name)]);
  const removed = await run({...LAB.removeContainers, args: [...LAB.removeContainers.args, ...names]});
  const gone = removed.stderr.split('\n').map((l) => l.trim()).filter(Boolean).every((l) => /no such container/i.test(l));
  if (removed.exitCode !== 0 && !gone) await refuse(`could not remove earlier lab containers: ${removed.stderr.trim()}`);
  for (const container of LAB.containers) {
    echo(container.role === 'outside'
      ? `# the machine outside the cluster: ${container.name} at ${container.ip} on Docker network ${SETUP.network.name}`
      : `# ${container.aliases.join(', ')} -> ${container.ip}: an HTTP server outside the cluster`);
    await must(container.run, `start ${container.name}`);
  }
}

/**
 * The command each probe of a step sends. A probe from outside to a Service goes to the Service's
 * node port on a node with a ready endpoint (externalTrafficPolicy: Local keeps the client's
 * address), read now: its command holds NODE_IP and NODE_PORT until then.
 */
async function stepCommands(step) {
  const routes = new Map();
  for (const probe of step.probes.filter((p) => p.route)) {
    if (routes.has(probe.route.key)) continue;
    const outputs = [];
    for (const read of probe.route.reads) outputs.push((await must(read, `read the node port of ${probe.route.key}`)).stdout);
    const route = parseNodePortRoute(...outputs, probe.route.port);
    if (route.error) await refuse(`probe ${probe.name}: ${route.error}`);
    echo(`  outside -> ${probe.route.key} goes to node ${route.node} (${route.ip}), node port ${route.port}`);
    routes.set(probe.route.key, route);
  }
  const fill = (arg, {ip, port}) => (arg === 'NODE_PORT' ? String(port) : arg.replaceAll('NODE_IP:NODE_PORT', `${ip}:${port}`).replaceAll('NODE_IP', ip));
  return new Map(step.probes.map((probe) => {
    const route = probe.route && routes.get(probe.route.key);
    return [probe, route ? {...probe.command, args: probe.command.args.map((a) => fill(a, route))} : probe.command];
  }));
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
      await refuse(`${check.name} already exists in ${SETUP.context} and is not this lab's; nothing of step ${step.id} was applied`);
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
      await stop(2);
    }
    await must(LAB.deletes[key], `remove ${key}, which step ${step.id} does not have`);
  }
}

/** Runs one probe and classifies its output with the runner's rules. */
async function observe(probe, command) {
  const classification = classify(await run(command), probe.kind);
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
  if (!step.policyAuditMode) await auditOff();
  await syncPolicies(step);
  if (step.policyAuditMode && !interrupted) {
    // After the step's policies; the probes below then watch the endpoints settle in audit mode.
    auditOn = true;
    await setAuditMode(true);
  }
  const commands = await stepCommands(step);
  const observeOne = (probe) => observe(probe, commands.get(probe));
  const safe = step.probes.filter((p) => !p.destructive);
  const deadline = Date.now() + SETUP.convergeDeadlineMs;
  let streak = 0;
  while (safe.length > 0 && Date.now() < deadline && streak < SETUP.convergeConsecutive) {
    const seen = await Promise.all(safe.map(observeOne));
    streak = seen.every((o) => o.held) ? streak + 1 : 0;
    if (streak < SETUP.convergeConsecutive) await sleep(SETUP.pollIntervalMs);
  }
  const converged = streak >= SETUP.convergeConsecutive;
  const results = await Promise.all(safe.map(observeOne));
  for (const probe of step.probes.filter((p) => p.destructive)) {
    if (!converged || !results.every((o) => o.held)) {
      results.push({probe, held: false, classification: {observed: 'not-run', body: '', evidence: 'not sent: the harmless probes did not show the policies in force'}});
      continue;
    }
    const o = await observeOne(probe);
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
await startContainers();
// A run killed during a step in audit mode left it on: start with it off.
auditOn = LAB.steps.some((s) => s.policyAuditMode);
await auditOff();
const failures = [];
for (const step of steps) failures.push(...(await playStep(step)));
await auditOff();
const total = steps.reduce((n, s) => n + s.probes.length, 0);
if (failures.length > 0) {
  echo(chalk.red(`\nFAIL: ${total - failures.length}/${total} probes as expected; these did not hold:`));
  for (const f of failures) echo(`  ${f}`);
  process.exit(1);
}
echo(chalk.green(`\nPASS: ${total}/${total} probes as expected`));
echo(`The app stays in namespace ${LAB.namespaces.join(', ')}; remove it with: kubectl --context ${SETUP.context} delete namespace ${LAB.namespaces.join(' ')}`);
if (LAB.containers.length > 0) echo(`The lab's machines outside the cluster stay too; remove them with: docker rm --force ${LAB.containers.map((c) => c.name).join(' ')}`);
