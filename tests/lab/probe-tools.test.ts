// On a cluster the runner sends each probe with a tool inside the client pod's first container
// (kubectl exec's default container): the first word of the command src/runner/probe.ts builds for it
// (curl for HTTP and gRPC, nc for TCP, socat for SCTP, dig for DNS, ping for ICMP). A client whose image lacks the tool fails every such probe on kind while the
// simulator, which needs no tool, passes it. This checks every lab step's and every challenge's probes.
import {basename} from 'node:path';
import {describe, expect, it} from 'vitest';
import type {Lab, Probe} from '../../src/lab';
import {listChallenges, readChallenge} from '../../src/lab/challenge-read';
import {listLabDirs, readLabOrThrow} from '../../src/lab/node/read-lab';
import {podSpec} from '../../src/runner/objects';
import {probeInvocation} from '../../src/runner/probe';
import {ROOT} from '../cli-harness';

/**
 * The probe tools in each client image the labs use, read from the images' Dockerfiles:
 * - quay.io/cilium/json-mock (github.com/cilium/json-mock Dockerfile): node:18-slim plus `apt-get install curl`.
 * - nicolaka/netshoot (github.com/nicolaka/netshoot Dockerfile): curl, netcat-openbsd, socat, bind-tools (dig), iputils (ping).
 */
const TOOLS: Record<string, string[]> = {
  'quay.io/cilium/json-mock': ['curl'],
  'nicolaka/netshoot': ['curl', 'nc', 'socat', 'dig', 'ping'],
};

/** The image of the first container of the Pod or Deployment `namespace/name` in the lab's app. */
function clientImage(lab: Lab, namespace: string, name: string): string | undefined {
  for (const {object} of lab.app.flatMap((m) => m.objects)) {
    if (object.metadata.name !== name || (object.metadata.namespace ?? lab.namespaces[0]) !== namespace) continue;
    const image = podSpec(object)?.containers?.[0]?.image;
    if (image) return image;
  }
  return undefined;
}

/** Probes from a pod whose first container's image lacks the probe's tool, one line each. */
function missingTools(lab: Lab, probes: Probe[], where: string): string[] {
  const problems: string[] = [];
  for (const probe of probes) {
    if (probe.source.kind !== 'pod') continue;
    const image = clientImage(lab, probe.source.namespace, probe.source.name);
    const tool = probeInvocation(probe.request).argv[0];
    const tools = image ? TOOLS[image.split(':')[0]] : undefined;
    if (!tools) problems.push(`${where}: ${probe.source.namespace}/${probe.source.name} runs ${image ?? 'no image found'}, whose tools this test does not know; add them from its Dockerfile`);
    else if (!tools.includes(tool)) problems.push(`${where}: ${probe.label} from ${probe.source.name} needs ${tool}, which ${image} lacks; send it from a client running nicolaka/netshoot`);
  }
  return problems;
}

const labDirs = listLabDirs(ROOT);

describe.each(labDirs.map((dir) => [basename(dir), dir]))('lab %s', (_name, dir) => {
  it("every step's probes run from a client whose image has the probe's tool", () => {
    const lab = readLabOrThrow(dir, ROOT);
    expect(lab.steps.flatMap((step) => missingTools(lab, step.probes, `step ${step.id}`))).toEqual([]);
  });
});

describe.each(labDirs.flatMap((dir) => listChallenges(dir).map((id) => [`${basename(dir)}/${id}`, dir, id])))('challenge %s', (_name, dir, id) => {
  it("its probes run from a client whose image has the probe's tool", () => {
    const {challenge} = readChallenge(readLabOrThrow(dir, ROOT), dir, id, ROOT);
    expect(missingTools(challenge!.lab, challenge!.probes, `challenge ${id}`)).toEqual([]);
  });
});
