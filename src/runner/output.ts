/** Where the runner writes: lines for the record, and a progress line that overwrites itself on a TTY. */
export interface Output {
  line(text: string): void;
  progress(text: string): void;
  /** Ends a progress line so the next line starts clean. */
  endProgress(): void;
}

/** Writes to stdout; progress goes to stderr so `--json` output on stdout stays parseable. */
export function consoleOutput(stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr): Output {
  let progressShown = false;
  return {
    line(text) {
      if (progressShown) this.endProgress();
      stdout.write(`${text}\n`);
    },
    progress(text) {
      if (stderr.isTTY) {
        stderr.write(`\r\x1b[2K${text}`);
        progressShown = true;
      } else {
        stderr.write(`${text}\n`);
      }
    },
    endProgress() {
      if (progressShown && stderr.isTTY) stderr.write('\r\x1b[2K');
      progressShown = false;
    },
  };
}

/** Collects output in memory (tests, and --json runs that print only the report). */
export function memoryOutput(): Output & {lines: string[]; progressLines: string[]} {
  const lines: string[] = [];
  const progressLines: string[] = [];
  return {lines, progressLines, line: (t) => lines.push(t), progress: (t) => progressLines.push(t), endProgress: () => {}};
}
