#include "engine/write_context.hpp"

#include "storage/keys.hpp"

namespace strata::engine {

namespace keys = storage::keys;

void WriteContext::finish() {
  if (copy_) stage_catalog(txn_, base_.get(), *copy_);
  if (next_doc_seq_ != start_doc_seq_) {
    txn_.put(storage::Space::kCatalog, keys::doc_counter_key(base_->id),
             keys::u64_value(next_doc_seq_));
    start_doc_seq_ = next_doc_seq_;
  }
}

}  // namespace strata::engine
