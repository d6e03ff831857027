// SPEC §4.12: SHOW MIGRATIONS [FOR "db"] [WHERE ...]. The answer depends only on the
// database's ledger and schema, so the gate asks show_migrations_text(), which keeps it
// serialized per database and commit generation (answer_cache.hpp): a request on an unchanged
// ledger costs a lookup, not 100 header reads, a JSON tree and its dump.
#include <strings.h>

#include "engine/exec_migration.hpp"
#include "engine/response.hpp"
#include "engine/schema_checksum.hpp"

namespace strata::engine {

namespace {

bool compare(ast::CompareOp op, int c) {
  switch (op) {
    case ast::CompareOp::kEq: return c == 0;
    case ast::CompareOp::kNe: return c != 0;
    case ast::CompareOp::kLt: return c < 0;
    case ast::CompareOp::kLe: return c <= 0;
    case ast::CompareOp::kGt: return c > 0;
    case ast::CompareOp::kGe: return c >= 0;
  }
  return false;
}

// SHOW MIGRATIONS ... WHERE: Status, Version, Name, Description, CreatedBy, Batch (§4.14).
Result<bool> matches(const MigrationRecord& r, const ast::MigrationFilter& f) {
  const std::string& field = f.field;
  const bool is_version = strcasecmp(field.c_str(), "Version") == 0;
  if (is_version || strcasecmp(field.c_str(), "Batch") == 0) {
    if (!f.value.is_number()) {
      return Status(Code::kInvalidValue, field + " must be compared with a number");
    }
    const double v = f.value.get<double>();
    const double mine = static_cast<double>(is_version ? r.version : r.batch);
    return compare(f.op, mine < v ? -1 : mine > v ? 1 : 0);
  }
  std::string mine;
  if (strcasecmp(field.c_str(), "Status") == 0) {
    mine = r.status;
  } else if (strcasecmp(field.c_str(), "Name") == 0) {
    mine = r.name.value_or("");
  } else if (strcasecmp(field.c_str(), "Description") == 0) {
    mine = r.description.value_or("");
  } else if (strcasecmp(field.c_str(), "CreatedBy") == 0) {
    mine = r.created_by;
  } else {
    return Status(Code::kInvalidValue, "Unknown migration field '" + field +
                                           "' (expected Status, Version, Name, Description, "
                                           "CreatedBy or Batch)");
  }
  if (f.op != ast::CompareOp::kEq && f.op != ast::CompareOp::kNe) {
    return Status(Code::kInvalidValue, field + " can only be compared with == or !=");
  }
  const std::string theirs = f.value.is_string() ? f.value.get<std::string>() : f.value.dump();
  const bool equal = strcasecmp(field.c_str(), "Status") == 0
                         ? strcasecmp(mine.c_str(), theirs.c_str()) == 0
                         : mine == theirs;
  return f.op == ast::CompareOp::kEq ? equal : !equal;
}

// The cache key of a statement: its filters exactly (the database is the cache's own; "" when
// there are none). nullopt when a filter value cannot be written exactly (invalid UTF-8): such
// a statement is answered without the cache.
std::optional<std::string> cache_key(const ast::ShowMigrations& x) {
  std::string key;
  try {
    for (const auto& f : x.filters) {
      key += std::to_string(f.field.size());
      key += ':';
      key += f.field;
      key += static_cast<char>('0' + static_cast<int>(f.op));
      key += f.value.dump();
      key += ';';
    }
  } catch (const Json::exception&) {
    return std::nullopt;
  }
  return key;
}

}  // namespace

Status exec_show_migrations(Engine& e, Session& s, const ast::ShowMigrations& x, Json* out) {
  const std::string db = x.database.value_or(s.database);
  auto view = e.read(db);
  if (!view.ok()) return view.status();
  auto records = load_records(*view->reader, view->schema->id);
  if (!records.ok()) return records.status();
  Json list = Json::array();
  for (const auto& r : *records) {
    bool keep = true;
    for (const auto& f : x.filters) {
      auto m = matches(r, f);
      if (!m.ok()) return m.status();
      keep = keep && *m;
    }
    if (keep) list.push_back(summary_json(r));
  }
  (*out)["database"] = db;
  (*out)["currentVersion"] = current_version(*records);
  (*out)["schemaDrift"] = schema_drift(*view->schema);
  (*out)["migrations"] = std::move(list);
  return Status::Ok();
}

Result<Answer::Text> show_migrations_text(Engine& e, Session& s, const ast::ShowMigrations& x) {
  auto build = [&]() -> Result<Answer::Text> {
    Json fields = Json::object();
    STRATA_RETURN_IF_ERROR(exec_show_migrations(e, s, x, &fields));
    return Answer::Text(std::make_shared<const std::string>(serialize(success(std::move(fields)))));
  };
  std::shared_ptr<AnswerCache> cache = e.answer_cache(x.database.value_or(s.database));
  std::optional<std::string> key = cache ? cache_key(x) : std::nullopt;
  if (!key) return build();  // no such database (build reports it), or an uncacheable filter
  return cache->get_or_build(std::move(*key), build);
}

Answer::Text cached_show_migrations(Engine& e, Session& s, const ast::ShowMigrations& x) {
  std::shared_ptr<AnswerCache> cache = e.answer_cache(x.database.value_or(s.database));
  if (!cache) return nullptr;
  std::optional<std::string> key = cache_key(x);
  return key ? cache->find(*key) : nullptr;
}

}  // namespace strata::engine
