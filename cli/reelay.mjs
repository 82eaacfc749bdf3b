#!/usr/bin/env node
// The `reelay` command (package.json "bin"): loads the TypeScript CLI through tsx, no build step.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('./main.ts');
// output piped into `head` and the like: a closed pipe ends the command quietly
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const abort = new AbortController();
process.once('SIGINT', () => abort.abort(new Error('interrupted')));
process.exitCode = await run(process.argv.slice(2), process.env, process, abort.signal);
