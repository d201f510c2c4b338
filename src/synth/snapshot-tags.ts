// Tag keys the database carries (and, through CopyTagsToSnapshot, every snapshot of it), shared by the
// data tier that sets them and the deploy/snapshots code that reads them back.
export const SNAPSHOT_TAGS = {
  /** Root stack name: finds a stack's snapshots after the stack (and its instance) is gone. */
  stack: 'metabase-aws:stack',
  dbMasterSecret: 'metabase-aws:db-master-secret',
  encryptionKeySecret: 'metabase-aws:encryption-key-secret',
  /** Only with an admin secret (AdminEmail, or one reused by a restore): the first admin's password. */
  adminSecret: 'metabase-aws:admin-secret',
  /** Set on snapshots this tool takes itself (pre-upgrade); absent on CloudFormation's final ones. */
  madeBy: 'metabase-aws:made-by',
} as const;

/**
 * This tool's mark: deploy tags every stack with it (src/deploy/bucket.ts MANAGED_STACK_TAGS), and every
 * snapshot it takes, which the bootstrap deploy role's snapshot deletion requires (bootstrap-ci-roles.ts).
 */
export const MANAGED_BY = { key: 'managed-by', value: 'metabase-aws' } as const;
