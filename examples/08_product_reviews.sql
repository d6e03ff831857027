-- 08: VALIDATE MIGRATION, Complete Example (version 6), then APPLY MIGRATION.
-- Switch to database
USE "production";

-- Create migration
START MIGRATION WITH DESCRIPTION "Add product reviews"
    CREATE BUNDLE "Reviews" WITH FIELDS (
        {"id", STRING, true, true},
        {"product_id", STRING, true, false},
        {"user_id", STRING, true, false},
        {"rating", INTEGER, true, false},
        {"comment", TEXT, false, false},
        {"created_at", DATETIME, true, false}
    );

    UPDATE BUNDLE "Products"
    ADD RELATIONSHIP "product_reviews"
    FROM BUNDLE "Products" TO BUNDLE "Reviews";

    CREATE INDEX HASH ON BUNDLE "Reviews" WITH FIELD "product_id";
COMMIT

-- Show pending migrations
SHOW MIGRATIONS FOR "production" WHERE Status == "PENDING";

-- Validate before applying: every phase passes
VALIDATE MIGRATION WITH VERSION 6;

-- Validation passed - safe to apply
APPLY MIGRATION WITH VERSION 6;

-- Verify migration was applied
SHOW MIGRATIONS FOR "production";
