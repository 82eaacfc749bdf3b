import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { ACCOUNTS_TABLE } from '../../functions/core/store/dynamodb/accounts-table.ts';

export interface AccountsTableProps {
  /** Retain the table and turn deletion protection on (a prod stage). */
  production: boolean;
}

/**
 * Tenants, API key hashes and rate-limit counters, shaped by the same ACCOUNTS_TABLE constant the
 * stores and the admin CLI use. Counters carry a TTL; tenants and keys never expire on their own.
 */
export class AccountsTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: AccountsTableProps) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: ACCOUNTS_TABLE.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: ACCOUNTS_TABLE.ttlAttribute,
      deletionProtection: props.production,
      removalPolicy: props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // sparse (key items only): `npm run admin -- keys list --tenant` reads whole records from it
    const { keysByTenant } = ACCOUNTS_TABLE;
    this.table.addGlobalSecondaryIndex({
      indexName: keysByTenant.indexName,
      partitionKey: { name: keysByTenant.partitionKey, type: AttributeType.STRING },
      sortKey: { name: keysByTenant.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
  }
}
