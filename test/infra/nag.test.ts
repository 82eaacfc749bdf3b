import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.ts';
import { NO_ALARM_EMAIL_WARNING } from '../../infra/reelay-stack.ts';
import { CDK_JSON_CONTEXT } from './helpers.ts';

interface Findings {
  /** Unacknowledged cdk-nag violations, as `rule at construct path`. */
  violations: string[];
  /** Error and warning annotations of the synthesized stack (CDK's own, and any plugin's). */
  annotations: string[];
  /** Every acknowledgement in the app: construct path, rule id, reason. */
  acknowledgements: { path: string; id: string; reason: string }[];
}

/** Synthesizes the app as `cdk synth` does, cdk-nag included, and collects what it reported. */
function synthWithNag(context: Record<string, unknown>): Findings {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, ...context, 'aws:cdk:bundling-stacks': [] } });
  const stack = buildApp(app);
  let directory = app.outdir;
  let failed: unknown;
  try {
    directory = app.synth().directory;
  } catch (error) {
    // a violation fails synthesis; the report is written first
    failed = error;
  }
  const report = JSON.parse(readFileSync(join(directory, 'validation-report.json'), 'utf8'));
  const violations = (
    report.pluginReports as {
      violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
    }[]
  )
    .flatMap((plugin) => plugin.violations)
    .flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} at ${c.constructPath}`));
  if (failed && violations.length === 0) throw failed;

  const annotations = failed
    ? []
    : app
        .synth()
        .getStackArtifact(stack.artifactId)
        .messages.filter((m) => m.level === 'error' || m.level === 'warning')
        .map((m) => `${m.level} at ${m.id}: ${String(m.entry.data)}`);

  const acknowledgements = app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^Annotation::/, ''),
          reason,
        })),
      ),
  );
  return { violations, annotations, acknowledgements };
}

/** Each acknowledgement the stack makes, where, and why it is the design (the reasons live beside the code). */
const EXPECTED_ACKNOWLEDGEMENTS = [
  'AwsSolutions-APIG4 at ReelayStack/Http/Api/GET--',
  'AwsSolutions-APIG4 at ReelayStack/Http/Api/GET--docs',
  'AwsSolutions-APIG4 at ReelayStack/Http/Api/GET--assets--{proxy+}',
  'AwsSolutions-APIG4 at ReelayStack/Http/Api/GET--healthz',
  'AwsSolutions-APIG4 at ReelayStack/Http/Api/GET--openapi.json',
  'AwsSolutions-APIG4 at ReelayStack/Http/Api/GET--v1--{proxy+}',
  'AwsSolutions-APIG4 at ReelayStack/Http/Api/POST--v1--{proxy+}',
  'AwsSolutions-APIG4 at ReelayStack/Http/Api/DELETE--v1--{proxy+}',
  'AwsSolutions-APIG4 at ReelayStack/Http/Api/POST--webhooks--fal',
  'AwsSolutions-S1 at ReelayStack/Storage/AccessLogs',
  'AwsSolutions-SMG4 at ReelayStack/Secrets/FalKey',
  'AwsSolutions-SMG4 at ReelayStack/Secrets/ApiKeys',
  'AwsSolutions-SMG4 at ReelayStack/Secrets/WebhookKey',
  'AwsSolutions-IAM5[Resource::*] at ReelayStack/Api/Role',
  'AwsSolutions-IAM5[Resource::*] at ReelayStack/FalWebhook/Role',
  'AwsSolutions-IAM5[Resource::*] at ReelayStack/Archiver/Role',
  'AwsSolutions-IAM5[Resource::*] at ReelayStack/Reconciler/Role',
  'AwsSolutions-IAM5[Resource::*] at ReelayStack/FollowUp/Role',
  'AwsSolutions-IAM5[Resource::*] at ReelayStack/EventDeliverer/Role',
  'AwsSolutions-IAM5[Resource::<StorageVideos75D4D269.Arn>/videos/*] at ReelayStack/Api/Role',
  'AwsSolutions-IAM5[Resource::<StorageVideos75D4D269.Arn>/videos/*] at ReelayStack/Archiver/Role',
  'AwsSolutions-APIG4 at ReelayStack/EventStreamApi/Api/$connect-Route',
  'AwsSolutions-APIG4 at ReelayStack/EventStreamApi/Api/$disconnect-Route',
  'AwsSolutions-IAM5[Resource::*] at ReelayStack/EventStream/Role',
  'AwsSolutions-DDB3 at ReelayStack/Connections/Table',
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<EventStreamApiF32454ED>/STAGE/POST/@connections/*] at ReelayStack/EventDeliverer/Role',
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<EventStreamApiF32454ED>/STAGE/GET/@connections/*] at ReelayStack/EventStream/Role',
];

describe.each([
  [
    'the default dev stage',
    {},
    [`warning at /ReelayStack/Alarms: ${NO_ALARM_EMAIL_WARNING} [ack: reelay:no-alarm-email]`],
  ],
  [
    'a prod stage with every option on',
    {
      stage: 'prod',
      alarmEmail: 'ops@example.com',
      monthlyBudgetUsd: 100,
      allowedOrigins: 'https://app.example.com',
      videoRetentionDays: 365,
      reserveConcurrency: true,
      domainName: 'videos.example.com',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
    },
    [],
  ],
])('cdk-nag AwsSolutions on %s', (_name, context, warnings) => {
  let findings: Findings;
  beforeAll(() => {
    findings = synthWithNag(context);
  });

  it('leaves no unacknowledged finding (the validation report also lists the warning below)', () => {
    const expected = warnings.length > 0 ? ['Annotation::reelay:no-alarm-email at ReelayStack/Alarms'] : [];
    expect(findings.violations).toEqual(expected);
  });

  it('leaves no error or warning annotation but the one for an empty alarmEmail', () => {
    expect(findings.annotations).toEqual(warnings);
  });

  it('acknowledges only the reviewed findings, each by its full id', () => {
    const made = findings.acknowledgements.map((a) => `${a.id} at ${a.path}`);
    const stage = (context as { stage?: string }).stage ?? 'dev';
    expect(made.sort()).toEqual(
      EXPECTED_ACKNOWLEDGEMENTS.map((a) => a.replace('/STAGE/', `/${stage}/`)).sort(),
    );
  });

  it('gives every acknowledgement a real reason', () => {
    for (const { id, reason, path } of findings.acknowledgements) {
      expect(id, path).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(reason.length, `${id} at ${path}`).toBeGreaterThanOrEqual(80);
    }
  });
});
