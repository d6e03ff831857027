#pragma once
// ReadCache: the values of data keys a store's snapshots read, per domain, as of the domain's
// publish revision — so a statement reads from etcd only what changed since (docs/CLUSTER.md
// "Reads").
//
// Why it is exact: every commit to a domain, of one Txn or staged, and every roll-back of a
// staging rewrites the domain's publish key (layout.hpp). So while a domain's publish key has
// revision M, every key of the domain holds the value it had at M: a value read by any
// snapshot whose view has the domain at M is the value for every snapshot whose view has it
// at M. Entries are kept for one revision per domain; a lookup at another revision misses.
// After this store's own commit of one Txn, which compared the publish key at M (so nothing
// else was committed to the domain in between) and left it at C, the domain at C is the
// domain at M plus the commit's writes: the entries move to C with the writes applied. Any
// other case (a staged commit, another revision) starts the domain afresh.
//
// Absent keys are cached too (a statement asks for keys that do not exist yet, such as its
// migration's ledger entry), and so are whole scans of a key range inside one domain: every
// key the range held, so a scan of it again (often of a range found empty, such as a
// migration's undo entries) reads nothing from etcd; an own commit's writes inside a cached
// range are applied to it as to the values. Bounds: values above kMaxValue are not kept, nor
// scans above kMaxScan bytes; a domain keeps at most kMaxScans scans (then forgets them all);
// a domain whose entries pass kMaxDomainBytes starts afresh, and the whole cache starts afresh
// when its entries pass kMaxBytes or it holds more than kMaxDomains domains.
// Thread-safety: safe for concurrent use (one mutex; entries are copied out).

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "storage/store.hpp"
#include "storage/write_set.hpp"

namespace strata::storage::etcd {

class ReadCache {
 public:
  static constexpr size_t kMaxValue = 64 << 10;
  static constexpr size_t kMaxDomainBytes = 8 << 20;
  static constexpr size_t kMaxDomains = 1024;
  static constexpr size_t kMaxBytes = 64 << 20;
  static constexpr size_t kMaxScan = 64 << 10;
  static constexpr size_t kMaxScans = 256;

  // The keys and values of a scanned range, in key order.
  using Scan = std::vector<std::pair<std::string, std::string>>;

  // The bytes of keys and values held now (for tests).
  size_t bytes() const;

  // What `key` of `space` held in domain `d` at publish revision `published`: known (the outer
  // optional) as a value or as absent (nullopt inside).
  std::optional<std::optional<std::string>> find(const Domain& d, int64_t published, Space space,
                                                 std::string_view key) const;
  // Records what a snapshot read at publish revision `published` of `d`. Ignored when the
  // cache already holds a newer revision of `d`.
  void put(const Domain& d, int64_t published, Space space, std::string_view key,
           const std::optional<std::string>& value);
  // What a scan of [begin, end) of `space`, a range inside domain `d`, found at publish
  // revision `published`, when known.
  std::optional<Scan> find_scan(const Domain& d, int64_t published, Space space,
                                std::string_view begin, std::string_view end) const;
  // Records a whole scan of [begin, end) (inside `d`) at `published`; as put().
  void put_scan(const Domain& d, int64_t published, Space space, std::string_view begin,
                std::string_view end, Scan scan);
  // This store committed `writes` in one Txn that compared `d`'s publish key at `expected`
  // and left it at `committed`: entries at `expected` move to `committed` with the writes of
  // `d`'s keys applied; otherwise `d` starts afresh.
  void committed(const Domain& d, int64_t expected, int64_t committed, WriteSet& writes);
  // Forgets `d` (a staged commit, or one whose revision is not known).
  void drop(const Domain& d);

 private:
  struct Range {
    std::string begin;  // slot of the range's first key
    std::string end;    // slot of the range's end (exclusive)
    std::map<std::string, std::string> kvs;  // key (not slot) → value
    size_t bytes = 0;
  };
  struct Entries {
    int64_t published = 0;
    size_t bytes = 0;
    // Space byte + key → value (nullopt: absent).
    std::unordered_map<std::string, std::optional<std::string>> values;
    // Scanned ranges, by scan_slot(space, begin, end) → what they held.
    std::map<std::string, Range> scans;
  };
  static std::string slot(Space space, std::string_view key);
  static std::string scan_slot(Space space, std::string_view begin, std::string_view end);
  // The entries of `d` at `published`, made afresh when older; null when a newer state is kept.
  Entries* at(const Domain& d, int64_t published, std::map<Domain, Entries>::iterator* where);
  void set(Entries& e, std::string slot, const std::optional<std::string>& value);
  // Applies a write of `key` (nullopt: a delete) to every cached scan holding it.
  void apply_to_scans(Entries& e, Space space, std::string_view key,
                      const std::optional<std::string_view>& value);
  void forget_scans(Entries& e);
  void erase(std::map<Domain, Entries>::iterator it);
  void trim(std::map<Domain, Entries>::iterator it);  // bounds, after `it` grew

  mutable std::mutex mu_;
  std::map<Domain, Entries> domains_;
  size_t bytes_ = 0;  // over every domain
};

}  // namespace strata::storage::etcd
