-- 10: Performance Warning Example and Force Application (version 7).
-- The seed imports 500 records; 30 are enough to show the shape.
USE "production";

-- Create migration with many commands
START MIGRATION WITH DESCRIPTION "Import 30 seed records"
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p001", "name": "Product 1", "price": 42.25}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p002", "name": "Product 2", "price": 79.5}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p003", "name": "Product 3", "price": 116.75}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p004", "name": "Product 4", "price": 153.0}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p005", "name": "Product 5", "price": 190.25}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p006", "name": "Product 6", "price": 27.5}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p007", "name": "Product 7", "price": 64.75}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p008", "name": "Product 8", "price": 101.0}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p009", "name": "Product 9", "price": 138.25}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p010", "name": "Product 10", "price": 175.5}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p011", "name": "Product 11", "price": 12.75}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p012", "name": "Product 12", "price": 49.0}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p013", "name": "Product 13", "price": 86.25}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p014", "name": "Product 14", "price": 123.5}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p015", "name": "Product 15", "price": 160.75}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p016", "name": "Product 16", "price": 197.0}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p017", "name": "Product 17", "price": 34.25}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p018", "name": "Product 18", "price": 71.5}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p019", "name": "Product 19", "price": 108.75}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p020", "name": "Product 20", "price": 145.0}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p021", "name": "Product 21", "price": 182.25}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p022", "name": "Product 22", "price": 19.5}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p023", "name": "Product 23", "price": 56.75}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p024", "name": "Product 24", "price": 93.0}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p025", "name": "Product 25", "price": 130.25}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p026", "name": "Product 26", "price": 167.5}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p027", "name": "Product 27", "price": 204.75}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p028", "name": "Product 28", "price": 41.0}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p029", "name": "Product 29", "price": 78.25}
    );
    ADD DOCUMENT TO BUNDLE "Products" WITH VALUES (
        {"id": "p030", "name": "Product 30", "price": 115.5}
    );
COMMIT

-- Validate migration: warnings, if any, are in the performance phase
VALIDATE MIGRATION WITH VERSION 7;

-- Can apply with FORCE if performance is acceptable
APPLY MIGRATION WITH VERSION 7 FORCE;

SELECT COUNT FROM "Products";
SELECT DOCUMENTS FROM "Products" WHERE price > 100 AND NOT id == "p001" ORDER BY price DESC LIMIT 5;
