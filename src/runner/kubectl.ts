import {TIMEOUTS} from './constants';
import type {Command} from './exec';

/**
 * Builds kubectl commands bound to one context. Every kubectl call the runner makes goes through
 * here, so every one of them carries `--context` explicitly and none depends on the user's current
 * context.
 */
export class Kubectl {
  constructor(readonly context: string) {}

  /** A kubectl command: `kubectl --context CONTEXT ARGS...`. */
  command(args: string[], options: {timeoutMs?: number; input?: string; inputLabel?: string} = {}): Command {
    return {
      file: 'kubectl',
      args: ['--context', this.context, ...args],
      timeoutMs: options.timeoutMs ?? TIMEOUTS.kubectl,
      input: options.input,
      inputLabel: options.inputLabel,
    };
  }
}
