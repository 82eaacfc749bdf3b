import { type RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** What a secret holds until the operator sets it; functions/core/wiring.ts treats it as "not set yet". */
export const UNSET = 'unset';

export interface ReelaySecretsProps {
  removalPolicy: RemovalPolicy;
}

/**
 * The fal key and the API keys (`tenant:key,…`), created holding a placeholder and set afterwards
 * with `aws secretsmanager put-secret-value`: their values never pass through CloudFormation,
 * the environment or the logs. Names are generated, so a torn-down stage can be deployed again
 * while the old secrets wait out their recovery window.
 */
export class ReelaySecrets extends Construct {
  readonly falKey: Secret;
  readonly apiKeys: Secret;
  /** Random key material that seals webhook signing secrets at rest; made by Secrets Manager, never seen. */
  readonly webhookKey: Secret;

  constructor(scope: Construct, id: string, props: ReelaySecretsProps) {
    super(scope, id);
    this.falKey = new Secret(this, 'FalKey', {
      description:
        'Reelay: the fal API key (KEY_ID:KEY_SECRET). Set it with aws secretsmanager put-secret-value.',
      secretStringValue: SecretValue.unsafePlainText(UNSET),
      removalPolicy: props.removalPolicy,
    });
    this.apiKeys = new Secret(this, 'ApiKeys', {
      description: 'Reelay: client API keys as tenant:key,tenant2:key2 (keys of 16+ characters).',
      secretStringValue: SecretValue.unsafePlainText(UNSET),
      removalPolicy: props.removalPolicy,
    });
    this.webhookKey = new Secret(this, 'WebhookKey', {
      description: 'Reelay: key material that encrypts client webhook signing secrets at rest.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.webhookKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating this key would make every sealed webhook signing secret unreadable; signing secrets are rotated per endpoint through the API instead.',
    });
    for (const secret of [this.falKey, this.apiKeys]) {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Both values are issued outside AWS (fal dashboard, the operator) and cannot be rotated by a Lambda rotator; the operator rotates them with put-secret-value, which the functions pick up (API keys within 5 minutes, the fal key within the hour its cache lasts).',
      });
    }
  }
}
