#include "engine/query.hpp"

#include <algorithm>
#include <limits>

#include "engine/documents.hpp"
#include "engine/index.hpp"
#include "storage/keys.hpp"

namespace strata::engine {

namespace keys = storage::keys;
using ast::CompareOp;

namespace {

int type_class(const Json& v) {
  if (v.is_number()) return 1;
  if (v.is_string()) return 2;
  if (v.is_boolean()) return 3;
  if (v.is_array()) return 4;
  if (v.is_object()) return 5;
  return 0;
}

bool ordering_holds(int cmp, CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return cmp == 0;
    case CompareOp::kNe:
      return cmp != 0;
    case CompareOp::kLt:
      return cmp < 0;
    case CompareOp::kLe:
      return cmp <= 0;
    case CompareOp::kGt:
      return cmp > 0;
    case CompareOp::kGe:
      return cmp >= 0;
  }
  return false;
}

bool is_range(CompareOp op) { return op != CompareOp::kEq && op != CompareOp::kNe; }

void conjuncts(const ast::Condition& c, std::vector<const ast::Comparison*>* out) {
  if (c.kind == ast::Condition::Kind::kCompare) out->push_back(&c.compare);
  if (c.kind == ast::Condition::Kind::kAnd)
    for (const auto& child : c.children) conjuncts(child, out);
}

Json type_minimum(const Json& v) {
  if (v.is_number()) return -std::numeric_limits<double>::infinity();
  return "";
}

}  // namespace

bool compare_values(const Json& a, CompareOp op, const Json& b) {
  if (b.is_null() || a.is_null()) {
    if (op == CompareOp::kEq) return a.is_null() && b.is_null();
    if (op == CompareOp::kNe) return !(a.is_null() && b.is_null());
    return false;
  }
  int ta = type_class(a), tb = type_class(b);
  if (ta != tb) return op == CompareOp::kNe;
  switch (ta) {
    case 1:
      return ordering_holds(a < b ? -1 : (b < a ? 1 : 0), op);
    case 2: {
      const auto& sa = a.get_ref<const std::string&>();
      const auto& sb = b.get_ref<const std::string&>();
      return ordering_holds(sa.compare(sb), op);
    }
    case 3:
      return ordering_holds(static_cast<int>(a.get<bool>()) - static_cast<int>(b.get<bool>()), op);
    default:
      if (op == CompareOp::kEq) return a == b;
      if (op == CompareOp::kNe) return a != b;
      return false;
  }
}

bool matches(const ast::Condition& c, const Json& doc, uint64_t seq) {
  switch (c.kind) {
    case ast::Condition::Kind::kCompare:
      return compare_values(field_value(doc, seq, c.compare.field), c.compare.op, c.compare.value);
    case ast::Condition::Kind::kAnd:
      for (const auto& child : c.children)
        if (!matches(child, doc, seq)) return false;
      return true;
    case ast::Condition::Kind::kOr:
      for (const auto& child : c.children)
        if (matches(child, doc, seq)) return true;
      return false;
    case ast::Condition::Kind::kNot:
      return c.children.empty() || !matches(c.children[0], doc, seq);
  }
  return false;
}

std::string QueryPlan::describe() const {
  switch (kind) {
    case Kind::kScan:
      return "scan";
    case Kind::kDocumentId:
      return "DocumentID";
    case Kind::kIndexEquality:
      return "index " + index->name + " (equality)";
    case Kind::kIndexRange:
      return "index " + index->name + " (range)";
    case Kind::kIndexOrder:
      return "index " + index->name + " (order)";
  }
  return "scan";
}

QueryPlan plan_query(const DatabaseSchema& schema, const Bundle& bundle,
                     const ast::Condition* where, const std::optional<ast::OrderBy>& order,
                     const QueryOptions& options) {
  QueryPlan plan;
  std::vector<const ast::Comparison*> conj;
  if (where) conjuncts(*where, &conj);
  for (const auto* c : conj) {
    if (c->field == "DocumentID" && c->op == CompareOp::kEq) {
      plan.kind = QueryPlan::Kind::kDocumentId;
      if (c->value.is_string()) plan.doc_seq = keys::parse_document_id(c->value.get<std::string>());
      return plan;
    }
  }
  if (!options.use_indexes) return plan;
  auto indexes = schema.indexes_of(bundle.id);
  // Equality on a leading field: prefer a unique index.
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto* idx : indexes) {
      if (pass == 0 && !idx->unique) continue;
      for (const auto* c : conj) {
        if (c->op == CompareOp::kEq && c->field == idx->fields[0]) {
          plan.kind = QueryPlan::Kind::kIndexEquality;
          plan.index = idx;
          plan.equal_value = c->value;
          return plan;
        }
      }
    }
  }
  // Range on the leading field of a BTREE index.
  for (const auto* idx : indexes) {
    if (idx->kind != ast::IndexKind::kBtree) continue;
    for (const auto* c : conj) {
      if (!is_range(c->op) || c->field != idx->fields[0]) continue;
      int tc = type_class(c->value);
      if (tc < 1 || tc > 2) continue;  // numbers and strings: one codec tag each
      plan.kind = QueryPlan::Kind::kIndexRange;
      plan.index = idx;
      for (const auto* d : conj) {
        if (!is_range(d->op) || d->field != c->field || type_class(d->value) != tc) continue;
        bool lower = d->op == CompareOp::kGt || d->op == CompareOp::kGe;
        auto& slot = lower ? plan.lower : plan.upper;
        if (!slot) slot = *d;
      }
      plan.provides_order = order && order->field == idx->fields[0] && idx->fields.size() == 1;
      return plan;
    }
  }
  if (order) {
    for (const auto* idx : indexes) {
      if (idx->kind == ast::IndexKind::kBtree && idx->fields.size() == 1 &&
          idx->fields[0] == order->field) {
        plan.kind = QueryPlan::Kind::kIndexOrder;
        plan.index = idx;
        plan.provides_order = true;
        return plan;
      }
    }
  }
  return plan;
}

namespace {

using SeqSink = std::function<Result<bool>(uint64_t seq)>;

// Feeds the sequences of the plan's index entries, in index order, to `fn`.
Status scan_index(const Reader& reader, uint32_t db, const QueryPlan& plan, const SeqSink& fn) {
  const std::string prefix = index_entries_prefix(db, *plan.index);
  std::string begin, end;
  std::string region;  // the encoded bound whose first (type) byte bounds an open range
  if (plan.kind == QueryPlan::Kind::kIndexEquality && plan.index->unique &&
      plan.index->fields.size() == 1 && !plan.equal_value.is_null()) {
    // A unique entry with a non-null value is keyed by the value alone: one point read.
    auto got = reader.get(storage::Space::kIndex, prefix + key_value(plan.equal_value));
    if (!got.ok()) return got.status();
    if (!got->has_value()) return Status::Ok();
    if ((*got)->size() != 8) return Status(Code::kStorageError, "malformed index entry");
    auto more = fn(keys::index_entry_seq(**got));
    return more.ok() ? Status::Ok() : more.status();
  }
  if (plan.kind == QueryPlan::Kind::kIndexEquality) {
    begin = index_values_prefix(db, *plan.index, {plan.equal_value});
    end = storage::prefix_end(begin);
  } else if (plan.kind == QueryPlan::Kind::kIndexRange) {
    const Json& any = plan.lower ? plan.lower->value : plan.upper->value;
    region = key_value(any);
    begin = prefix + key_value(plan.lower ? plan.lower->value : type_minimum(any));
    end = plan.upper ? storage::prefix_end(prefix + key_value(plan.upper->value))
                     : storage::prefix_end(prefix);
  } else {
    begin = prefix;
    end = storage::prefix_end(prefix);
  }
  auto it = reader.scan(storage::Space::kIndex, begin, end);
  for (; it->valid(); it->next()) {
    std::string_view key = it->key();
    if (!region.empty() && key.size() > prefix.size() && key[prefix.size()] != region[0]) break;
    if (it->value().size() != 8) return Status(Code::kStorageError, "malformed index entry");
    auto more = fn(keys::index_entry_seq(it->value()));
    if (!more.ok()) return more.status();
    if (!*more) break;
  }
  return it->status();
}

// Feeds every candidate document of the plan to `fn`, in DocumentID order when
// `seq_order`, else in plan order.
Status candidates(const Reader& reader, const DatabaseSchema& schema, const Bundle& bundle,
                  const QueryPlan& plan, bool seq_order, bool reverse, const DocumentSink& fn) {
  const uint32_t db = schema.id;
  if (plan.kind == QueryPlan::Kind::kDocumentId) {
    if (!plan.doc_seq) return Status::Ok();
    auto doc = load_document(reader, db, bundle.id, *plan.doc_seq);
    if (!doc.ok()) return doc.status();
    if (doc->has_value()) {
      auto r = fn(*plan.doc_seq, **doc);
      if (!r.ok()) return r.status();
    }
    return Status::Ok();
  }
  if (plan.kind == QueryPlan::Kind::kScan) {
    const std::string prefix = keys::bundle_prefix(db, bundle.id);
    auto it = reader.scan_prefix(storage::Space::kDocs, prefix);
    for (; it->valid(); it->next()) {
      auto doc = parse_document(it->value());
      if (!doc.ok()) return doc.status();
      auto more = fn(keys::doc_key_seq(it->key()), *doc);
      if (!more.ok()) return more.status();
      if (!*more) break;
    }
    return it->status();
  }
  auto fetch = [&](uint64_t seq) -> Result<bool> {
    auto doc = load_document(reader, db, bundle.id, seq);
    if (!doc.ok()) return doc.status();
    if (!doc->has_value()) return true;
    return fn(seq, **doc);
  };
  if (!seq_order && !reverse) return scan_index(reader, db, plan, fetch);
  std::vector<uint64_t> seqs;
  STRATA_RETURN_IF_ERROR(scan_index(reader, db, plan, [&](uint64_t s) -> Result<bool> {
    seqs.push_back(s);
    return true;
  }));
  if (seq_order) std::sort(seqs.begin(), seqs.end());
  if (reverse) std::reverse(seqs.begin(), seqs.end());
  if (seq_order && !seqs.empty() && seqs.back() - seqs.front() < 4 * seqs.size() + 64) {
    // Dense ids: one scan over their key range beats a point read per document.
    const std::string from = keys::doc_key(db, bundle.id, seqs.front());
    const std::string to = keys::doc_key(db, bundle.id, seqs.back() + 1);
    auto it = reader.scan(storage::Space::kDocs, from, to);
    size_t next = 0;
    for (; it->valid() && next < seqs.size(); it->next()) {
      uint64_t seq = keys::doc_key_seq(it->key());
      while (next < seqs.size() && seqs[next] < seq) ++next;
      if (next == seqs.size() || seqs[next] != seq) continue;
      auto doc = parse_document(it->value());
      if (!doc.ok()) return doc.status();
      auto more = fn(seq, *doc);
      if (!more.ok()) return more.status();
      if (!*more) break;
    }
    return it->status();
  }
  for (uint64_t s : seqs) {
    auto more = fetch(s);
    if (!more.ok()) return more.status();
    if (!*more) break;
  }
  return Status::Ok();
}

struct SortEntry {
  std::string key;
  uint64_t seq;
  Json doc;
};

}  // namespace

Status run_query(const Reader& reader, const DatabaseSchema& schema, const Bundle& bundle,
                 const ast::Condition* where, const std::optional<ast::OrderBy>& order,
                 std::optional<uint64_t> limit, const QueryOptions& options,
                 const DocumentSink& sink) {
  if (limit && *limit == 0) return Status::Ok();
  QueryPlan plan = plan_query(schema, bundle, where, order, options);
  uint64_t delivered = 0;
  InterruptPoll poll(options.interrupt);
  auto deliver = [&](uint64_t seq, Json& doc) -> Result<bool> {
    STRATA_RETURN_IF_ERROR(poll.tick());
    if (where && !matches(*where, doc, seq)) return true;
    auto more = sink(seq, doc);
    if (!more.ok() || !*more) return more;
    return !(limit && ++delivered >= *limit);
  };
  if (!order) return candidates(reader, schema, bundle, plan, true, false, deliver);
  if (plan.provides_order) {
    return candidates(reader, schema, bundle, plan, false, order->descending, deliver);
  }
  // Sort: (key, seq) ascending, or its exact reverse.
  std::vector<SortEntry> rows;
  auto less = [&](const SortEntry& a, const SortEntry& b) {
    bool lt = a.key != b.key ? a.key < b.key : a.seq < b.seq;
    bool gt = a.key != b.key ? a.key > b.key : a.seq > b.seq;
    return order->descending ? gt : lt;
  };
  auto trim = [&] {
    if (limit && rows.size() > 2 * *limit + 1024) {
      std::nth_element(rows.begin(), rows.begin() + *limit, rows.end(), less);
      rows.resize(*limit);
    }
  };
  STRATA_RETURN_IF_ERROR(candidates(
      reader, schema, bundle, plan, false, false, [&](uint64_t seq, Json& doc) -> Result<bool> {
        STRATA_RETURN_IF_ERROR(poll.tick());
        if (where && !matches(*where, doc, seq)) return true;
        // DocumentID orders by sequence (numerically), every other field by its value.
        std::string key = order->field == "DocumentID"
                              ? keys::u64_value(seq)
                              : key_value(field_value(doc, seq, order->field));
        rows.push_back({std::move(key), seq, std::move(doc)});
        trim();
        return true;
      }));
  std::sort(rows.begin(), rows.end(), less);
  if (limit && rows.size() > *limit) rows.resize(*limit);
  for (auto& r : rows) {
    STRATA_RETURN_IF_ERROR(poll.tick());
    auto more = sink(r.seq, r.doc);
    if (!more.ok()) return more.status();
    if (!*more) break;
  }
  return Status::Ok();
}

Result<std::vector<uint64_t>> matching_documents(const Reader& reader, const DatabaseSchema& schema,
                                                 const Bundle& bundle, const ast::Condition* where,
                                                 const QueryOptions& options) {
  std::vector<uint64_t> out;
  Status st = run_query(reader, schema, bundle, where, std::nullopt, std::nullopt, options,
                        [&](uint64_t seq, Json&) -> Result<bool> {
                          out.push_back(seq);
                          return true;
                        });
  if (!st.ok()) return st;
  return out;
}

}  // namespace strata::engine
