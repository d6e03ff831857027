-- 05: Migration Without Description (version 4).
USE "production";

-- Description is optional
START MIGRATION
    UPDATE BUNDLE "Users"
    ADD FIELD {"phone", STRING, false, false};
COMMIT

APPLY MIGRATION WITH VERSION 4;
