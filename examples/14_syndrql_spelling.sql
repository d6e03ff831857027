-- 14: the SyndrQL spelling of SPEC §3 (what SyndrDB's own drivers send); it parses to the
-- same statements as the seed form.
USE "production";

START MIGRATION WITH DESCRIPTION "SyndrQL spelling"
    CREATE BUNDLE "Authors" WITH FIELDS (
        {"id", "STRING", TRUE, TRUE, NULL},
        {"name", "STRING", TRUE, FALSE, NULL},
        {"score", "INT", FALSE, FALSE, 0}
    );

    CREATE BUNDLE "Books" WITH FIELDS (
        {"id", "STRING", TRUE, TRUE, NULL},
        {"author_id", "STRING", TRUE, FALSE, NULL},
        {"title", "STRING", TRUE, FALSE, NULL}
    );

    UPDATE BUNDLE "Authors" SET (
        {ADD "bio" = "bio", "TEXT", FALSE, FALSE, NULL},
        {MODIFY "score" = "rank", "INT", FALSE, FALSE, 0}
    );

    UPDATE BUNDLE "Authors" ADD RELATIONSHIP ( "author_books" {"1toMany", "Authors", "id", "Books", "author_id"} );

    CREATE HASH INDEX "books_by_author" ON BUNDLE "Books" WITH FIELDS ("author_id");
    CREATE B-INDEX "authors_by_name" ON BUNDLE "Authors" WITH FIELDS ({"name", TRUE, FALSE});

    ADD DOCUMENT TO BUNDLE "Authors" WITH ( {"id" = "a1"}, {"name" = "Ursula"}, {"rank" = 1} );
COMMIT

APPLY MIGRATION WITH VERSION 9;
STATUS;
