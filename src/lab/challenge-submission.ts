import {parsePolicyDocuments, type PolicyError, type PolicyObject} from '../policy';
import type {Challenge} from './challenge';

/**
 * A learner's files read for a challenge's check. Kept apart from the loader (and free of zod and
 * the lab schema) so the site's challenge pages, which get their challenges parsed at build time,
 * ship only this and the engine.
 */

/** "star-wars", or "star-wars or coruscant", as a message names namespaces. */
function namespaceList(namespaces: string[]): string {
  const quoted = namespaces.map((ns) => `"${ns}"`);
  return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

/** One file of a learner's solution. */
export interface SubmittedFile {
  file: string;
  text: string;
}

/**
 * A learner's files as the policies of the check, or the errors that refuse them: anything but
 * the policy kinds the challenge allows, a namespace it does not allow, an object defined twice.
 * A policy without a namespace goes to the lab's default namespace, as `kubectl apply -n` would.
 */
export function readSubmission(challenge: Challenge, files: SubmittedFile[]): {policies: PolicyObject[]; errors: PolicyError[]} {
  const errors: PolicyError[] = [];
  const policies: PolicyObject[] = [];
  const {lab} = challenge;
  const allowed = challenge.kinds.join(', ').replace(/, ([^,]*)$/, ' or $1');
  for (const {file, text} of files) {
    const parsed = parsePolicyDocuments(text, file, {defaultNamespace: lab.namespace});
    errors.push(...parsed.errors);
    for (const other of parsed.others) {
      errors.push({...other.source, code: 'kind-not-allowed', message: `this is a ${other.kind}; a solution contains only ${allowed} objects (the pods and Services are the lab's)`});
    }
    for (const policy of parsed.policies) {
      if (!challenge.kinds.includes(policy.kind)) {
        const why = policy.kind === 'CiliumClusterwideNetworkPolicy' ? ', and a cluster-wide policy would reach beyond the lab' : '';
        errors.push({...policy.source, code: 'kind-not-allowed', message: `${policy.kind} ${policy.name}: this challenge is solved with ${allowed} objects only${why}`});
        continue;
      }
      if (policy.namespace !== undefined && !challenge.policyNamespaces.includes(policy.namespace)) {
        errors.push({...policy.source, code: 'wrong-namespace', message: `${policy.kind} ${policy.name} is in namespace "${policy.namespace}"; this challenge's policies go in ${namespaceList(challenge.policyNamespaces)}`});
        continue;
      }
      const twin = policies.find((q) => q.kind === policy.kind && q.name === policy.name && q.namespace === policy.namespace);
      if (twin) {
        errors.push({...policy.source, code: 'duplicate-policy', message: `${policy.kind} ${policy.name} is defined twice (also at ${twin.source.file}:${twin.source.line}:${twin.source.col}); the second would replace the first, so rename one`});
        continue;
      }
      policies.push(policy);
    }
  }
  return {policies, errors: errors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col)};
}
