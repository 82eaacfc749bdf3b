import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig } from './config.ts';
import { ReelayStack } from './reelay-stack.ts';

export interface BuildOptions {
  /** Run cdk-nag's AwsSolutions pack at synthesis (on by default; tests of the template alone skip it). */
  checks?: boolean;
}

/** Adds the Reelay stack, built from the app's context, and the cdk-nag checks to `app`. */
export function buildApp(app: App, options: BuildOptions = {}): ReelayStack {
  const config = readConfig((key) => app.node.tryGetContext(key));
  const stack = new ReelayStack(app, 'ReelayStack', {
    stackName: `reelay-${config.stage}`,
    description: `Reelay (${config.stage}): OpenAI Videos API gateway for fal, archived to S3`,
    // no env: the stack is region-agnostic and deploys to the CLI profile's account and region
    config,
  });
  Tags.of(stack).add('project', 'reelay');
  Tags.of(stack).add('stage', config.stage);
  if (options.checks ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return stack;
}
