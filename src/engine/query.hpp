#pragma once
// WHERE evaluation and query planning (SPEC §3.3).
//
// Comparison semantics: numbers compare numerically (INT and FLOAT alike), strings bytewise,
// booleans false < true; arrays/objects only by equality. Comparing values of different
// types is false, except `!=` which is then true. A missing field is null: `f == null` holds
// for missing values, `f != null` for present ones, and an ordering comparison with null is
// false. `DocumentID` is a field holding the id string.
//
// Planning: `DocumentID == "id"` is a point read; an equality on the leading field of any
// index (hash or btree, composite included) is an index probe; a range (<, <=, >, >=) on the
// leading field of a BTREE index is an index range; ORDER BY a field with a single-field
// BTREE index is an ordered index scan; otherwise the bundle's documents are scanned. Each
// candidate document is re-checked against the whole WHERE clause, so a plan only ever has
// to produce a superset. Results come in DocumentID order unless ORDER BY says otherwise
// (ties then in DocumentID order; DESC is the exact reverse of ASC).
// Thread-safety: pure functions over a caller-owned Reader.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "engine/catalog.hpp"
#include "engine/interrupt.hpp"
#include "engine/reader.hpp"
#include "parser/ast.hpp"

namespace strata::engine {

// `a op b` with the semantics above (a: a document's value, null when missing).
bool compare_values(const Json& a, ast::CompareOp op, const Json& b);
// Evaluates a condition on a stored document.
bool matches(const ast::Condition& cond, const Json& doc, uint64_t seq);

struct QueryPlan {
  enum class Kind { kScan, kDocumentId, kIndexEquality, kIndexRange, kIndexOrder };
  Kind kind = Kind::kScan;
  const IndexDef* index = nullptr;
  std::optional<uint64_t> doc_seq;              // kDocumentId (nullopt: the id can match nothing)
  Json equal_value;                             // kIndexEquality
  std::optional<ast::Comparison> lower, upper;  // kIndexRange
  bool provides_order = false;                  // results already come in ORDER BY order
  // "scan", "DocumentID", "index <name> (equality)" ... for diagnostics and tests.
  std::string describe() const;
};

struct QueryOptions {
  bool use_indexes = true;  // false: always scan (benchmarks, model tests)
  // Checked every 256 candidate documents: a cancelled or timed-out statement stops with
  // CANCELLED / TIMEOUT (interrupt.hpp). Null: never.
  const Interrupt* interrupt = nullptr;
};

QueryPlan plan_query(const DatabaseSchema& schema, const Bundle& bundle,
                     const ast::Condition* where, const std::optional<ast::OrderBy>& order,
                     const QueryOptions& options = {});

using DocumentSink = std::function<Result<bool>(uint64_t seq, Json& doc)>;  // false: stop

// Streams the documents that match `where`, in the order described above, to `sink` until it
// returns false. With ORDER BY and a plan that does not provide it, results are sorted (only
// the best `limit` are kept when a limit is given).
Status run_query(const Reader& reader, const DatabaseSchema& schema, const Bundle& bundle,
                 const ast::Condition* where, const std::optional<ast::OrderBy>& order,
                 std::optional<uint64_t> limit, const QueryOptions& options,
                 const DocumentSink& sink);

// The sequences of matching documents, in DocumentID order (UPDATE / DELETE DOCUMENTS).
Result<std::vector<uint64_t>> matching_documents(const Reader& reader, const DatabaseSchema& schema,
                                                 const Bundle& bundle, const ast::Condition* where,
                                                 const QueryOptions& options = {});

}  // namespace strata::engine
