-- 09: Validation Failure Example (version 7): the semantic phase fails.
USE "production";

-- Create migration with error
START MIGRATION WITH DESCRIPTION "Add user ratings"
    UPDATE BUNDLE "Users"
    ADD FIELD {"rating", INTEGER, true, false};

    -- Error: NonexistentBundle doesn't exist
    UPDATE BUNDLE "NonexistentBundle"
    ADD FIELD {"test", STRING, false, false};
COMMIT

-- Validate migration: overallResult FAIL,
-- semanticPhase error "Bundle 'NonexistentBundle' does not exist"
VALIDATE MIGRATION WITH VERSION 7;

-- Cannot apply - must fix migration first: drop it, so version 7 is free again
DROP MIGRATION WITH VERSION 7;
