#include "engine/schema_checksum.hpp"

#include <algorithm>
#include <unordered_map>

#include "common/sha256.hpp"

namespace strata::engine {

namespace {

// Appends `s` JSON-quoted (the canonical text is a JSON document built by hand: no
// intermediate JSON objects, since it is computed after every APPLY over the whole schema).
void quoted(std::string* out, const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) {
      *out += Json(s).dump();  // escapes (and UTF-8) exactly as JSON does
      return;
    }
  }
  *out += '"';
  *out += s;
  *out += '"';
}

}  // namespace

std::string canonical_schema_text(const DatabaseSchema& schema, bool fields_by_name) {
  std::vector<const Bundle*> bundles;
  // Bundle names by id, built once (relationship targets and index bundles are looked up per
  // object: a linear bundle_by_id would make this quadratic in the catalog size).
  std::unordered_map<uint32_t, const std::string*> name_of;
  name_of.reserve(schema.bundles.size());
  for (const auto& b : schema.bundles) {
    bundles.push_back(&b);
    name_of.emplace(b.id, &b.name);
  }
  static const std::string kNoName;
  auto bundle_name = [&](uint32_t id) -> const std::string& {
    auto it = name_of.find(id);
    return it == name_of.end() ? kNoName : *it->second;
  };
  std::sort(bundles.begin(), bundles.end(),
            [](const Bundle* a, const Bundle* b) { return a->name < b->name; });
  std::string out = "{\"bundles\":[";
  for (size_t bi = 0; bi < bundles.size(); ++bi) {
    const Bundle* b = bundles[bi];
    // Fields by name: a rollback re-adds a removed field at the end, and the schema it
    // restores is the same schema.
    std::vector<const Field*> fields;
    for (const auto& f : b->fields) fields.push_back(&f);
    if (fields_by_name) {
      std::sort(fields.begin(), fields.end(),
                [](const Field* x, const Field* y) { return x->name < y->name; });
    }
    if (bi) out += ',';
    out += "{\"name\":";
    quoted(&out, b->name);
    out += ",\"fields\":[";
    for (size_t i = 0; i < fields.size(); ++i) {
      const Field& f = *fields[i];
      out += i ? ",[" : "[";
      quoted(&out, f.name);
      out += ",\"";
      out += parser::type_name(f.type);
      out += f.required ? "\",true" : "\",false";
      out += f.unique ? ",true," : ",false,";
      out += f.default_value.dump();
      out += ']';
    }
    out += "],\"relationships\":[";
    std::vector<const Relationship*> rels;
    for (const auto& r : b->relationships) rels.push_back(&r);
    std::sort(rels.begin(), rels.end(),
              [](const Relationship* x, const Relationship* y) { return x->name < y->name; });
    for (size_t i = 0; i < rels.size(); ++i) {
      const Relationship* r = rels[i];
      out += i ? ",[" : "[";
      quoted(&out, r->name);
      out += ',';
      quoted(&out, bundle_name(r->to_bundle));
      for (const std::string* part : {&r->cardinality, &r->from_field, &r->to_field}) {
        out += ',';
        quoted(&out, *part);
      }
      out += ']';
    }
    out += "]}";
  }
  out += "],\"indexes\":[";
  std::vector<const IndexDef*> idx;
  for (const auto& i : schema.indexes) idx.push_back(&i);
  std::sort(idx.begin(), idx.end(),
            [](const IndexDef* a, const IndexDef* b) { return a->name < b->name; });
  for (size_t n = 0; n < idx.size(); ++n) {
    const IndexDef* i = idx[n];
    out += n ? ",[" : "[";
    quoted(&out, i->name);
    out += ",\"";
    out += kind_name(i->kind);
    out += "\",";
    quoted(&out, bundle_name(i->bundle_id));
    out += ',';
    out += Json(i->fields).dump();
    out += i->unique ? ",true" : ",false";
    out += i->implicit ? ",true]" : ",false]";
  }
  out += "]}";
  return out;
}

std::string schema_checksum(const DatabaseSchema& schema) {
  return sha256_hex(canonical_schema_text(schema));
}

bool schema_drift(const DatabaseSchema& schema) {
  const std::string live = schema_checksum(schema);
  if (schema.schema_checksum.empty()) return live != schema_checksum(DatabaseSchema{});
  return live != schema.schema_checksum;
}

}  // namespace strata::engine
