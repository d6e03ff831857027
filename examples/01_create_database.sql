-- Examples of the migration system (seed 003), replayed in order on an empty server.
-- 01: the database every later script works in.
CREATE DATABASE "production";
USE "production";
