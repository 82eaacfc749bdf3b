import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { CONNECTIONS_TABLE } from '../../functions/core/store/dynamodb/connections-table.ts';

/**
 * Open event streams (GET /v1/events), shaped by the CONNECTIONS_TABLE constant the store and the
 * local stack use. A record whose `$disconnect` never came expires by TTL (API Gateway's two hours).
 * Nothing here outlives a reconnect, so no backups and no retention, even on a prod stage.
 */
export class ConnectionsTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: CONNECTIONS_TABLE.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: CONNECTIONS_TABLE.ttlAttribute,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.table).acknowledge({
      id: 'AwsSolutions-DDB3',
      reason:
        'Records of open WebSocket connections, each living at most two hours: a point-in-time restore could only bring back connections that no longer exist, and clients reconnect anyway.',
    });
    const { byTenant } = CONNECTIONS_TABLE;
    this.table.addGlobalSecondaryIndex({
      indexName: byTenant.indexName,
      partitionKey: { name: byTenant.partitionKey, type: AttributeType.STRING },
      sortKey: { name: byTenant.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
  }
}
