-- 12: Rollback One Version (5 -> 4), then recovery from the backup of script 11.
USE "production";

-- Current version: 5, rollback to 4
APPLY ROLLBACK TO VERSION 4;

-- Restore the backup taken before the first rollback under a new name
RESTORE DATABASE FROM "prod_before_rollback.sdb" AS "production-recovery";

-- Verify restored database
USE "production-recovery";
SHOW MIGRATIONS FOR "production-recovery";
-- Back to version 7 (pre-rollback state)
SHOW BUNDLES;
