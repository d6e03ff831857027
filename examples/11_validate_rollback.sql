-- 11: VALIDATE ROLLBACK and APPLY ROLLBACK, Complete Example: from version 7 back to 5.
-- Switch to database
USE "production";

-- Check current state
SHOW MIGRATIONS FOR "production";
-- Current version: 7

-- Validate rollback to version 5: reverses 7 and 6, with the exact data impact
VALIDATE ROLLBACK TO VERSION 5;

-- Review data impact - acceptable for this scenario
-- Create backup before rollback
BACKUP DATABASE "production" TO "prod_before_rollback.sdb";

-- Execute rollback
APPLY ROLLBACK TO VERSION 5;

-- Verify rollback
SHOW MIGRATIONS FOR "production";
-- Shows versions 6 and 7 now have Status = "ROLLED_BACK"
-- Current version: 5
