#include "engine/write_context.hpp"

#include "engine/engine.hpp"
#include "storage/keys.hpp"

namespace strata::engine {

namespace keys = storage::keys;

std::string encode_counters(const Counters& counters) {
  std::string value = keys::u64_value(counters.next_doc_seq);
  keys::put_u64(&value, counters.next_stamp);
  return value;
}

std::optional<Counters> decode_counters(std::string_view value) {
  if (value.size() != 8 && value.size() != 16) return std::nullopt;
  Counters c;
  c.next_doc_seq = keys::get_u64(value);
  if (value.size() == 16) c.next_stamp = keys::get_u64(value.substr(8));
  return c;
}

void WriteContext::finish() {
  if (copy_) stage_catalog(txn_, base_.get(), *copy_);
  if (next_doc_seq_ != start_doc_seq_ || (stamp_used_ && !counters_staged_)) {
    txn_.put(storage::Space::kCatalog, keys::doc_counter_key(base_->id),
             encode_counters(counters_after()));
    start_doc_seq_ = next_doc_seq_;
    counters_staged_ = true;
  }
}

Status WriteContext::checkpoint() {
  if (take_lock_) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= take_lock_at_) {
      if (take_lock_()) {
        take_lock_ = nullptr;
      } else {
        take_lock_at_ = now + take_lock_delay_;
      }
    }
  }
  return session_.interrupt->check();
}

}  // namespace strata::engine
