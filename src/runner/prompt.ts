import {createInterface} from 'node:readline';

/**
 * `--interactive`: waits for Enter before each step. Lines are read from stdin whether or not it is
 * a terminal (a workshop script may pipe them). When stdin ends (Ctrl-D, the end of a piped script,
 * or no stdin at all as in CI) the run does not wait for input that cannot come: it says so once and
 * plays the remaining steps without pausing. Ctrl-C during a pause stops the run as anywhere else.
 *
 * One line reader for the whole run: a reader per pause would buffer the lines after the first and
 * lose them when it closes. It is not in terminal mode, so the terminal keeps echoing and turning
 * Ctrl-C into SIGINT (a readline in terminal mode would swallow Ctrl-C).
 */
export interface StepPauser {
  /** Shows the prompt and resolves on Enter, at the end of stdin, or when the signal aborts. */
  pause(prompt: string): Promise<void>;
  /** Stops reading stdin, so the process can exit. */
  close(): void;
}

export function stdinPauser(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, signal?: AbortSignal): StepPauser {
  const rl = createInterface({input, terminal: false});
  const lines: string[] = [];
  let ended = false;
  let saidEnded = false;
  let waiter: (() => void) | undefined;
  const wake = () => {
    const w = waiter;
    waiter = undefined;
    w?.();
  };
  rl.on('line', (line) => {
    lines.push(line);
    wake();
  });
  rl.on('close', () => {
    ended = true;
    wake();
  });
  signal?.addEventListener('abort', wake, {once: true});

  return {
    async pause(prompt) {
      if (signal?.aborted) return;
      if (!ended || lines.length > 0) output.write(prompt);
      while (lines.length === 0 && !ended && !signal?.aborted) await new Promise<void>((resolve) => (waiter = resolve));
      if (lines.length > 0) {
        lines.shift();
        return;
      }
      if (ended && !saidEnded) {
        saidEnded = true;
        output.write('\n(stdin is closed: continuing without pausing)\n');
      }
    },
    close() {
      rl.close();
    },
  };
}
