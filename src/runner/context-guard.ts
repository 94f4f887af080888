import {KIND_CONTEXT} from './constants';

/** Where a lab runs: the simulator, the runner's own kind cluster, or a cluster the user names. */
export const TARGETS = ['sim', 'kind', 'context'] as const;
export type Target = (typeof TARGETS)[number];

/** The kubeconfig context a target may use, or why the request is refused. */
export type ContextDecision = {ok: true; context: string | undefined} | {ok: false; error: string};

/**
 * Decides which kubeconfig context a run may touch. The runner never falls back to the current
 * context: with --target kind it only ever uses kind-netpol-labs (the cluster it created), and any
 * other cluster must be named explicitly with --target context --context NAME.
 */
export function resolveContext(target: Target, contextFlag: string | undefined): ContextDecision {
  if (target === 'sim') {
    if (contextFlag !== undefined) return {ok: false, error: '--context has no meaning with --target sim (the simulator uses no cluster)'};
    return {ok: true, context: undefined};
  }
  if (target === 'kind') {
    if (contextFlag !== undefined && contextFlag !== KIND_CONTEXT) {
      return {
        ok: false,
        error: `--target kind only ever uses the context ${KIND_CONTEXT}; to run against "${contextFlag}", say so with --target context --context ${contextFlag}`,
      };
    }
    return {ok: true, context: KIND_CONTEXT};
  }
  if (contextFlag === undefined || contextFlag.trim() === '') {
    return {
      ok: false,
      error: '--target context needs --context NAME: the runner never uses the current kubectl context implicitly (see `kubectl config get-contexts`)',
    };
  }
  return {ok: true, context: contextFlag};
}
