#pragma once
// The etcd store's key layout (docs/CLUSTER.md): the one place that says how Strata's state is
// laid out in etcd. <P> is the store prefix (--store-prefix, default "/strata").
//
//   etcd key                                     value
//   -------------------------------------------  ---------------------------------------------
//   <P>/format                                   "strata-etcd 1": the layout version
//   <P>/k/<space><key>                           'v' <bytes>: a value
//                                                'c' <u32 chunks> <u64 size>: a big value, whose
//                                                bytes are in its chunks
//   <P>/c/<space><esc(key)> 00 01 <u32 n>        chunk n of a big value of <key>
//   <P>/p/<domain>                               publish key: 'P' <commit id> (published) or
//                                                'S' <commit id> (a commit is being staged)
//   <P>/o/<commit id>                            staging owner: exists while its writer's lease
//                                                lives (put with that lease)
//   <P>/s/<commit id>/<u32 n>                    staging record n: the keys request n wrote
//   <P>/l/<name>                                 a lock (put with its holder's lease): JSON owner
//
// <space> is one byte, '0' + the Space number. <domain> is 'g' (kMeta, kSystem) or 'd' + the
// domain prefix (store.hpp Domain). esc() doubles nothing but turns each 00 byte into 00 FF, so
// the chunks of one key form one range that no other key's chunks enter, in key order.
// Integers are big-endian.
//
// Thread-safety: pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/store.hpp"

namespace strata::storage::etcd::layout {

inline constexpr char kInline = 'v';
inline constexpr char kChunked = 'c';
inline constexpr char kPublished = 'P';
inline constexpr char kStaging = 'S';
inline constexpr std::string_view kFormat = "strata-etcd 1";

inline char space_byte(Space s) { return static_cast<char>('0' + static_cast<int>(s)); }

inline void put_u32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}
inline void put_u64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}
inline uint64_t get_uint(std::string_view in, size_t bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes && i < in.size(); ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

// The keys of one store prefix.
class Layout {
 public:
  explicit Layout(std::string prefix) : p_(std::move(prefix)) {}
  const std::string& prefix() const { return p_; }

  std::string format_key() const { return p_ + "/format"; }

  // Data.
  std::string data_space(Space s) const { return p_ + "/k/" + space_byte(s); }
  std::string data_key(Space s, std::string_view key) const {
    std::string k = data_space(s);
    k.append(key);
    return k;
  }
  // The key of a data key (after <P>/k/<space>).
  std::string_view user_key(Space s, std::string_view etcd_key) const {
    return etcd_key.substr(p_.size() + 4);
  }

  // Chunks: [chunk_begin(key), chunk_end(key)) holds every chunk of `key`.
  std::string chunk_base(Space s, std::string_view key) const {
    std::string k = p_ + "/c/" + space_byte(s);
    for (char c : key) {
      k.push_back(c);
      if (c == '\0') k.push_back('\xff');
    }
    k.push_back('\0');
    return k;
  }
  std::string chunk_key(Space s, std::string_view key, uint32_t n) const {
    std::string k = chunk_base(s, key);
    k.push_back('\1');
    put_u32(&k, n);
    return k;
  }
  std::string chunk_begin(Space s, std::string_view key) const {
    return chunk_base(s, key) + '\1';
  }
  std::string chunk_end(Space s, std::string_view key) const { return chunk_base(s, key) + '\2'; }
  // The key a chunk key belongs to, or nullopt for a malformed one.
  std::optional<std::string> chunk_owner(Space s, std::string_view etcd_key) const {
    std::string_view rest = etcd_key.substr(p_.size() + 4);
    std::string key;
    for (size_t i = 0; i < rest.size(); ++i) {
      if (rest[i] != '\0') {
        key.push_back(rest[i]);
      } else if (i + 1 < rest.size() && rest[i + 1] == '\xff') {
        key.push_back('\0');
        ++i;
      } else {
        return key;
      }
    }
    return std::nullopt;
  }

  // Domains and their publish keys.
  static std::string domain_name(const Domain& d) { return d.global ? "g" : "d" + d.prefix; }
  static Domain domain_from_name(std::string_view name) {
    return name == "g" ? Domain::Global() : Domain::Of(name.substr(1));
  }
  std::string publish_prefix() const { return p_ + "/p/"; }
  std::string publish_key(const Domain& d) const { return publish_prefix() + domain_name(d); }

  // Staging.
  std::string owner_key(std::string_view commit) const {
    return p_ + "/o/" + std::string(commit);
  }
  std::string staging_prefix(std::string_view commit) const {
    return p_ + "/s/" + std::string(commit) + "/";
  }
  std::string staging_key(std::string_view commit, uint32_t n) const {
    std::string k = staging_prefix(commit);
    put_u32(&k, n);
    return k;
  }

  // Locks.
  std::string lock_prefix() const { return p_ + "/l/"; }
  std::string lock_key(std::string_view name) const { return lock_prefix() + std::string(name); }

 private:
  std::string p_;
};

// A staging record: the (space, key) pairs one request wrote, as <space> <u32 size> <key>...
inline void append_record(std::string* record, Space s, std::string_view key) {
  record->push_back(space_byte(s));
  put_u32(record, static_cast<uint32_t>(key.size()));
  record->append(key);
}
inline bool parse_record(std::string_view record, std::vector<std::pair<Space, std::string>>* out) {
  while (!record.empty()) {
    if (record.size() < 5) return false;
    int s = record[0] - '0';
    size_t n = get_uint(record.substr(1), 4);
    if (s < 0 || s >= kSpaceCount || record.size() < 5 + n) return false;
    out->emplace_back(static_cast<Space>(s), std::string(record.substr(5, n)));
    record.remove_prefix(5 + n);
  }
  return true;
}

}  // namespace strata::storage::etcd::layout
