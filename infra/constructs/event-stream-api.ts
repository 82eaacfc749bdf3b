import { type CfnElement, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { LogGroupLogDestination, WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** One JSON line per connect, disconnect and refusal; the query string (a token) is never logged. */
export const STREAM_ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  connectionId: '$context.connectionId',
  eventType: '$context.eventType',
  routeKey: '$context.routeKey',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  status: '$context.status',
  integrationError: '$context.integrationErrorMessage',
};

export interface EventStreamApiProps {
  stage: string;
  /** The connect function: `$connect` and `$disconnect`. */
  handler: IFunction;
  /** Connects (and messages) per second across the stage, and the burst above it. */
  rateLimit: number;
  burstLimit: number;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
}

/**
 * GET /v1/events on AWS: an API Gateway WebSocket API holds the connections (no function stays
 * running), `$connect` and `$disconnect` go to the event-stream function, and the event deliverer
 * posts through the stage's management endpoint. Clients send nothing, so there is no `$default`
 * route: a message from a client is answered with an error by API Gateway itself.
 */
export class EventStreamApi extends Construct {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: EventStreamApiProps) {
    super(scope, id);
    const integration = new WebSocketLambdaIntegration('EventStreamIntegration', props.handler);
    this.api = new WebSocketApi(this, 'Api', {
      apiName: `reelay-${props.stage}-events`,
      description: 'Reelay: live video events (GET /v1/events)',
      connectRouteOptions: { integration },
      disconnectRouteOptions: { integration },
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: props.stage,
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(STREAM_ACCESS_LOG_FIELDS)),
      },
    });
    const reason =
      '$connect authenticates in the function: a Bearer API key (its hash looked up as the HTTP API does) or a sealed one-minute token from POST /v1/events/tokens, which also yields the tenant whose events alone the connection receives. A browser WebSocket cannot send an Authorization header, so a header authorizer would shut it out; $disconnect carries no credentials by design.';
    for (const route of this.api.node.findAll())
      if (route.node.id.endsWith('Route'))
        Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason });
  }

  /** The wss:// URL clients open (the studio learns it from POST /v1/events/tokens). */
  get url(): string {
    return this.stage.url;
  }

  /** The management endpoint (https://…/stage) the deliverer posts to. */
  get managementUrl(): string {
    return this.stage.callbackUrl;
  }

  /**
   * execute-api:ManageConnections on this stage's connections only, for the given method: POST (the
   * deliverer's messages) or GET (the connect function asks whether a counted stream is still there).
   */
  grantManageConnections(fn: IFunction, method: 'POST' | 'GET'): void {
    const stack = Stack.of(this);
    const path = `${this.stage.stageName}/${method}/@connections/*`;
    const arn = stack.formatArn({ service: 'execute-api', resource: this.api.apiId, resourceName: path });
    fn.addToRolePolicy(new PolicyStatement({ actions: ['execute-api:ManageConnections'], resources: [arn] }));
    if (!fn.role) return;
    const apiId = stack.getLogicalId(this.api.node.defaultChild as CfnElement);
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${apiId}>/${path}]`,
      reason: `Connection ids are minted by API Gateway at each $connect; the grant is ManageConnections on ${method} @connections of this one API and stage, nothing else.`,
    });
  }
}
