import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ListMessageMoveTasksCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';

/**
 * `npm run redrive`: moves dead-lettered archive messages back to the archive queue.
 * Locally it asks the running `npm start`; with `--dlq-arn` (the stack output
 * ArchiveDeadLetterQueueArn) it starts SQS's own message move task on AWS.
 */
export async function redriveLocal(baseUrl: string): Promise<number> {
  const response = await fetch(`${baseUrl}/_local/archive-queue/redrive`, { method: 'POST' });
  if (!response.ok) throw new Error(`${baseUrl} answered ${response.status}: is npm start running there?`);
  return ((await response.json()) as { moved: number }).moved;
}

export async function redriveAws(sqs: SQSClient, dlqArn: string): Promise<string> {
  // no DestinationArn: SQS returns each message to the queue it was dead-lettered from
  const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
  return TaskHandle ?? '';
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'dlq-arn': { type: 'string' },
      url: { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? 3000}` },
    },
  });
  const dlqArn = values['dlq-arn'];
  if (!dlqArn) {
    console.log(`moved ${await redriveLocal(values.url)} dead-lettered archive message(s) back to the queue`);
    return;
  }
  const sqs = new SQSClient({ region: dlqArn.split(':')[3] });
  console.log(`move task started: ${await redriveAws(sqs, dlqArn)}`);
  const { Results = [] } = await sqs.send(
    new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 1 }),
  );
  const [task] = Results;
  if (task)
    console.log(`status ${task.Status}: ${task.ApproximateNumberOfMessagesToMove ?? '?'} message(s) to move`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
