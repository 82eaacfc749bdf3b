import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../functions/core/config.ts';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

/** The wiring's AWS clients, built in a fresh module graph (the tracer decides at load whether it is on). */
async function clientsIn(env: Record<string, string>) {
  vi.unstubAllEnvs();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.resetModules();
  const { dynamoClient, sqsClient } = await import('../../functions/core/wiring/aws-clients.ts');
  const { s3Client } = await import('../../functions/core/wiring/s3.ts');
  const config = loadConfig({});
  return { dynamodb: dynamoClient(config), s3: s3Client(config), sqs: sqsClient(config) };
}

const middleware = (client: { middlewareStack: { identify(): string[] } }) =>
  client.middlewareStack.identify().join(' ');

describe('X-Ray on the AWS SDK clients (Powertools Tracer)', () => {
  it('in Lambda, DynamoDB, S3 and SQS calls each become an X-Ray subsegment', async () => {
    const clients = await clientsIn({
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_FUNCTION_NAME: 'api',
    });
    for (const client of [clients.dynamodb, clients.s3, clients.sqs])
      expect(middleware(client)).toContain('XRaySDKInstrumentation');
  });

  it('in Lambda with POWERTOOLS_TRACE_ENABLED=false, as under SAM local, the clients are left as they are', async () => {
    for (const env of <Array<Record<string, string>>>[
      { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x', POWERTOOLS_TRACE_ENABLED: 'false' },
      { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x', AWS_SAM_LOCAL: 'true' },
    ]) {
      const clients = await clientsIn(env);
      for (const client of [clients.dynamodb, clients.s3, clients.sqs])
        expect(middleware(client)).not.toContain('XRaySDKInstrumentation');
    }
  });

  it('outside Lambda (local stack, tests) the clients are left as they are', async () => {
    const clients = await clientsIn({ AWS_EXECUTION_ENV: '' });
    for (const client of [clients.dynamodb, clients.s3, clients.sqs])
      expect(middleware(client)).not.toContain('XRaySDKInstrumentation');
  });
});
