// Loaded with `node --import` into a timed process by scripts/bench-run.mjs: when the process
// exits, it prints its peak resident memory (getrusage's ru_maxrss, in KB) as the last line of
// stderr. The command itself runs unchanged.
import {writeSync} from 'node:fs';

process.on('exit', () => writeSync(2, `\npeak-rss-kb ${process.resourceUsage().maxRSS}\n`));
