import { startDynamo } from '../embedded/dynamodb.ts';

/** Entry of the dynalite process (see dynamo-process.ts): in memory, on a free loopback port. */
const dynamo = await startDynamo({});
process.send?.(dynamo.endpoint);
// the parent's exit must not leave it behind
process.on('disconnect', () => process.exit(0));
