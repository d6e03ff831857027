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

BundleNames::BundleNames(const DatabaseSchema& schema) {
  name_of_.reserve(schema.bundles.size());
  for (const auto& b : schema.bundles) name_of_.emplace(b.id, &b.name);
}

const std::string& BundleNames::operator()(uint32_t id) const {
  static const std::string kNoName;
  auto it = name_of_.find(id);
  return it == name_of_.end() ? kNoName : *it->second;
}

void append_canonical_bundle(std::string* out, const Bundle& b, const BundleNames& names,
                             bool fields_by_name) {
  // Fields by name: a rollback re-adds a removed field at the end, and the schema it
  // restores is the same schema.
  std::vector<const Field*> fields;
  fields.reserve(b.fields.size());
  for (const auto& f : b.fields) fields.push_back(&f);
  if (fields_by_name && !std::is_sorted(fields.begin(), fields.end(), [](const Field* x,
                                                                         const Field* y) {
        return x->name < y->name;
      })) {
    std::sort(fields.begin(), fields.end(),
              [](const Field* x, const Field* y) { return x->name < y->name; });
  }
  *out += "{\"name\":";
  quoted(out, b.name);
  *out += ",\"fields\":[";
  for (size_t i = 0; i < fields.size(); ++i) {
    const Field& f = *fields[i];
    *out += i ? ",[" : "[";
    quoted(out, f.name);
    *out += ",\"";
    *out += parser::type_name(f.type);
    *out += f.required ? "\",true" : "\",false";
    *out += f.unique ? ",true," : ",false,";
    if (f.default_value.is_null()) {
      *out += "null";
    } else {
      *out += f.default_value.dump();
    }
    *out += ']';
  }
  *out += "],\"relationships\":[";
  if (b.relationships.empty()) {
    *out += "]}";
    return;
  }
  std::vector<const Relationship*> rels;
  for (const auto& r : b.relationships) rels.push_back(&r);
  std::sort(rels.begin(), rels.end(),
            [](const Relationship* x, const Relationship* y) { return x->name < y->name; });
  for (size_t i = 0; i < rels.size(); ++i) {
    const Relationship* r = rels[i];
    *out += i ? ",[" : "[";
    quoted(out, r->name);
    *out += ',';
    quoted(out, names(r->to_bundle));
    for (const std::string* part : {&r->cardinality, &r->from_field, &r->to_field}) {
      *out += ',';
      quoted(out, *part);
    }
    *out += ']';
  }
  *out += "]}";
}

void append_canonical_index(std::string* out, const IndexDef& i, const BundleNames& names) {
  *out += '[';
  quoted(out, i.name);
  *out += ",\"";
  *out += kind_name(i.kind);
  *out += "\",";
  quoted(out, names(i.bundle_id));
  *out += ',';
  *out += Json(i.fields).dump();
  *out += i.unique ? ",true" : ",false";
  *out += i.implicit ? ",true]" : ",false]";
}

std::string canonical_schema_text(const DatabaseSchema& schema, bool fields_by_name) {
  // Bundle names by id, built once (relationship targets and index bundles are looked up per
  // object: a linear bundle_by_id would make this quadratic in the catalog size).
  const BundleNames names(schema);
  std::vector<const Bundle*> bundles;
  for (const auto& b : schema.bundles) bundles.push_back(&b);
  std::sort(bundles.begin(), bundles.end(),
            [](const Bundle* a, const Bundle* b) { return a->name < b->name; });
  std::string out = "{\"bundles\":[";
  for (size_t bi = 0; bi < bundles.size(); ++bi) {
    if (bi) out += ',';
    append_canonical_bundle(&out, *bundles[bi], names, fields_by_name);
  }
  out += "],\"indexes\":[";
  std::vector<const IndexDef*> idx;
  for (const auto& i : schema.indexes) idx.push_back(&i);
  std::sort(idx.begin(), idx.end(),
            [](const IndexDef* a, const IndexDef* b) { return a->name < b->name; });
  for (size_t n = 0; n < idx.size(); ++n) {
    if (n) out += ',';
    append_canonical_index(&out, *idx[n], names);
  }
  out += "]}";
  return out;
}

std::string schema_checksum(const DatabaseSchema& schema) {
  if (!schema.sealed.value().empty()) return schema.sealed.value();
  return sha256_hex(canonical_schema_text(schema));
}

void seal_checksum(DatabaseSchema& schema, std::string known) {
  schema.sealed.set(known.empty() ? schema_checksum(schema) : std::move(known));
}

std::shared_ptr<const DatabaseSchema> sealed_schema(DatabaseSchema schema) {
  seal_checksum(schema);
  return std::make_shared<const DatabaseSchema>(std::move(schema));
}

bool schema_drift(const DatabaseSchema& schema) {
  const std::string live = schema_checksum(schema);
  if (schema.schema_checksum.empty()) {
    static const std::string kEmpty = schema_checksum(DatabaseSchema{});
    return live != kEmpty;
  }
  return live != schema.schema_checksum;
}

}  // namespace strata::engine
