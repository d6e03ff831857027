#include "engine/schema_diff.hpp"

#include <map>

namespace strata::engine {

namespace {

using Kind = SchemaDifference::Kind;

std::string quoted(const std::string& s) { return "'" + s + "'"; }

std::string field_text(const Field& f) {
  std::string out = parser::type_name(f.type);
  if (f.required) out += " required";
  if (f.unique) out += " unique";
  if (!f.default_value.is_null()) out += " default " + f.default_value.dump();
  return out;
}

std::string index_text(const DatabaseSchema& s, const IndexDef& i) {
  const Bundle* b = s.bundle_by_id(i.bundle_id);
  return std::string(kind_name(i.kind)) + (i.unique ? " unique" : "") + " on " +
         (b ? b->name : "?") + " " + Json(i.fields).dump();
}

std::string relationship_text(const DatabaseSchema& s, const Relationship& r) {
  const Bundle* to = s.bundle_by_id(r.to_bundle);
  std::string out = "to " + (to ? to->name : std::string("?"));
  if (!r.cardinality.empty()) out += " " + r.cardinality;
  if (!r.from_field.empty() || !r.to_field.empty()) out += " (" + r.from_field + " -> " + r.to_field + ")";
  return out;
}

// Compares two maps name -> text: added / removed / changed entries of one kind of object.
void compare(const std::map<std::string, std::string>& expected,
             const std::map<std::string, std::string>& actual, const std::string& what,
             std::vector<SchemaDifference>* out) {
  for (const auto& [name, text] : expected) {
    auto it = actual.find(name);
    if (it == actual.end()) {
      out->push_back({Kind::kRemoved, what + " " + quoted(name), ""});
    } else if (it->second != text) {
      out->push_back({Kind::kChanged, what + " " + quoted(name), text + " -> " + it->second});
    }
  }
  for (const auto& [name, text] : actual) {
    if (!expected.count(name)) out->push_back({Kind::kAdded, what + " " + quoted(name), ""});
  }
}

void compare_fields(const Bundle& e, const Bundle& a, std::vector<SchemaDifference>* out) {
  std::map<std::string, std::string> ef, af;
  for (const auto& f : e.fields) ef[e.name + "." + f.name] = field_text(f);
  for (const auto& f : a.fields) af[a.name + "." + f.name] = field_text(f);
  compare(ef, af, "field", out);
  // The place of each field both have, relative to the other fields both have.
  std::vector<std::string> eo, ao;
  for (const auto& f : e.fields)
    if (a.field(f.name)) eo.push_back(f.name);
  for (const auto& f : a.fields)
    if (e.field(f.name)) ao.push_back(f.name);
  for (size_t i = 0; i < eo.size(); ++i) {
    if (eo[i] == ao[i]) continue;
    for (size_t j = 0; j < ao.size(); ++j) {
      if (ao[j] != eo[i]) continue;
      out->push_back({Kind::kChanged, "field " + quoted(e.name + "." + eo[i]),
                      "position " + std::to_string(i + 1) + " -> " + std::to_string(j + 1)});
    }
  }
}

}  // namespace

std::vector<SchemaDifference> schema_diff(const DatabaseSchema& expected,
                                          const DatabaseSchema& actual) {
  std::vector<SchemaDifference> out;
  std::map<std::string, const Bundle*> eb, ab;
  for (const auto& b : expected.bundles) eb[b.name] = &b;
  for (const auto& b : actual.bundles) ab[b.name] = &b;
  for (const auto& [name, b] : eb) {
    if (!ab.count(name)) out.push_back({Kind::kRemoved, "bundle " + quoted(name), ""});
  }
  for (const auto& [name, b] : ab) {
    if (!eb.count(name)) out.push_back({Kind::kAdded, "bundle " + quoted(name), ""});
  }
  std::map<std::string, std::string> er, ar;
  for (const auto& [name, e] : eb) {
    auto it = ab.find(name);
    if (it == ab.end()) continue;
    compare_fields(*e, *it->second, &out);
    for (const auto& r : e->relationships) er[name + "." + r.name] = relationship_text(expected, r);
    for (const auto& r : it->second->relationships)
      ar[name + "." + r.name] = relationship_text(actual, r);
  }
  compare(er, ar, "relationship", &out);
  std::map<std::string, std::string> ei, ai;
  for (const auto& i : expected.indexes)
    if (!i.implicit) ei[i.name] = index_text(expected, i);
  for (const auto& i : actual.indexes)
    if (!i.implicit) ai[i.name] = index_text(actual, i);
  compare(ei, ai, "index", &out);
  return out;
}

std::string describe(const SchemaDifference& d) {
  switch (d.kind) {
    case Kind::kAdded:
      return d.object + " added";
    case Kind::kRemoved:
      return d.object + " removed";
    case Kind::kChanged:
      return d.object + " changed: " + d.detail;
  }
  return d.object;
}

}  // namespace strata::engine
