#pragma once
// Private to src/storage/etcd: the publish keys as one linearizable Range saw them, and
// PublicationReader, which lets concurrent snapshots share that Range (docs/CLUSTER.md "Reads").
// Thread-safety: a Publication is immutable once read; PublicationReader is safe for
// concurrent use.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/status.hpp"
#include "storage/store.hpp"

namespace strata::storage::etcd {

// What a Range saw of one domain's publish key.
struct DomainState {
  int64_t mod_revision = 0;  // of the publish key (0: never written)
  bool staging = false;      // a commit is being staged (its flag was set at mod_revision)
  std::string commit;        // the commit id in the publish key
  std::string value;         // the publish key's whole value
};

// Every publish key at one revision, or why the Range failed.
struct Publication {
  Status status;
  int64_t revision = 0;                    // the Range's header revision (H)
  std::map<Domain, DomainState> domains;   // every publish key, by domain
};

// Coalesces the Ranges of concurrent snapshots. read(fetch) returns what a fetch that *started
// after read() was called* returned — so the view holds every commit acknowledged before the
// call, as a Range of its own would — but callers that arrive while a fetch is in flight all
// share the next one instead of sending one each (the read-index batching etcd itself does for
// its linearizable reads). Under N concurrent statements a server sends about two Ranges per
// round trip, not N.
class PublicationReader {
 public:
  using Fetch = std::function<std::shared_ptr<const Publication>()>;
  std::shared_ptr<const Publication> read(const Fetch& fetch);

 private:
  std::mutex mu_;
  std::condition_variable done_cv_;
  bool in_flight_ = false;
  uint64_t launched_ = 0;  // fetches started
  uint64_t done_ = 0;      // the number of the fetch `latest_` came from
  std::shared_ptr<const Publication> latest_;
};

}  // namespace strata::storage::etcd
