-- 13: VALIDATE ROLLBACK, Validation Failure Example: an irreversible migration.
USE "production";

-- Versions 5..7 are ROLLED_BACK (scripts 11, 12). Re-apply 5, and drop 7 and 6 so that the next
-- START reuses version 6.
RESET MIGRATION WITH VERSION 5;
APPLY MIGRATION WITH VERSION 5;
DROP MIGRATION WITH VERSION 7;
DROP MIGRATION WITH VERSION 6;

START MIGRATION WITH DESCRIPTION "Add ImportantData"
    CREATE BUNDLE "ImportantData" WITH FIELDS (
        {"id", STRING, true, true},
        {"payload", JSON, false, false}
    );
    ADD DOCUMENT TO BUNDLE "ImportantData" WITH VALUES ({"id": "k1", "payload": {"keep": true}});
COMMIT
APPLY MIGRATION WITH VERSION 6;

START MIGRATION WITH DESCRIPTION "Drop ImportantData for good"
    DROP BUNDLE "ImportantData" WITH FORCE;
COMMIT

-- The reversibility phase warns: the drop cannot be reversed
VALIDATE MIGRATION WITH VERSION 7;
APPLY MIGRATION WITH VERSION 7 FORCE;

-- Response shows cannot rollback:
-- "Cannot auto-generate DOWN for irreversible operation: DROP BUNDLE \"ImportantData\" WITH FORCE"
VALIDATE ROLLBACK TO VERSION 2;

-- An explicit DOWN section makes a migration reversible by hand
START MIGRATION WITH DESCRIPTION "Archive flag on Users"
    UPDATE BUNDLE "Users" ADD FIELD {"archived", BOOLEAN, false, false, false};
DOWN
    UPDATE BUNDLE "Users" REMOVE FIELD "archived";
COMMIT;
APPLY MIGRATION WITH VERSION 8;
VALIDATE ROLLBACK TO VERSION 7;
VERIFY MIGRATIONS;
