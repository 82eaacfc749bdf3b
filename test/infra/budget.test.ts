import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { BUDGET_STACK_ID, type ReelayBudgetStack } from '../../infra/budget-stack.ts';
import { buildStack, logicalId } from './helpers.ts';

const budgetsMayPublish = Match.objectLike({
  Effect: 'Allow',
  Principal: { Service: 'budgets.amazonaws.com' },
  Action: 'sns:Publish',
  Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
});

describe('the AWS Budgets budget', () => {
  it('is opt-in: by default no budget anywhere, and no publish grant for Budgets', () => {
    const { app, template } = buildStack();
    expect(app.node.tryFindChild(BUDGET_STACK_ID)).toBeUndefined();
    template.resourceCountIs('AWS::Budgets::Budget', 0);
    const statements = Object.values(template.findResources('AWS::SNS::TopicPolicy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as unknown[],
    );
    expect(JSON.stringify(statements)).not.toContain('budgets.amazonaws.com');
  });

  it('with monthlyBudgetUsd, lives in its own stack, so a refusal by Budgets cannot roll back the service', () => {
    const { app, stack, template } = buildStack({ monthlyBudgetUsd: '120' });
    template.resourceCountIs('AWS::Budgets::Budget', 0);
    const budget = app.node.tryFindChild(BUDGET_STACK_ID) as ReelayBudgetStack;
    expect(budget.stackName).toBe('reelay-dev-budget');
    // deployed after the service stack, whose topic it publishes to
    expect(budget.dependencies).toEqual([stack]);
    const topicArn = {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':sns:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':reelay-dev-alarms',
        ],
      ],
    };
    const subscribers = [{ SubscriptionType: 'SNS', Address: topicArn }];
    const budgetTemplate = Template.fromStack(budget);
    budgetTemplate.resourceCountIs('AWS::Budgets::Budget', 1);
    budgetTemplate.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: { BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: 120, Unit: 'USD' } },
      NotificationsWithSubscribers: [
        {
          Notification: {
            NotificationType: 'ACTUAL',
            ComparisonOperator: 'GREATER_THAN',
            Threshold: 80,
            ThresholdType: 'PERCENTAGE',
          },
          Subscribers: subscribers,
        },
        {
          Notification: {
            NotificationType: 'FORECASTED',
            ComparisonOperator: 'GREATER_THAN',
            Threshold: 100,
            ThresholdType: 'PERCENTAGE',
          },
          Subscribers: subscribers,
        },
      ],
    });
    // the service stack's topic has that name, and lets Budgets of this account, and only it, publish
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'reelay-dev-alarms' });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: logicalId(stack.alarms.topic) }],
      PolicyDocument: { Statement: Match.arrayWith([budgetsMayPublish]) },
    });
  });
});
