import type {Lab} from '../lab/load';

/**
 * What the lab format can say that the runner cannot yet play on a cluster: a lab spread over
 * several namespaces (each would need its own ownership check, clean-up and policy list) and
 * probes from outside the cluster (a container on kind's Docker network). The simulator plays
 * both; on a cluster the runner refuses such a lab before it changes anything, naming why.
 *
 * @returns the reason, or undefined when the runner can play the lab on a cluster
 */
export function unsupportedOnCluster(lab: Lab): string | undefined {
  const reasons: string[] = [];
  if (lab.namespaces.length > 1) reasons.push(`it spans ${lab.namespaces.length} namespaces (${lab.namespaces.join(', ')})`);
  const outside = lab.steps.flatMap((s) => s.probes.filter((p) => p.source.kind === 'outside').map(() => s.id));
  if (outside.length > 0) reasons.push(`${outside.length} probe(s) come from outside the cluster (steps ${[...new Set(outside)].join(', ')})`);
  if (reasons.length === 0) return undefined;
  return `lab ${lab.id} cannot run on a cluster yet: ${reasons.join(' and ')}; the runner plays one namespace and probes from pods only. Use --target sim for this lab`;
}
