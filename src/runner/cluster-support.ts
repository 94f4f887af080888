import type {Lab} from '../lab/load';

/**
 * What the lab format can say that the runner cannot play on a cluster: probes from outside the
 * cluster. On an existing cluster there is no machine the runner may use outside it; on kind it
 * would be a container on kind's Docker network, which the runner does not create yet. The
 * simulator plays such probes; on a cluster the runner refuses the lab before it changes
 * anything, naming why.
 *
 * @returns the reason, or undefined when the runner can play the lab on a cluster
 */
export function unsupportedOnCluster(lab: Lab): string | undefined {
  const steps = lab.steps.filter((s) => s.probes.some((p) => p.source.kind === 'outside')).map((s) => s.id);
  if (steps.length === 0) return undefined;
  return `lab ${lab.id} has probes from outside the cluster (steps ${steps.join(', ')}), which the runner plays only in the simulator: use --target sim for this lab`;
}
