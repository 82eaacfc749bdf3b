import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { JOBS_TABLE } from '../../functions/core/store/dynamodb/jobs-table.ts';

export interface JobsTableProps {
  /** Retain the table and turn deletion protection on (a prod stage). */
  production: boolean;
}

/** The jobs table, shaped by the same JOBS_TABLE constant the store queries with, so they cannot drift. */
export class JobsTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: JobsTableProps) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: JOBS_TABLE.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // a KMS key DynamoDB manages: encrypted at rest with no key policy to maintain
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: JOBS_TABLE.ttlAttribute,
      deletionProtection: props.production,
      removalPolicy: props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // both indexes are sparse and the store reads whole jobs from them, so they project everything
    const { byTenant, byDue } = JOBS_TABLE;
    this.table.addGlobalSecondaryIndex({
      indexName: byTenant.indexName,
      partitionKey: { name: byTenant.partitionKey, type: AttributeType.STRING },
      sortKey: { name: byTenant.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: byDue.indexName,
      partitionKey: { name: byDue.partitionKey, type: AttributeType.STRING },
      sortKey: { name: byDue.sortKey, type: AttributeType.NUMBER },
      projectionType: ProjectionType.ALL,
    });
  }
}
