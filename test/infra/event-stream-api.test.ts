import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONNECTIONS_TABLE } from '../../functions/core/store/dynamodb/connections-table.ts';
import { STREAM_ACCESS_LOG_FIELDS } from '../../infra/constructs/event-stream-api.ts';
import type { ReelayStack } from '../../infra/reelay-stack.ts';
import { buildStack, getAtt, logicalId } from './helpers.ts';

let template: Template;
let stack: ReelayStack;

beforeAll(() => {
  ({ template, stack } = buildStack());
});

const apiId = () => logicalId(stack.eventStream.api);
const ofStreamApi = (type: string) =>
  Object.values(template.findResources(type)).filter(
    (resource) => resource.Properties.ApiId?.Ref === apiId(),
  );

describe('the event stream (GET /v1/events on AWS)', () => {
  it('is a WebSocket API whose $connect and $disconnect go to the event-stream function, and nothing else', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'WEBSOCKET',
      Name: 'reelay-dev-events',
    });
    const integrations = Object.fromEntries(
      Object.entries(template.findResources('AWS::ApiGatewayV2::Integration')).filter(
        ([, resource]) => resource.Properties.ApiId?.Ref === apiId(),
      ),
    );
    const fn = logicalId(stack.functions['event-stream'].function);
    const routes = ofStreamApi('AWS::ApiGatewayV2::Route').map((route) => {
      const target = route.Properties.Target['Fn::Join'][1][1].Ref as string;
      const uri = JSON.stringify(integrations[target]?.Properties.IntegrationUri);
      return [route.Properties.RouteKey, uri.includes(`"${fn}"`)];
    });
    // no $default: a client has nothing to send
    expect(Object.fromEntries(routes)).toEqual({ $connect: true, $disconnect: true });
  });

  it('has one auto-deployed stage, throttled like the HTTP API, logging JSON without the query string (a token)', () => {
    const stages = ofStreamApi('AWS::ApiGatewayV2::Stage');
    expect(stages).toHaveLength(1);
    expect(stages[0]?.Properties).toMatchObject({
      StageName: 'dev',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: { DestinationArn: getAtt(logicalId(stack.eventStream.accessLogs)) },
    });
    const format = stages[0]?.Properties.AccessLogSettings.Format as string;
    expect(JSON.parse(format)).toEqual(STREAM_ACCESS_LOG_FIELDS);
    expect(format).not.toMatch(/querystring|token/i);
  });

  it('records connections in their own table, by tenant, dropped by TTL', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: CONNECTIONS_TABLE.partitionKey, KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: CONNECTIONS_TABLE.ttlAttribute, Enabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: CONNECTIONS_TABLE.byTenant.indexName,
          KeySchema: [
            { AttributeName: CONNECTIONS_TABLE.byTenant.partitionKey, KeyType: 'HASH' },
            { AttributeName: CONNECTIONS_TABLE.byTenant.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });

  it('lets API Gateway invoke the event-stream function from this API only', () => {
    const fn = logicalId(stack.functions['event-stream'].function);
    const permissions = Object.values(
      template.findResources('AWS::Lambda::Permission', {
        Properties: { Principal: 'apigateway.amazonaws.com' },
      }),
    ).filter((p) => p.Properties.FunctionName['Fn::GetAtt']?.[0] === fn);
    expect(permissions.length).toBeGreaterThan(0);
    for (const permission of permissions)
      expect(JSON.stringify(permission.Properties.SourceArn)).toContain(apiId());
  });

  it('gives the stream URL to clients (the api function and an output), and the management URL to the deliverer and the connect function only', () => {
    const outputs = template.findOutputs('EventStreamUrl');
    expect(Object.keys(outputs)).toHaveLength(1);
    const withManagement = Object.entries(stack.functions)
      .filter(([, fn]) =>
        JSON.stringify(template.toJSON().Resources[logicalId(fn.function)].Properties).includes(
          'REELAY_EVENTS_MANAGEMENT_URL',
        ),
      )
      .map(([name]) => name);
    expect(withManagement.sort()).toEqual(['event-deliverer', 'event-stream']);
  });
});
