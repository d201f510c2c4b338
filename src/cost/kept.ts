// What the resources destroy keeps cost a month once the stack is gone: the DB's final snapshot, the
// stack's earlier manual snapshots (pre-upgrade ones) and the retained secrets. Other kept resources (S3 buckets) bill for what they hold, which destroy does not measure.
import type { DestroyPlan } from '../deploy/destroy.js';
import { PRICE_LIST, regionPrices, type PriceList } from './prices.js';

export interface KeptCost {
  /** dollars a month for the priced items */
  monthly: number;
  priced: string[];
  /** kept resources with no price here (their bill depends on what they hold) */
  unpriced: string[];
}

const SECRET_TYPE = 'AWS::SecretsManager::Secret';

export function keptMonthlyCost(
  plan: Pick<DestroyPlan, 'kept' | 'database'> & Partial<Pick<DestroyPlan, 'earlierSnapshots'>>,
  region: string,
  list: PriceList = PRICE_LIST,
): KeptCost | undefined {
  const prices = regionPrices(list, region);
  if (!prices) return undefined;
  const cost: KeptCost = { monthly: 0, priced: [], unpriced: [] };
  for (const k of plan.kept) {
    const gib = plan.database?.allocatedStorageGiB;
    if (
      k.policy === 'Snapshot' &&
      k.resourceType === 'AWS::RDS::DBInstance' &&
      gib !== undefined &&
      gib > 0
    ) {
      // RDS gives backup storage free only up to a running instance's storage; with the instance deleted,
      // its snapshots bill in full at the backup-storage rate (aws.amazon.com/rds/postgresql/pricing,
      // "Backup Storage"). A snapshot holds the used blocks, so the allocated size is the upper bound.
      const dollars = gib * prices.rds.backupGbMonth;
      cost.monthly += dollars;
      cost.priced.push(
        `the final snapshot (up to ${String(gib)} GB × $${String(prices.rds.backupGbMonth)}/GB-month)`,
      );
    } else if (k.resourceType === SECRET_TYPE) {
      cost.monthly += prices.secretsManager.secretMonth;
      cost.priced.push(`${k.path} ($${prices.secretsManager.secretMonth.toFixed(2)}/month)`);
    } else {
      cost.unpriced.push(k.path);
    }
  }
  const earlier = plan.earlierSnapshots ?? [];
  if (earlier.length > 0) {
    // Same rate, and no free allowance either: it is the running instance's storage that makes backups free.
    const gib = earlier.reduce((sum, snapshot) => sum + snapshot.sizeGiB, 0);
    cost.monthly += gib * prices.rds.backupGbMonth;
    cost.priced.push(
      `${earlier.length === 1 ? 'the earlier snapshot' : `the ${String(earlier.length)} earlier snapshots`} (up to ${String(gib)} GB × $${String(prices.rds.backupGbMonth)}/GB-month)`,
    );
  }
  return cost;
}
