#pragma once
// The schema checksum of SPEC §4.10: SHA-256 (hex) of a database's canonical schema text —
// bundles by name, each with its fields and its relationships by name,
// then indexes by name; internal ids, counters, settings and documents excluded. So two
// databases with the same schema have the same checksum whatever their history.
//
// schema_drift(): true when the live schema no longer matches the checksum recorded by the
// last APPLY / APPLY ROLLBACK (an empty record counts as the empty schema's checksum).
// Thread-safety: pure functions.

#include <string>

#include "engine/catalog.hpp"

namespace strata::engine {

// `fields_by_name` false keeps each bundle's fields in declaration order (the recorded schema
// of recorded_schema.hpp, which must give back field positions); the checksum sorts them.
std::string canonical_schema_text(const DatabaseSchema& schema, bool fields_by_name = true);
std::string schema_checksum(const DatabaseSchema& schema);
bool schema_drift(const DatabaseSchema& schema);

}  // namespace strata::engine
