import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  CorsHttpMethod,
  DomainName,
  HttpApi,
  HttpMethod,
  type HttpRoute,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * Headers a browser page sends to /v1, listed one by one: a `*` never covers `authorization`,
 * and the openai SDK in a browser adds its own.
 */
export const CORS_ALLOW_HEADERS = [
  'authorization',
  'content-type',
  'idempotency-key',
  'openai-organization',
  'openai-project',
  'x-stainless-arch',
  'x-stainless-helper-method',
  'x-stainless-lang',
  'x-stainless-os',
  'x-stainless-package-version',
  'x-stainless-retry-count',
  'x-stainless-runtime',
  'x-stainless-runtime-version',
  'x-stainless-timeout',
];

/**
 * One JSON line per request. Only the path is logged, never the query string: fal's webhook URL
 * carries the job's secret token there.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  requestTime: '$context.requestTime',
  method: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
};

export interface ReelayHttpApiProps {
  stage: string;
  rateLimit: number;
  burstLimit: number;
  /** `POST /webhooks/fal`'s own throttle, apart from the one every other route has. */
  webhookRateLimit: number;
  webhookBurstLimit: number;
  /** Origins of other web pages allowed to call /v1; the built-in page at / is same-origin. */
  allowedOrigins: string[];
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
  customDomain?: { domainName: string; certificateArn: string };
}

/** The HTTP API: one throttled `$default` stage with access logs, and the routes of both functions. */
/** The webhook's route key, as route settings name it. */
export const WEBHOOK_ROUTE_KEY = 'POST /webhooks/fal';

export class ReelayHttpApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly domainName?: DomainName;
  /** Where clients and fal reach Reelay (no trailing slash): the custom domain or the execute-api endpoint. */
  readonly publicUrl: string;
  private readonly webhookThrottle: { rate: number; burst: number };

  constructor(scope: Construct, id: string, props: ReelayHttpApiProps) {
    super(scope, id);
    this.webhookThrottle = { rate: props.webhookRateLimit, burst: props.webhookBurstLimit };
    this.httpApi = new HttpApi(this, 'Api', {
      apiName: `reelay-${props.stage}`,
      description: 'Reelay: OpenAI Videos API in front of fal',
      createDefaultStage: false,
      ...(props.allowedOrigins.length > 0 && {
        corsPreflight: {
          allowOrigins: props.allowedOrigins,
          allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.DELETE],
          allowHeaders: CORS_ALLOW_HEADERS,
          // a page can read its rate-limit state and when to retry
          exposeHeaders: ['retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'],
          maxAge: Duration.hours(1),
        },
      }),
    });
    if (props.customDomain) {
      this.domainName = new DomainName(this, 'Domain', {
        domainName: props.customDomain.domainName,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', props.customDomain.certificateArn),
      });
    }
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
      ...(this.domainName && { domainMapping: { domainName: this.domainName } }),
    });
    this.publicUrl = props.customDomain
      ? `https://${props.customDomain.domainName}`
      : this.httpApi.apiEndpoint;
  }

  /** The public API, the studio, the API reference and their files, the OpenAPI document and the health check. */
  routeApi(fn: IFunction): void {
    const integration = new HttpLambdaIntegration('ApiIntegration', fn);
    for (const path of ['/', '/docs', '/assets/{proxy+}', '/healthz', '/openapi.json']) {
      publicRoute(
        this.httpApi.addRoutes({ path, methods: [HttpMethod.GET], integration }),
        'A public document (the studio page and its files, the API reference, the OpenAPI description, the health check): it holds no data and must load without credentials.',
      );
    }
    publicRoute(
      this.httpApi.addRoutes({
        path: '/v1/{proxy+}',
        methods: [HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE],
        integration,
      }),
      'The OpenAI-compatible API authenticates in the function: a Bearer API key compared against the hashed keys of the keys secret, which also yields the tenant that scopes every query. The openai SDK sends exactly this header, so a gateway authorizer would duplicate the check and add a hop.',
    );
  }

  /**
   * fal's signed completion callbacks, throttled on their own: a stage's limits are shared by the
   * routes that use them, and clients polling /v1 would otherwise get fal's deliveries 429s.
   */
  routeWebhook(fn: IFunction): void {
    const routes = this.httpApi.addRoutes({
      path: '/webhooks/fal',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('FalWebhookIntegration', fn),
    });
    publicRoute(
      routes,
      'fal cannot present AWS credentials or a bearer token: each delivery is authenticated in the function by its ED25519 signature (fal JWKS), a 5-minute timestamp window and the per-job random token in the URL.',
    );
    const stage = this.stage.node.defaultChild as CfnStage;
    // RouteSettings is free-form JSON to CloudFormation: its keys are written as the template spells them
    stage.routeSettings = {
      [WEBHOOK_ROUTE_KEY]: {
        ThrottlingRateLimit: this.webhookThrottle.rate,
        ThrottlingBurstLimit: this.webhookThrottle.burst,
      },
    };
    // route settings name a route that must exist first
    for (const route of routes) stage.node.addDependency(route);
  }
}

/** Routes without an API Gateway authorizer: the function authenticates, for the reason given. */
function publicRoute(routes: HttpRoute[], reason: string): void {
  for (const route of routes) Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason });
}
