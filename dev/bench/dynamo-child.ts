import { startDynamo } from '../embedded/dynamodb.ts';

/** Entry of the dynalite process (see dynamo-process.ts): in memory, on a free loopback port. */
const dynamo = await startDynamo({});
process.send?.({ endpoint: dynamo.endpoint });
// the parent reads this process's CPU time around each phase: what the stand-in spent on it
process.on('message', (message: { cpu?: number }) => {
  if (message.cpu !== undefined) process.send?.({ cpu: message.cpu, usage: process.cpuUsage() });
});
// exit, not die, on SIGTERM: a --cpu-prof profile is written only on a normal exit
process.on('SIGTERM', () => process.exit(0));
// the parent's exit must not leave it behind
process.on('disconnect', () => process.exit(0));
