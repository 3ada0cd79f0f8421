// Preloaded into a CLI child by tests (node --import): writes the process's peak resident memory
// (bytes) to the file named by AUDIT_DATA_TEST_RSS_FILE when it exits, however it exits normally.
import { writeFileSync } from 'node:fs';

const target = process.env.AUDIT_DATA_TEST_RSS_FILE;
if (target) process.on('exit', () => writeFileSync(target, String(process.resourceUsage().maxRSS * 1024)));
