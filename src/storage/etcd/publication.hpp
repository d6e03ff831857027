#pragma once
// Private to src/storage/etcd: the publish keys as one linearizable Range saw them, and
// PublicationReader, which lets concurrent snapshots share that Range (docs/CLUSTER.md "Reads").
// Thread-safety: a Publication is immutable once read; PublicationReader is safe for
// concurrent use.

#include <atomic>
#include <cstdint>
#include <exception>
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
//
// A round is one fetch and the callers that share it. Its callers sleep on the round's own
// atomic state, not on a condition variable: when the fetch is done they all wake and return
// without taking a lock again (a notify_all on a condition variable made the dozens of them
// queue for its mutex, one context switch after another — most of a cluster server's CPU under
// SHOW MIGRATIONS). When a round ends, one caller of the next round is woken to send its fetch.
class PublicationReader {
 public:
  using Fetch = std::function<std::shared_ptr<const Publication>()>;
  std::shared_ptr<const Publication> read(const Fetch& fetch);

 private:
  struct Round;
  // Sends `round`'s fetch, hands over to the next round, wakes `round`'s callers.
  void run(Round& round, const Fetch& fetch);

  std::mutex mu_;
  bool in_flight_ = false;       // a round's fetch is being sent
  std::shared_ptr<Round> next_;  // the callers waiting for the fetch after it (or null)
};

}  // namespace strata::storage::etcd
