// prepare_flat_document (documents.hpp), the route a large migration's flat ADD DOCUMENTs take
// at VALIDATE and APPLY: whenever it prepares a document, the result is byte for byte what the
// general route (prepare_document over the parsed values) makes — stored bytes and every index
// key — and it declines whatever needs completing or is refused, leaving the general route to
// decide. Random bundles (every field type, required fields, defaults), random indexes
// (unique or not, several fields) and random flat documents against a model: the general route.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "engine/binder.hpp"
#include "engine/documents.hpp"
#include "engine/schema_change.hpp"
#include "parser/fast_add_document.hpp"
#include "parser/parser.hpp"

using namespace strata;
using namespace strata::engine;

namespace {

// Applies a schema command; false (nothing changed) when the schema refuses it.
bool change(DatabaseSchema* s, const std::string& text) {
  auto r = parser::parse(text);
  INFO(text);
  REQUIRE(r.ok());
  auto command = bind_command(*s, r.script().front());
  if (!command.ok()) return false;
  schema_change::apply(s, *command);
  return true;
}

const char* const kTypes[] = {"STRING", "TEXT", "INT", "FLOAT", "BOOLEAN", "DATETIME", "JSON"};

// A literal a flat document may hold, of every kind the scanner reads, typed or not.
std::string random_value(std::mt19937& rng) {
  switch (rng() % 12) {
    case 0: return "\"2026-01-0" + std::to_string(1 + rng() % 9) + "T10:00:00Z\"";
    case 1: return "\"2026-02-30T10:00:00Z\"";  // not a date
    case 2: return "\"ab c\"";
    case 3: return "\"\"";
    case 4: return std::to_string(static_cast<int>(rng() % 2000) - 1000);
    case 5: return "999999999999999999";
    case 6: return "-999999999999999999";
    case 7: return rng() % 2 ? "TRUE" : "false";
    case 8: return "NULL";
    case 9: return "0";
    case 10: return "\"x" + std::to_string(rng() % 5) + "\"";
    default: return std::to_string(rng() % 100);
  }
}

struct Case {
  DatabaseSchema schema;
  std::vector<std::string> fields;
};

Case random_schema(std::mt19937& rng) {
  Case c;
  const size_t n = 1 + rng() % 5;
  std::string create = "CREATE BUNDLE \"b\" WITH FIELDS (";
  for (size_t i = 0; i < n; ++i) {
    const std::string name = "f" + std::to_string(i);
    c.fields.push_back(name);
    const char* type = kTypes[rng() % 7];
    const bool required = rng() % 4 == 0;
    std::string def;
    if (rng() % 5 == 0) {
      const std::string t = type;
      def = t == "INT" || t == "FLOAT"  ? ", 7"
            : t == "BOOLEAN"            ? ", TRUE"
            : t == "DATETIME"           ? ", \"2026-01-01T00:00:00Z\""
                                        : ", \"d\"";
    }
    create += std::string(i ? ", " : "") + "{\"" + name + "\", " + type + ", " +
              (required ? "true" : "false") + ", false" + def + "}";
  }
  REQUIRE(change(&c.schema, create + ")"));
  const size_t indexes = rng() % 4;
  for (size_t i = 0; i < indexes; ++i) {
    std::string fields;
    const size_t k = 1 + rng() % 2;
    for (size_t j = 0; j < k; ++j) {
      fields += std::string(j ? ", " : "") + "\"" + c.fields[rng() % n] + "\"";
    }
    // Some are refused (an index over a JSON field, a field named twice): skipped.
    (void)change(&c.schema, std::string("CREATE ") + (rng() % 2 ? "UNIQUE " : "") + "INDEX \"i" +
                          std::to_string(i) + "\" " + (rng() % 2 ? "HASH" : "BTREE") +
                          " ON BUNDLE \"b\" WITH FIELDS (" + fields + ")");
  }
  return c;
}

}  // namespace

TEST_CASE("flat documents: prepared exactly as the general route prepares them, or declined") {
  std::mt19937 rng(2026);
  size_t flat = 0, declined = 0, refused = 0;
  for (int round = 0; round < 400; ++round) {
    Case c = random_schema(rng);
    const Bundle& bundle = *c.schema.bundle("b");
    for (int d = 0; d < 40; ++d) {
      std::vector<std::string> keys = c.fields;
      if (rng() % 6 == 0) keys.push_back("undeclared");
      std::shuffle(keys.begin(), keys.end(), rng);
      keys.resize(rng() % (keys.size() + 1));
      std::string text = "ADD DOCUMENT TO BUNDLE \"b\" WITH VALUES ({";
      for (size_t i = 0; i < keys.size(); ++i) {
        text += std::string(i ? ", " : "") + "\"" + keys[i] + "\": " + random_value(rng);
      }
      text += "})";
      auto scanned = parser::scan_add_document_text(text.data(), text.data() + text.size());
      REQUIRE(scanned.has_value());
      auto fast = prepare_flat_document(c.schema, bundle, scanned->members, scanned->values);
      auto parsed = parser::parse(text);
      REQUIRE(parsed.ok());
      auto& add = std::get<ast::AddDocument>(parsed.script().front());
      auto general = prepare_document(c.schema, bundle, std::move(add.values));
      if (!general.ok()) ++refused;
      if (!fast) {
        ++declined;
        continue;
      }
      ++flat;
      INFO(text);
      REQUIRE(general.ok());
      CHECK(fast->bytes == general->bytes);
      REQUIRE(fast->index_keys.size() == general->index_keys.size());
      for (size_t i = 0; i < fast->index_keys.size(); ++i) {
        CHECK(fast->index_keys[i].index_id == general->index_keys[i].index_id);
        CHECK(fast->index_keys[i].key == general->index_keys[i].key);
        CHECK(fast->index_keys[i].needs_seq == general->index_keys[i].needs_seq);
      }
    }
  }
  // Neither route is vacuous: many documents go the flat way, every refusal is declined.
  CHECK(flat > 2000);
  CHECK(declined >= refused);
  CHECK(refused > 500);
}

TEST_CASE("flat documents: what needs completing or is wrong is left to the general route") {
  DatabaseSchema s;
  REQUIRE(change(&s, "CREATE BUNDLE \"b\" WITH FIELDS ({\"id\", STRING, true, true}, "
             "{\"n\", INT, false, false, 5}, {\"at\", DATETIME, false, false}, "
             "{\"ok\", BOOLEAN, false, false})"));
  const Bundle& b = *s.bundle("b");
  auto declines = [&](const std::string& values) {
    const std::string text = "ADD DOCUMENT TO BUNDLE \"b\" WITH VALUES (" + values + ")";
    auto scanned = parser::scan_add_document_text(text.data(), text.data() + text.size());
    REQUIRE(scanned.has_value());
    return !prepare_flat_document(s, b, scanned->members, scanned->values).has_value();
  };
  CHECK_FALSE(declines("{\"id\":\"a\",\"n\":1}"));
  CHECK(declines("{\"n\":1}"));                                    // required id missing
  CHECK(declines("{\"id\":\"a\"}"));                               // n takes its default
  CHECK(declines("{\"id\":\"a\",\"n\":null}"));                    // null is dropped
  CHECK(declines("{\"id\":\"a\",\"n\":1,\"x\":1}"));               // undeclared
  CHECK(declines("{\"id\":\"a\",\"n\":1,\"DocumentID\":\"d\"}"));  // assigned by the server
  CHECK(declines("{\"id\":1,\"n\":1}"));                           // type mismatch
  CHECK(declines("{\"id\":\"a\",\"n\":1,\"at\":\"yesterday\"}"));  // not a date-time
  CHECK(declines("{\"id\":\"a\",\"n\":1,\"ok\":1}"));
  CHECK_FALSE(declines("{\"id\":\"a\",\"n\":-3,\"at\":\"2026-12-06T01:02:03Z\",\"ok\":TRUE}"));
}
