-- 07: SHOW MIGRATIONS, with and without WHERE filters.
-- Switch to database
USE "production";

-- Show all migrations
SHOW MIGRATIONS FOR "production";

-- Show only pending migrations
SHOW MIGRATIONS FOR "production" WHERE Status == "PENDING";

-- Show only applied migrations for audit trail
SHOW MIGRATIONS FOR "production" WHERE Status == "APPLIED";

-- Show failed migrations
SHOW MIGRATIONS FOR "production" WHERE Status == "FAILED"
