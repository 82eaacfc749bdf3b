import {
  AssetHashType,
  DockerImage,
  type Duration,
  type RemovalPolicy,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { CfnBucket, IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CONNECTIONS_TABLE } from '../../functions/core/store/dynamodb/connections-table.ts';
import { assetCopies, type FunctionName, handlerEntry, REPO_ROOT } from '../bundling.ts';
import { bundleSync } from '../local-bundle.ts';

/** The current Node.js LTS on Lambda; pinned rather than NODEJS_LATEST so an upgrade is a reviewed change. */
export const RUNTIME = Runtime.NODEJS_24_X;

/** Jobs are Get/Put (conditional on their version); statistics counters are UpdateItem ADDs, read back with BatchGetItem. */
export type ItemAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:BatchGetItem';
/** The usage store's writes are UpdateItems (conditional, on map entries); the repair pass scans its few items. */
export type UsageAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:Scan';
/** The API reads tenants and key hashes, and counts requests and last use, with UpdateItems; nothing else. */
export type AccountsAction = 'dynamodb:GetItem' | 'dynamodb:UpdateItem';
/** Endpoints and callback secrets are conditional PutItems; the delivery log is PutItems; lists Query byOwner. */
export type WebhooksAction = 'dynamodb:GetItem' | 'dynamodb:PutItem' | 'dynamodb:DeleteItem';
export type ObjectAction = 's3:GetObject' | 's3:PutObject' | 's3:AbortMultipartUpload' | 's3:DeleteObject';

export interface ReelayFunctionProps {
  /** The folder under functions/ whose handler.ts this deploys. */
  name: FunctionName;
  description: string;
  memorySize: number;
  timeout: Duration;
  logRetention: RetentionDays;
  /** Removal policy of the function's log group. */
  removalPolicy: RemovalPolicy;
  logLevel: string;
  /** CloudWatch namespace of the function's EMF metrics (`Reelay/<stage>`: stages do not mix). */
  metricsNamespace: string;
  reservedConcurrency?: number;
}

/**
 * The function's code: built on this machine by esbuild (infra/local-bundle.ts) into index.mjs, its
 * chunks and assets. Not NodejsFunction: its esbuild call writes one `--outfile`, which rules out the
 * code splitting that keeps the tracer out of an untraced cold start. Hashed by output, as it hashes.
 */
function bundledCode(name: FunctionName): Code {
  return Code.fromAsset(REPO_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // never pulled: local bundling always succeeds or throws (esbuild is a dependency of the repo)
      image: DockerImage.fromRegistry('reelay-bundles-locally'),
      local: {
        tryBundle(outputDir) {
          bundleSync(handlerEntry(name), outputDir, assetCopies(name));
          return true;
        },
      },
    },
  });
}

/**
 * One Reelay Lambda function with the shared defaults (ESM bundle, arm64, Node LTS, X-Ray, its own
 * log group, a role with no managed policies) and `bind*` helpers that grant exactly the listed
 * actions on one resource and set the environment variable the function reads it from, together.
 */
export class ReelayFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ReelayFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    // no AWSLambdaBasicExecutionRole: it may write to every log group in the account
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Reelay ${props.name} function`,
    });
    this.logGroup.grantWrite(this.role);
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only xray:PutTraceSegments and xray:PutTelemetryRecords (added by Tracing.ACTIVE) use Resource *: X-Ray has no resource-level permissions for them.',
    });

    this.function = new LambdaFunction(this, 'Function', {
      code: bundledCode(props.name),
      handler: 'index.handler',
      description: props.description,
      runtime: RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'reelay',
        POWERTOOLS_LOG_LEVEL: props.logLevel,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        // the bundle ships a source map; this makes stack traces point at the TypeScript
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
  }

  /** Sets a plain (non-secret) setting. */
  setEnv(name: string, value: string): this {
    this.function.addEnvironment(name, value);
    return this;
  }

  /** Item reads and writes on the jobs table, plus Query on the named indexes only (never the base table). */
  bindJobsTable(table: ITable, actions: ItemAction[], queryIndexes: string[] = []): this {
    this.allow(actions, [table.tableArn]);
    if (queryIndexes.length > 0) {
      this.allow(
        ['dynamodb:Query'],
        queryIndexes.map((index) => `${table.tableArn}/index/${index}`),
      );
    }
    return this.setEnv('REELAY_JOBS_TABLE', table.tableName);
  }

  /** Slots, queues and spend (functions/core/store/dynamodb/usage-store.ts): exactly these actions on the usage table. */
  bindUsageTable(table: ITable, actions: UsageAction[]): this {
    this.allow(actions, [table.tableArn]);
    return this.setEnv('REELAY_USAGE_TABLE', table.tableName);
  }

  /** Tenants, keys and rate counters (functions/core/store/dynamodb/accounts-table.ts): exactly these actions. */
  bindAccountsTable(table: ITable, actions: AccountsAction[]): this {
    this.allow(actions, [table.tableArn]);
    return this.setEnv('REELAY_ACCOUNTS_TABLE', table.tableName);
  }

  /**
   * Object actions on the bucket's `videos/` prefix (functions/core/archive/video-archive.ts).
   * `listVideos` adds s3:ListBucket for keys under `videos/`: without it S3 answers a HEAD of a
   * missing key with 403 instead of 404.
   */
  bindVideoBucket(bucket: IBucket, actions: ObjectAction[], options: { listVideos?: boolean } = {}): this {
    this.allow(actions, [bucket.arnForObjects('videos/*')]);
    if (options.listVideos) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': 'videos/*' } },
        }),
      );
    }
    const stack = Stack.of(this);
    const bucketId = stack.resolve(stack.getLogicalId(bucket.node.defaultChild as CfnBucket));
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/videos/*]`,
      reason: `Object keys are videos/<tenant>/<job id>.mp4, made per job at run time; the grant is limited to the videos/ prefix of this one bucket and to ${actions.join(', ')}.`,
    });
    return this.setEnv('REELAY_VIDEO_BUCKET', bucket.bucketName);
  }

  /** SendMessage only: the archiver's event source mapping, not this function, receives. */
  bindArchiveQueue(queue: IQueue): this {
    this.allow(['sqs:SendMessage'], [queue.queueArn]);
    return this.setEnv('REELAY_ARCHIVE_QUEUE_URL', queue.queueUrl);
  }

  /** SendMessage only: work found for other jobs goes to the follow-up worker's queue. */
  bindFollowUpQueue(queue: IQueue): this {
    this.allow(['sqs:SendMessage'], [queue.queueArn]);
    return this.setEnv('REELAY_FOLLOW_UP_QUEUE_URL', queue.queueUrl);
  }

  /** Client webhooks (functions/core/store/dynamodb/webhooks-table.ts): these item actions, and Query on byOwner only. */
  bindWebhooksTable(table: ITable, actions: WebhooksAction[], indexes: string[]): this {
    this.allow(actions, [table.tableArn]);
    if (indexes.length > 0)
      this.allow(
        ['dynamodb:Query'],
        indexes.map((index) => `${table.tableArn}/index/${index}`),
      );
    return this.setEnv('REELAY_WEBHOOKS_TABLE', table.tableName);
  }

  /**
   * SendMessage on the event queue (every transition that ends a job announces its event), and on its
   * dead-letter queue for the deliverer, which parks an event a sink gave up on there itself.
   */
  bindEventQueue(queue: IQueue, deadLetterQueue: IQueue, sendsDeadLetters = false): this {
    this.allow(
      ['sqs:SendMessage'],
      [queue.queueArn, ...(sendsDeadLetters ? [deadLetterQueue.queueArn] : [])],
    );
    this.setEnv('REELAY_EVENT_DLQ_URL', deadLetterQueue.queueUrl);
    return this.setEnv('REELAY_EVENT_QUEUE_URL', queue.queueUrl);
  }

  /** Open event streams (functions/core/store/dynamodb/connections-table.ts): these item actions, and Query on byTenant. */
  bindConnectionsTable(table: ITable, actions: WebhooksAction[]): this {
    this.allow(actions, [table.tableArn]);
    this.allow(['dynamodb:Query'], [`${table.tableArn}/index/${CONNECTIONS_TABLE.byTenant.indexName}`]);
    return this.setEnv('REELAY_CONNECTIONS_TABLE', table.tableName);
  }

  /** The secret's ARN goes in the environment, never its value: the function reads it at run time. */
  bindSecret(
    secret: ISecret,
    envName: 'FAL_KEY_SECRET_ID' | 'REELAY_API_KEYS_SECRET_ID' | 'REELAY_WEBHOOK_SECRETS_KEY_SECRET_ID',
  ): this {
    this.allow(['secretsmanager:GetSecretValue'], [secret.secretArn]);
    return this.setEnv(envName, secret.secretArn);
  }

  private allow(actions: string[], resources: string[]): void {
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources }));
  }
}
