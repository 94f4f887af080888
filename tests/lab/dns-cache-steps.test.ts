/**
 * The agents' DNS caches outlive a step. Between steps the runner changes only policies, so an
 * answer Cilium's DNS proxy passed on in one step is still cached in the next (its TTL is minutes),
 * and a toFQDNs selector the next step adds is matched against it: "The newly added FQDN selector
 * could match DNS Names in the cache" (cilium/cilium pkg/fqdn/namemanager/manager.go,
 * RegisterFQDNSelector). The simulator plays steps in lab order to match.
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {parseLab, type Lab} from '../../src/lab';
import {dnsCacheBefore, simulateLab, simulateStep} from '../../src/lab/simulate-step';

const DIR = 'labs/mediabot-fqdn';

/** A toFQDNs allowance for holonet.example on TCP 80 with no DNS rule: lookups no longer reach the proxy. */
const NO_DNS_RULE = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: mediabot-holonet-remembered
  namespace: imperial-media
spec:
  endpointSelector:
    matchLabels:
      class: mediabot
  egress:
    - toFQDNs:
        - matchName: holonet.example
      toPorts:
        - ports:
            - port: "80"
              protocol: TCP
`;

/** The mediabot lab's app and names, with two steps: a lookup through the proxy, then no DNS rule. */
function twoStepLab(): Lab {
  const original = readFileSync(join(DIR, 'lab.yaml'), 'utf8');
  const head = original.slice(0, original.indexOf('steps:'));
  const text = `${head}steps:
  - id: dns-only
    title: A DNS rule alone
    policies: [mediabot-dns-only.yaml]
    probes:
      - from: mediabot
        dns: holonet.example
        expect: allowed
        why: The proxy passes the lookup on and caches its answer.
  - id: remembered
    title: toFQDNs without a DNS rule
    policies: [no-dns-rule.yaml]
    probes:
      - from: mediabot
        tcp: 172.30.0.40:80
        expect: allowed
        why: holonet.example's address is still in the agent's cache.
`;
  const read = (path: string) => (path === 'no-dns-rule.yaml' ? NO_DNS_RULE : readFileSync(join(DIR, path), 'utf8'));
  const {lab, errors} = parseLab(text, `${DIR}/lab.yaml`, read, 'mediabot-fqdn');
  expect(errors).toEqual([]);
  return lab!;
}

describe('the DNS cache across steps', () => {
  it('keeps what an earlier step looked up through the proxy, so a later toFQDNs rule admits it', () => {
    const lab = twoStepLab();
    const [first, second] = simulateLab(lab);
    expect(first.simulation.dnsCache).toEqual([{name: 'holonet.example', ips: ['172.30.0.40'], observedBy: 'imperial-media/mediabot'}]);
    expect(second.simulation.predictions[0].outcome).toBe('allowed');
    expect(second.simulation.predictions[0].deciding?.text).toContain('holonet.example -> 172.30.0.40, looked up by imperial-media/mediabot');
  });

  it('starts a step alone with an empty cache, where the same connection is dropped', () => {
    const lab = twoStepLab();
    expect(simulateStep(lab, lab.steps[1]).predictions[0].outcome).toBe('dropped');
  });

  it('gives a step the cache the steps before it left, and the first step none', () => {
    const lab = twoStepLab();
    expect(dnsCacheBefore(lab, 'dns-only')).toEqual([]);
    expect(dnsCacheBefore(lab, 'remembered').map((e) => e.name)).toEqual(['holonet.example']);
    expect(simulateStep(lab, lab.steps[1], {dnsCache: dnsCacheBefore(lab, 'remembered')}).predictions[0].outcome).toBe('allowed');
  });

  it('caches nothing from a lookup no DNS rule sent through the proxy', () => {
    const lab = twoStepLab();
    const open = {...lab, steps: [{...lab.steps[0], policies: []}, lab.steps[1]]};
    const [first, second] = simulateLab(open);
    expect(first.simulation.predictions[0].outcome).toBe('allowed');
    expect(first.simulation.dnsCache).toEqual([]);
    expect(second.simulation.predictions[0].outcome).toBe('dropped');
  });
});
