// SyndrDB's own Node driver against a real server (SPEC §5.1, §6): the driver connects with
// its connection string, then its schema manager reads SHOW BUNDLES as
//   response.ExecutionTimeMS, response.Result[i].BundleMetadata.Name,
//   .DocumentStructure.FieldDefinitions[name].{Name,Type,Required,Unique,DefaultValue},
//   .Indexes[name].IndexType ('hash' | 'btree') with .HashIndexField / .BTreeIndexField
//   .FieldName, and .Relationships[name].ToBundle
// (src/node/src/schema/SchemaManager.ts, parseServerSchema). This test walks the answer the
// same way, with the same key names and types, and checks every value.
#include <catch2/catch.hpp>
#include <map>

#include "common/json.hpp"
#include "common/status.hpp"
#include "server/server_process.hpp"
#include "server/test_client.hpp"

using namespace strata;
using namespace strata::server::testing;

namespace {

struct DriverField {
  std::string type;
  bool required, unique;
  Json default_value;
};
struct DriverBundle {
  std::map<std::string, DriverField> fields;
  std::map<std::string, std::pair<std::string, std::string>> indexes;  // field -> (type, name)
  std::map<std::string, std::string> relationships;                    // name -> ToBundle
};

// parseServerSchema, in C++: REQUIREs the keys and types the driver relies on.
std::map<std::string, DriverBundle> parse_server_schema(const Json& response) {
  REQUIRE(response["ExecutionTimeMS"].is_number());
  REQUIRE(response["ResultCount"].is_number_unsigned());
  std::map<std::string, DriverBundle> bundles;
  for (const Json& item : response.at("Result")) {
    const Json& metadata = item.at("BundleMetadata");
    DriverBundle bundle;
    for (const auto& [name, def] : metadata.at("DocumentStructure").at("FieldDefinitions").items()) {
      REQUIRE(def.at("Name") == name);
      REQUIRE(def.at("Type").is_string());
      REQUIRE(def.at("Required").is_boolean());
      REQUIRE(def.at("Unique").is_boolean());
      REQUIRE(def.contains("DefaultValue"));
      bundle.fields[name] = {def["Type"], def["Required"], def["Unique"], def["DefaultValue"]};
    }
    for (const auto& [name, rel] : metadata.at("Relationships").items()) {
      bundle.relationships[name] = rel.value("ToBundle", "");
    }
    for (const auto& [name, index] : metadata.at("Indexes").items()) {
      REQUIRE(index.at("IndexName") == name);
      const std::string type = index.at("IndexType");
      const char* key = type == "hash" ? "HashIndexField" : "BTreeIndexField";
      REQUIRE((type == "hash" || type == "btree"));
      REQUIRE(index.at(key).at("FieldName").is_string());
      REQUIRE(index.at(key).at("IsUnique").is_boolean());
      bundle.indexes[index[key]["FieldName"]] = {type, name};
    }
    bundles[metadata.at("Name")] = std::move(bundle);
  }
  return bundles;
}

Json ask(TestClient& client, const std::string& statement) {
  REQUIRE(client.send(statement + "\x04"));
  std::optional<std::string> line = client.read_line();
  REQUIRE(line);
  Json response = Json::parse(*line, nullptr, false);
  INFO(*line);
  REQUIRE(response.value("success", false));
  return response;
}

}  // namespace

TEST_CASE("driver: SyndrDB's schema manager reads SHOW BUNDLES unmodified") {
  ServerProcess server;
  REQUIRE(server.port() != 0);
  TestClient driver(server.port());
  REQUIRE(driver.send("syndrdb://127.0.0.1:" + std::to_string(server.port()) +
                      ":main:admin:admin-pw\x04"));
  const auto hello = driver.read_lines(2);
  REQUIRE(hello.size() == 2);
  CHECK(hello[0].find("S0001") != std::string::npos);
  ask(driver,
      "START MIGRATION WITH DESCRIPTION \"driver\"\n"
      "  CREATE BUNDLE \"Users\" WITH FIELDS ({\"email\", STRING, true, true}, "
      "{\"age\", INT, false, false}, {\"nick\", STRING, false, false, \"anon\"});\n"
      "  CREATE BUNDLE \"UserProfiles\" WITH FIELDS ({\"user_email\", STRING, true, false});\n"
      "  CREATE INDEX BTREE ON BUNDLE \"Users\" WITH FIELD \"age\";\n"
      "  UPDATE BUNDLE \"Users\" ADD RELATIONSHIP ( \"user_profile\" {\"1toMany\", \"Users\", "
      "\"email\", \"UserProfiles\", \"user_email\"} )\n"
      "COMMIT");
  ask(driver, "APPLY MIGRATION WITH VERSION 1");

  const auto schema = parse_server_schema(ask(driver, "SHOW BUNDLES FOR \"main\""));
  REQUIRE(schema.size() == 2);
  const DriverBundle& users = schema.at("Users");
  CHECK(users.fields.at("email").type == "STRING");
  CHECK(users.fields.at("email").required);
  CHECK(users.fields.at("email").unique);
  CHECK(users.fields.at("email").default_value.is_null());
  CHECK(users.fields.at("age").type == "INT");
  CHECK_FALSE(users.fields.at("age").required);
  CHECK(users.fields.at("nick").default_value == "anon");
  CHECK(users.indexes.at("email") ==
        std::pair<std::string, std::string>{"hash", "Users_email_unique"});
  CHECK(users.indexes.at("age") == std::pair<std::string, std::string>{"btree", "Users_age_btree"});
  CHECK(users.relationships.at("user_profile") == "UserProfiles");
  CHECK(schema.at("UserProfiles").fields.size() == 1);
  CHECK(schema.at("UserProfiles").indexes.empty());

  // DESCRIBE BUNDLE carries the same BundleMetadata.
  const Json described = ask(driver, "DESCRIBE BUNDLE \"Users\"");
  CHECK(described["bundle"]["BundleMetadata"] ==
        ask(driver, "SHOW BUNDLES")["Result"][0]["BundleMetadata"]);

  // Every response that carries Result also carries ExecutionTimeMS.
  for (const char* statement : {"SHOW DATABASES", "SHOW INDEXES", "SHOW INDEXES ON BUNDLE \"Users\"",
                                "SHOW USERS", "SELECT * FROM \"Users\"", "SHOW BUNDLES"}) {
    INFO(statement);
    const Json response = ask(driver, statement);
    CHECK(response.contains("Result"));
    CHECK(response["ExecutionTimeMS"].is_number());
  }
}
