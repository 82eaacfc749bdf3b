import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { USAGE_TABLE } from '../../functions/core/store/dynamodb/usage-table.ts';

export interface UsageTableProps {
  /** Retain the table and turn deletion protection on (a prod stage). */
  production: boolean;
}

/**
 * Concurrency slots, queues and daily spend: one small item per tenant plus one for the deployment,
 * shaped by the same USAGE_TABLE constant the store uses. Losing it would free every slot and budget
 * at once, so it gets the jobs table's protections.
 */
export class UsageTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: UsageTableProps) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: USAGE_TABLE.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: props.production,
      removalPolicy: props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }
}
