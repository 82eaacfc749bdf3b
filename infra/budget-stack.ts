import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CostBudget } from './constructs/cost-budget.ts';

/** The construct id of the budget stack in the app (its stack name is `reelay-<stage>-budget`). */
export const BUDGET_STACK_ID = 'ReelayBudget';

export interface ReelayBudgetStackProps extends StackProps {
  monthlyUsd: number;
  /** The app stack's alarm topic, by name: an ARN built here needs no export between the stacks. */
  alarmTopicName: string;
}

/**
 * The AWS Budgets budget, opt-in and in its own stack: Budgets refuses to create one on brand-new
 * accounts, on Organizations members whose payer has not enabled it, and without billing access,
 * and such a refusal must not roll back the service (docs/deploy.md says what to do then).
 */
export class ReelayBudgetStack extends Stack {
  readonly budget: CostBudget;

  constructor(scope: Construct, id: string, props: ReelayBudgetStackProps) {
    super(scope, id, props);
    this.budget = new CostBudget(this, 'Budget', {
      monthlyUsd: props.monthlyUsd,
      topicArn: this.formatArn({ service: 'sns', resource: props.alarmTopicName }),
    });
  }
}
