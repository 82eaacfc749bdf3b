import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { WEBHOOKS_TABLE } from '../../functions/core/store/dynamodb/webhooks-table.ts';

export interface WebhooksTableProps {
  /** Retain the table and turn deletion protection on (a prod stage). */
  production: boolean;
}

/**
 * Client webhook endpoints, callback secrets (sealed) and the delivery log, shaped by the same
 * WEBHOOKS_TABLE constant the store and the local stack use. Delivery attempts expire by TTL.
 */
export class WebhooksTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: WebhooksTableProps) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: WEBHOOKS_TABLE.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: WEBHOOKS_TABLE.ttlAttribute,
      deletionProtection: props.production,
      removalPolicy: props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const { byOwner } = WEBHOOKS_TABLE;
    this.table.addGlobalSecondaryIndex({
      indexName: byOwner.indexName,
      partitionKey: { name: byOwner.partitionKey, type: AttributeType.STRING },
      sortKey: { name: byOwner.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
  }
}
