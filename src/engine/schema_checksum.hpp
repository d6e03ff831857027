#pragma once
// The schema checksum of SPEC §4.10: SHA-256 (hex) of a database's canonical schema text —
// bundles by name, each with its fields and its relationships by name,
// then indexes by name; internal ids, counters, settings and documents excluded. So two
// databases with the same schema have the same checksum whatever their history.
//
// A published schema never changes, so its checksum is computed once (seal_checksum); copies
// start unsealed (catalog.hpp SealedChecksum).
// schema_drift(): true when the live schema no longer matches the checksum recorded by the
// last APPLY / APPLY ROLLBACK (an empty record counts as the empty schema's checksum).
// Thread-safety: pure functions.

#include <memory>
#include <string>
#include <unordered_map>

#include "engine/catalog.hpp"

namespace strata::engine {

// `fields_by_name` false keeps each bundle's fields in declaration order (the recorded schema
// of recorded_schema.hpp, which must give back field positions); the checksum sorts them.
std::string canonical_schema_text(const DatabaseSchema& schema, bool fields_by_name = true);

// The pieces of the canonical text (recorded_schema.cpp writes single bundles and indexes):
// bundle names by id, one element of "bundles" ({"name","fields","relationships"}) and one of
// "indexes" ([name,kind,bundle,fields,unique,implicit]).
class BundleNames {
 public:
  explicit BundleNames(const DatabaseSchema& schema);
  const std::string& operator()(uint32_t id) const;  // "" for an unknown id

 private:
  std::unordered_map<uint32_t, const std::string*> name_of_;
};
void append_canonical_bundle(std::string* out, const Bundle& bundle, const BundleNames& names,
                             bool fields_by_name);
void append_canonical_index(std::string* out, const IndexDef& index, const BundleNames& names);
// O(1) on a sealed schema, else O(size of the schema).
std::string schema_checksum(const DatabaseSchema& schema);
bool schema_drift(const DatabaseSchema& schema);
// Computes and keeps the checksum of a schema about to be published read-only (so SHOW
// MIGRATIONS' schemaDrift, START's and VALIDATE's drift checks do not rebuild its canonical
// text), or keeps `known` when the caller has just computed it for this very schema.
void seal_checksum(DatabaseSchema& schema, std::string known = "");
// `schema` sealed, as the engine publishes it.
std::shared_ptr<const DatabaseSchema> sealed_schema(DatabaseSchema schema);

}  // namespace strata::engine
