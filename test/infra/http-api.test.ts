import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_LOG_FIELDS } from '../../infra/constructs/http-api.ts';
import type { ReelayStack } from '../../infra/reelay-stack.ts';
import { buildStack, getAtt, logicalId } from './helpers.ts';

let template: Template;
let stack: ReelayStack;

beforeAll(() => {
  ({ template, stack } = buildStack());
});

const apiId = () => logicalId(stack.http.httpApi);
/** The HTTP API's resources of `type` (the WebSocket API has its own: test/infra/event-stream-api.test.ts). */
const ofHttpApi = (type: string, from: Template = template) =>
  Object.fromEntries(
    Object.entries(from.findResources(type)).filter(
      ([id, resource]) => id === apiId() || resource.Properties.ApiId?.Ref === apiId(),
    ),
  );

describe('HTTP API', () => {
  it('is one HTTP API with no CORS unless other origins are configured (the web page is same-origin)', () => {
    expect(Object.keys(ofHttpApi('AWS::ApiGatewayV2::Api'))).toHaveLength(1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      Name: 'reelay-dev',
      CorsConfiguration: Match.absent(),
    });
  });

  it('has one auto-deployed $default stage, throttled with the configured rate and burst', () => {
    expect(Object.keys(ofHttpApi('AWS::ApiGatewayV2::Stage'))).toHaveLength(1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: apiId() },
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });

  it('gives POST /webhooks/fal its own throttle, which polling of /v1 cannot use up', () => {
    const stage = Object.values(ofHttpApi('AWS::ApiGatewayV2::Stage'))[0];
    expect(stage?.Properties.RouteSettings).toEqual({
      'POST /webhooks/fal': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    // the route it names exists before the stage refers to it
    const route = Object.entries(template.findResources('AWS::ApiGatewayV2::Route')).find(
      ([, r]) => r.Properties.RouteKey === 'POST /webhooks/fal',
    );
    expect(stage?.DependsOn).toContain(route?.[0]);
  });

  it('takes the webhook throttle from context', () => {
    const { template: custom } = buildStack({ webhookRateLimit: '200', webhookBurstLimit: '400' });
    custom.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      RouteSettings: { 'POST /webhooks/fal': { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 } },
    });
  });

  it('writes JSON access logs to its own log group, without query strings (the webhook token lives there)', () => {
    const logGroup = logicalId(stack.http.accessLogs);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    const stages = ofHttpApi('AWS::ApiGatewayV2::Stage');
    const settings = Object.values(stages)[0]?.Properties.AccessLogSettings;
    expect(settings.DestinationArn).toEqual(getAtt(logGroup));
    const format = JSON.parse(settings.Format);
    expect(format).toEqual(ACCESS_LOG_FIELDS);
    expect(format.requestId).toBe('$context.requestId');
    expect(settings.Format).not.toMatch(/querystring|requestUri|rawQueryString/i);
  });

  it('routes /v1/*, /openapi.json, /healthz, /, /docs and /assets/* to the api function, POST /webhooks/fal to the webhook', () => {
    const integrations = ofHttpApi('AWS::ApiGatewayV2::Integration');
    const functionOf = (target: { 'Fn::Join': [string, [string, { Ref: string }]] }) => {
      const integration = integrations[target['Fn::Join'][1][1].Ref];
      return integration?.Properties.IntegrationUri['Fn::GetAtt'][0];
    };
    const routes = Object.values(ofHttpApi('AWS::ApiGatewayV2::Route')).map((route) => [
      route.Properties.RouteKey,
      functionOf(route.Properties.Target),
    ]);
    const api = logicalId(stack.functions.api.function);
    const webhook = logicalId(stack.functions['fal-webhook'].function);
    expect(Object.fromEntries(routes)).toEqual({
      'GET /': api,
      'GET /docs': api,
      'GET /assets/{proxy+}': api,
      'GET /healthz': api,
      'GET /openapi.json': api,
      'GET /v1/{proxy+}': api,
      'POST /v1/{proxy+}': api,
      'DELETE /v1/{proxy+}': api,
      'POST /webhooks/fal': webhook,
    });
    expect(routes).toHaveLength(9);
  });

  it('uses Lambda proxy integrations with payload format 2.0 (what hono/aws-lambda reads)', () => {
    const integrations = Object.values(ofHttpApi('AWS::ApiGatewayV2::Integration'));
    expect(integrations).toHaveLength(2);
    for (const integration of integrations)
      expect(integration.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
      });
  });

  it('lets API Gateway invoke each function only from its own routes', () => {
    const permissions = template.findResources('AWS::Lambda::Permission', {
      Properties: { Principal: 'apigateway.amazonaws.com' },
    });
    const paths = Object.values(permissions).map((p) => {
      const parts = p.Properties.SourceArn['Fn::Join'][1] as unknown[];
      return [p.Properties.FunctionName['Fn::GetAtt'][0], parts[parts.length - 1]];
    });
    const api = logicalId(stack.functions.api.function);
    const webhook = logicalId(stack.functions['fal-webhook'].function);
    expect(paths).toEqual(
      expect.arrayContaining([
        [api, '/*/*/v1/{proxy+}'],
        [api, '/*/*/'],
        [webhook, '/*/*/webhooks/fal'],
      ]),
    );
    expect(paths.filter(([fn]) => fn === webhook)).toEqual([[webhook, '/*/*/webhooks/fal']]);
  });

  it('has no custom domain unless one is configured', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
    template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 0);
  });
});
