import { ensureAccountsTable } from '../../dev/embedded/dynamodb.ts';
import { startTestDynamo, type TestDynamo } from './test-dynamo.ts';

export type AccountsDb = TestDynamo;

/** An in-memory dynalite with a fresh accounts table. */
export async function startAccountsDb(): Promise<AccountsDb> {
  const db = await startTestDynamo('accounts');
  await ensureAccountsTable(db.client, db.table);
  return db;
}
