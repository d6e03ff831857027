-- 02: Simple Migration. Creates migration version 1 and applies it.
USE "production";

-- Create a new bundle
START MIGRATION WITH DESCRIPTION "Add Users bundle"
    CREATE BUNDLE "Users" WITH FIELDS (
        {"id", STRING, true, true},
        {"email", STRING, true, true},
        {"created_at", DATETIME, true, false}
    );
COMMIT

VALIDATE MIGRATION WITH VERSION 1;
APPLY MIGRATION WITH VERSION 1;
