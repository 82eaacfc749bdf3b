import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ListMessageMoveTasksCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';

/**
 * `npm run redrive`: moves dead-lettered messages back to their queue: the archive queue's, or with
 * `--queue events` the client event queue's. Locally it asks the running `npm start`; with `--dlq-arn`
 * (the stack output ArchiveDeadLetterQueueArn or EventDeadLetterQueueArn) it starts SQS's own message
 * move task on AWS; event dead letters need `--to-arn <EventQueueArn>` (the deliverer parks them itself,
 * so SQS knows no source queue for them).
 */
export async function redriveLocal(
  baseUrl: string,
  queue: 'archive' | 'events' = 'archive',
): Promise<number> {
  const path = queue === 'events' ? 'event-queue' : 'archive-queue';
  const response = await fetch(`${baseUrl}/_local/${path}/redrive`, { method: 'POST' });
  if (!response.ok) throw new Error(`${baseUrl} answered ${response.status}: is npm start running there?`);
  return ((await response.json()) as { moved: number }).moved;
}

export async function redriveAws(sqs: SQSClient, dlqArn: string, destinationArn?: string): Promise<string> {
  // no DestinationArn: SQS returns each message to the queue it was dead-lettered from
  const { TaskHandle } = await sqs.send(
    new StartMessageMoveTaskCommand({
      SourceArn: dlqArn,
      ...(destinationArn && { DestinationArn: destinationArn }),
    }),
  );
  return TaskHandle ?? '';
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'dlq-arn': { type: 'string' },
      'to-arn': { type: 'string' },
      queue: { type: 'string', default: 'archive' },
      url: { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? 3000}` },
    },
  });
  const dlqArn = values['dlq-arn'];
  const queue = values.queue;
  if (queue !== 'archive' && queue !== 'events') throw new Error('--queue is archive or events');
  if (!dlqArn) {
    console.log(
      `moved ${await redriveLocal(values.url, queue)} dead-lettered ${queue} message(s) back to the queue`,
    );
    return;
  }
  const sqs = new SQSClient({ region: dlqArn.split(':')[3] });
  console.log(`move task started: ${await redriveAws(sqs, dlqArn, values['to-arn'])}`);
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
