import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../infra/config.ts';
import { buildStack, CDK_JSON_CONTEXT, getAtt, type Json, logicalId, propertiesOf } from './helpers.ts';

const config = (overrides: Record<string, unknown> = {}) => {
  const context: Record<string, unknown> = { ...CDK_JSON_CONTEXT, ...overrides };
  return readConfig((key) => context[key]);
};

describe('context (cdk.json defaults, -c overrides)', () => {
  it('cdk.json alone is a valid dev configuration', () => {
    expect(config()).toMatchObject({
      stage: 'dev',
      production: false,
      allowedOrigins: [],
      logRetention: 30,
      apiRateLimit: 50,
      apiBurstLimit: 100,
      webhookRateLimit: 50,
      webhookBurstLimit: 100,
      archiverConcurrency: 2,
      serviceSettings: {},
      reserveConcurrency: false,
      logLevel: 'INFO',
    });
    expect(config({ allowedOrigins: '' }).allowedOrigins).toEqual([]);
    expect(config().alarmEmail).toBeUndefined();
    expect(config().monthlyBudgetUsd).toBeUndefined();
    expect(config().videoRetentionDays).toBeUndefined();
    expect(config().customDomain).toBeUndefined();
  });

  it('reads the strings `-c name=value` passes', () => {
    expect(
      config({
        stage: 'prod',
        monthlyBudgetUsd: '200',
        allowedOrigins: 'https://a.example.com, https://b.example.com',
        videoRetentionDays: '90',
        reserveConcurrency: 'true',
      }),
    ).toMatchObject({
      production: true,
      monthlyBudgetUsd: 200,
      allowedOrigins: ['https://a.example.com', 'https://b.example.com'],
      videoRetentionDays: 90,
      reserveConcurrency: true,
    });
  });

  it.each([
    [{ stage: 'Prod!' }, /stage/],
    [{ logRetentionDays: 31 }, /logRetentionDays/],
    [{ allowedOrigins: ['https://app.example.com/'] }, /allowedOrigins/],
    [{ alarmEmail: 'not-an-email' }, /alarmEmail/],
    [{ archiverConcurrency: 1 }, /archiverConcurrency/],
    [{ maxActiveJobs: '0' }, /maxActiveJobs/],
    [{ tenantDailyBudgetUsd: '-5' }, /tenantDailyBudgetUsd/],
    [{ moderation: 'openai' }, /moderation/],
    [{ promptBlocklist: '/[unclosed/' }, /promptBlocklist/],
    [{ promptBlocklist: 'x'.repeat(2_001) }, /promptBlocklist: longer than 2000/],
    [{ domainName: 'videos.example.com' }, /domainName and certificateArn go together/],
  ])('rejects %o with a message naming it', (overrides, message) => {
    expect(() => config(overrides)).toThrow(message);
  });
});

describe('stack variants from context', () => {
  it('allowedOrigins: CORS on the API for those pages, and presigned GETs from them', () => {
    const { template, stack } = buildStack({ allowedOrigins: 'https://app.example.com' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: ['https://app.example.com'],
        AllowMethods: ['GET', 'POST', 'DELETE'],
        AllowHeaders: Match.arrayWith(['authorization', 'content-type', 'idempotency-key']),
        ExposeHeaders: ['retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'],
        MaxAge: 3600,
      },
    });
    const cors = propertiesOf(template, logicalId(stack.storage.bucket)).CorsConfiguration as Json;
    expect(cors).toMatchObject({
      CorsRules: [
        {
          AllowedOrigins: [getAtt(logicalId(stack.http.httpApi), 'ApiEndpoint'), 'https://app.example.com'],
        },
      ],
    });
  });

  it('a short videoRetentionDays: expiry without the IA transition (S3 would reject it), and the API knows', () => {
    const { template, stack } = buildStack({ videoRetentionDays: 14 });
    const rules = (propertiesOf(template, logicalId(stack.storage.bucket)).LifecycleConfiguration as Json)
      .Rules;
    expect(rules).toContainEqual({
      Id: 'videos',
      Prefix: 'videos/',
      Status: 'Enabled',
      ExpirationInDays: 14,
    });
    const env = (name: 'api' | 'archiver') =>
      (propertiesOf(template, logicalId(stack.functions[name].function)).Environment as { Variables: Json })
        .Variables;
    expect(env('api').REELAY_VIDEO_RETENTION_DAYS).toBe('14');
    expect(env('archiver').REELAY_VIDEO_RETENTION_DAYS).toBeUndefined();
  });

  it('a long videoRetentionDays: IA after 30 days, then expiry', () => {
    const { template, stack } = buildStack({ videoRetentionDays: 365 });
    const rules = (propertiesOf(template, logicalId(stack.storage.bucket)).LifecycleConfiguration as Json)
      .Rules;
    expect(rules).toContainEqual({
      Id: 'videos',
      Prefix: 'videos/',
      Status: 'Enabled',
      Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
      ExpirationInDays: 365,
    });
  });

  it('a custom domain: domain name, mapping, and PUBLIC_URL and outputs use it', () => {
    const certificateArn = 'arn:aws:acm:eu-west-1:123456789012:certificate/abc';
    const { template, stack } = buildStack({ domainName: 'videos.example.com', certificateArn });
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'videos.example.com',
      DomainNameConfigurations: [
        Match.objectLike({ CertificateArn: certificateArn, EndpointType: 'REGIONAL' }),
      ],
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', {
      ApiId: { Ref: logicalId(stack.http.httpApi) },
      Stage: '$default',
    });
    for (const name of ['api', 'fal-webhook', 'reconciler'] as const) {
      const env = (
        propertiesOf(template, logicalId(stack.functions[name].function)).Environment as { Variables: Json }
      ).Variables;
      expect(env.PUBLIC_URL).toBe('https://videos.example.com');
    }
    template.hasOutput('ApiUrl', { Value: 'https://videos.example.com' });
    template.hasOutput('WebhookUrl', { Value: 'https://videos.example.com/webhooks/fal' });
    template.hasOutput('CustomDomainTarget', {});
  });

  it('reserveConcurrency: one reconciler, the archiver at its queue cap, the HTTP functions unreserved', () => {
    const { template, stack } = buildStack({ reserveConcurrency: true, archiverConcurrency: 8 });
    const reserved = (name: 'api' | 'fal-webhook' | 'archiver' | 'reconciler') =>
      propertiesOf(template, logicalId(stack.functions[name].function)).ReservedConcurrentExecutions;
    expect(reserved('reconciler')).toBe(1);
    expect(reserved('archiver')).toBe(8);
    expect(reserved('api')).toBeUndefined();
    expect(reserved('fal-webhook')).toBeUndefined();
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 8 },
    });
  });

  it('alarmEmail, throttling, log retention and level come from context', () => {
    const { template } = buildStack({
      alarmEmail: 'ops@example.com',
      apiRateLimit: 5,
      apiBurstLimit: 10,
      logRetentionDays: 90,
      logLevel: 'DEBUG',
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
    });
    for (const group of Object.values(template.findResources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.RetentionInDays).toBe(90);
    }
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.Environment.Variables.POWERTOOLS_LOG_LEVEL).toBe('DEBUG');
    }
  });

  it('service limits from context reach exactly the functions that read them, as their environment variables', () => {
    const { template, stack } = buildStack({
      dailyBudgetUsd: '500',
      maxActiveJobs: 20,
      tenantRequestsPerMinute: '120',
      tenantCreatesPerMinute: '6',
      tenantMaxActiveJobs: '3',
      tenantMaxQueuedJobs: '50',
      tenantDailyBudgetUsd: '25',
      tenantMayDisableSafetyChecker: true,
      moderation: 'fal',
      moderationModel: 'google/gemini-2.5-flash',
      promptBlocklist: ['forbidden', '/bad\\s+word/'],
    });
    const env = (name: 'api' | 'fal-webhook' | 'archiver' | 'reconciler') =>
      (propertiesOf(template, logicalId(stack.functions[name].function)).Environment as { Variables: Json })
        .Variables;
    expect(env('api')).toMatchObject({
      REELAY_DAILY_BUDGET_USD: '500',
      REELAY_MAX_ACTIVE_JOBS: '20',
      REELAY_DEFAULT_REQUESTS_PER_MINUTE: '120',
      REELAY_DEFAULT_CREATES_PER_MINUTE: '6',
      REELAY_DEFAULT_MAX_ACTIVE_JOBS: '3',
      REELAY_DEFAULT_MAX_QUEUED_JOBS: '50',
      REELAY_DEFAULT_DAILY_BUDGET_USD: '25',
      REELAY_DEFAULT_MAY_DISABLE_SAFETY_CHECKER: 'true',
      REELAY_MODERATION: 'fal',
      REELAY_MODERATION_MODEL: 'google/gemini-2.5-flash',
      REELAY_PROMPT_BLOCKLIST: '["forbidden","/bad\\\\s+word/"]',
    });
    // whoever frees a slot admits the next job by the overall cap (and a legacy pool by the tenant default)
    for (const name of ['fal-webhook', 'reconciler'] as const) {
      expect(env(name).REELAY_MAX_ACTIVE_JOBS).toBe('20');
      expect(env(name).REELAY_DEFAULT_MAX_ACTIVE_JOBS).toBe('3');
      expect(env(name).REELAY_DAILY_BUDGET_USD).toBeUndefined();
      expect(env(name).REELAY_MODERATION).toBeUndefined();
    }
    expect(Object.keys(env('archiver')).filter((key) => key.startsWith('REELAY_DEFAULT_'))).toEqual([]);
  });

  it('without service limits in context, no function gets them (the code’s defaults hold)', () => {
    const { template } = buildStack();
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      const names = Object.keys(fn.Properties.Environment.Variables);
      expect(
        names.filter((n) => /^REELAY_(DEFAULT_|MAX_ACTIVE|DAILY_BUDGET|MODERATION|PROMPT)/.test(n)),
      ).toEqual([]);
    }
  });

  it('the defaults fit a new account’s Lambda concurrency quota of 10, leaving most of it to the API and the webhook', () => {
    const NEW_ACCOUNT_QUOTA = 10;
    const { template } = buildStack();
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    // nothing reserved: reserving needs 100 unreserved executions left, which such an account lacks
    for (const fn of functions) expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    const [mapping] = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    const archivers = mapping?.Properties.ScalingConfig.MaximumConcurrency as number;
    // the schedule starts one reconciler a minute, and a pass ends before the next (timeout 55 s)
    const reconcilers = 1;
    expect(archivers).toBe(2);
    expect(NEW_ACCOUNT_QUOTA - archivers - reconcilers).toBeGreaterThanOrEqual(7);
  });
});
