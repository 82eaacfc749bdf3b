import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BUDGET_STACK_ID, ReelayBudgetStack } from './budget-stack.ts';
import { readConfig } from './config.ts';
import { alarmTopicName, ReelayStack } from './reelay-stack.ts';

export interface BuildOptions {
  /** Run cdk-nag's AwsSolutions pack at synthesis (on by default; tests of the template alone skip it). */
  checks?: boolean;
}

/**
 * Adds the Reelay stack, built from the app's context, and the cdk-nag checks to `app`; with
 * `monthlyBudgetUsd` set, also the budget stack (`app.node.tryFindChild(BUDGET_STACK_ID)`).
 */
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
  if (config.monthlyBudgetUsd !== undefined) {
    const budget = new ReelayBudgetStack(app, BUDGET_STACK_ID, {
      stackName: `reelay-${config.stage}-budget`,
      description: `Reelay (${config.stage}): AWS Budgets monthly cost budget, mailing the alarm topic`,
      monthlyUsd: config.monthlyBudgetUsd,
      alarmTopicName: alarmTopicName(config.stage),
    });
    // the topic, and its policy letting Budgets publish, exist first
    budget.addStackDependency(stack, 'the budget publishes to the alarm topic');
    Tags.of(budget).add('project', 'reelay');
    Tags.of(budget).add('stage', config.stage);
  }
  if (options.checks ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return stack;
}
