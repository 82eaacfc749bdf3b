import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '../../infra/bundling.ts';
import type { ReelayStack } from '../../infra/reelay-stack.ts';
import { buildStack, type Json, logicalId } from './helpers.ts';

let template: Template;
let stack: ReelayStack;

beforeAll(() => {
  ({ template, stack } = buildStack({ stage: 'prod' }));
});

const resource = (construct: Parameters<typeof logicalId>[0]) =>
  (template.toJSON().Resources as Record<string, Json>)[logicalId(construct)] as Json & { Properties: Json };

describe('a prod stage', () => {
  it('is its own stack, so dev and prod live side by side', () => {
    expect(stack.stackName).toBe('reelay-prod');
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: 'reelay-prod' });
  });

  it('turns on the table’s deletion protection and retains it', () => {
    const table = resource(stack.jobs.table);
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    const usage = resource(stack.usage.table);
    expect(usage.Properties.DeletionProtectionEnabled).toBe(true);
    expect(usage.DeletionPolicy).toBe('Retain');
    const accounts = resource(stack.accounts.table);
    expect(accounts.Properties.DeletionProtectionEnabled).toBe(true);
    expect(accounts.DeletionPolicy).toBe('Retain');
  });

  it('retains both secrets, both buckets and every log group', () => {
    const kept = [
      stack.secrets.falKey,
      stack.secrets.apiKeys,
      stack.storage.bucket,
      stack.storage.logBucket,
      stack.http.accessLogs,
      ...FUNCTION_NAMES.map((name) => stack.functions[name].logGroup),
    ];
    for (const construct of kept) {
      expect(resource(construct).DeletionPolicy, construct.node.path).toBe('Retain');
    }
  });

  it('names its alarms after its stack', () => {
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties.AlarmName,
    );
    expect(names.every((name) => String(name).startsWith('reelay-prod-'))).toBe(true);
  });
});

describe('a dev stage, for contrast', () => {
  it('removes table, secrets and log groups with the stack but still keeps the buckets (they hold videos)', () => {
    const dev = buildStack();
    const res = (construct: Parameters<typeof logicalId>[0]) =>
      dev.template.toJSON().Resources[logicalId(construct)] as Json;
    expect(res(dev.stack.jobs.table).DeletionPolicy).toBe('Delete');
    expect(res(dev.stack.secrets.falKey).DeletionPolicy).toBe('Delete');
    expect(res(dev.stack.functions.api.logGroup).DeletionPolicy).toBe('Delete');
    expect(res(dev.stack.storage.bucket).DeletionPolicy).toBe('Retain');
  });
});
