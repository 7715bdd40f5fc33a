// Preloaded by the benchmarks (`node --import bench/rss-probe.mjs bin/tgsh.js ...`): at exit,
// writes the process's peak resident memory (KB) to $TGSH_RSS_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.TGSH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
