#include "engine/ledger.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <unordered_map>
#include <algorithm>
#include <charconv>

#include <spdlog/spdlog.h>

#include "common/sha256.hpp"
#include "parser/canonical.hpp"
#include "storage/keys.hpp"
#include "storage/ledger_keys.hpp"

namespace strata::engine {

namespace lk = storage::ledger_keys;
using storage::Space;

namespace {

Json opt_string(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

std::string get_string(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The stored header: the summary SHOW MIGRATIONS lists, and the rest of the record.
Json record_json(const MigrationRecord& r) {
  Json j = summary_json(r);
  j.update({{"RolledBackAt", opt_string(r.rolled_back_at)},
            {"RolledBackBy", opt_string(r.rolled_back_by)},
            {"ChainChecksum", r.chain_checksum},
            {"ExecutionTimeMs", r.execution_time_ms ? Json(*r.execution_time_ms) : Json(nullptr)},
            {"FailureReason", opt_string(r.failure_reason)},
            {"Events", r.events},
            {"HasExplicitDown", r.has_explicit_down},
            {"DownGenerated", r.down_generated},
            {"Irreversible", r.irreversible},
            {"StartSeq", r.start_seq},
            {"EndSeq", r.end_seq},
            {"ApplyStamp", r.apply_stamp},
            {"UndoBundles", r.undo_bundles},
            {"AddedBundles", r.added_bundles},
            {"ApplyChecksum", opt_string(r.apply_checksum)},
            {"ApplyChainChecksum", opt_string(r.apply_chain_checksum)}});
  return j;
}

Result<MigrationRecord> parse_record_json(std::string_view bytes);

// Parsed headers, keyed by their exact bytes: a hit returns the record parsed earlier from the
// same bytes, so there is nothing to invalidate (SHOW MIGRATIONS and the check at open read
// every header; parsing them was most of their time). Bounded; cleared when full.
class HeaderCache {
 public:
  std::optional<MigrationRecord> find(std::string_view bytes) {
    std::lock_guard lock(mu_);
    auto it = map_.find(std::string(bytes));
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }
  void put(std::string_view bytes, const MigrationRecord& r) {
    std::lock_guard lock(mu_);
    if (map_.size() >= kMaxEntries) map_.clear();
    map_.emplace(std::string(bytes), r);
  }

 private:
  static constexpr size_t kMaxEntries = 20000;
  std::mutex mu_;
  std::unordered_map<std::string, MigrationRecord> map_;
};

HeaderCache& header_cache() {
  static HeaderCache cache;
  return cache;
}

Result<MigrationRecord> parse_record(std::string_view bytes) {
  if (auto hit = header_cache().find(bytes)) return std::move(*hit);
  auto r = parse_record_json(bytes);
  if (r.ok()) header_cache().put(bytes, *r);
  return r;
}

Result<MigrationRecord> parse_record_json(std::string_view bytes) {
  Json j = Json::parse(bytes, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("Version")) {
    return Status(Code::kStorageError, "unreadable migration record in the ledger");
  }
  MigrationRecord r;
  r.version = j.value("Version", uint64_t{0});
  r.status = get_string(j, "Status");
  if (j["Description"].is_string()) r.description = j["Description"].get<std::string>();
  if (auto n = j.find("Name"); n != j.end() && n->is_string()) r.name = n->get<std::string>();
  if (auto b = j.find("Batch"); b != j.end() && b->is_number()) r.batch = b->get<uint64_t>();
  r.created_at = get_string(j, "CreatedAt");
  r.created_by = get_string(j, "CreatedBy");
  r.applied_at = get_string(j, "AppliedAt");
  r.applied_by = get_string(j, "AppliedBy");
  r.rolled_back_at = get_string(j, "RolledBackAt");
  r.rolled_back_by = get_string(j, "RolledBackBy");
  r.command_count = j.value("CommandCount", uint64_t{0});
  r.checksum = get_string(j, "Checksum");
  r.chain_checksum = get_string(j, "ChainChecksum");
  if (j["ExecutionTimeMs"].is_number()) r.execution_time_ms = j["ExecutionTimeMs"].get<int64_t>();
  r.failure_reason = get_string(j, "FailureReason");
  r.events = j.value("Events", Json::array());
  r.has_explicit_down = j.value("HasExplicitDown", false);
  r.down_generated = j.value("DownGenerated", false);
  r.irreversible = get_string(j, "Irreversible");
  r.start_seq = j.value("StartSeq", uint64_t{0});
  r.end_seq = j.value("EndSeq", uint64_t{0});
  r.apply_stamp = j.value("ApplyStamp", uint64_t{0});
  r.undo_bundles = j.value("UndoBundles", Json::object());
  r.added_bundles = j.value("AddedBundles", Json::array());
  r.apply_checksum = get_string(j, "ApplyChecksum");
  r.apply_chain_checksum = get_string(j, "ApplyChainChecksum");
  return r;
}

Result<Json> load_json(const Reader& reader, const std::string& key) {
  auto v = reader.get(Space::kLedger, key);
  if (!v.ok()) return v.status();
  if (!v->has_value()) return Json();
  Json j = Json::parse(**v, nullptr, false);
  if (j.is_discarded()) return Status(Code::kStorageError, "unreadable ledger entry");
  return j;
}

Status erase_prefix(storage::Txn& txn, const Reader& reader, const std::string& prefix) {
  auto it = reader.scan_prefix(Space::kLedger, prefix);
  std::vector<std::string> doomed;
  for (; it->valid(); it->next()) doomed.emplace_back(it->key());
  STRATA_RETURN_IF_ERROR(it->status());
  it.reset();
  for (const auto& k : doomed) txn.del(Space::kLedger, k);
  return Status::Ok();
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

Digest from_hex(const std::string& hex) {
  Digest d{};
  for (size_t i = 0; i < d.size() && 2 * i + 1 < hex.size(); ++i) {
    d[i] = static_cast<uint8_t>(hex_digit(hex[2 * i]) * 16 + hex_digit(hex[2 * i + 1]));
  }
  return d;
}

}  // namespace

Result<std::optional<MigrationRecord>> load_record(const Reader& reader, uint32_t db,
                                                   uint64_t version) {
  auto v = reader.get(Space::kLedger, lk::header_key(db, version));
  if (!v.ok()) return v.status();
  if (!v->has_value()) return std::optional<MigrationRecord>();
  auto r = parse_record(**v);
  if (!r.ok()) return r.status();
  return std::optional<MigrationRecord>(std::move(*r));
}

Result<std::vector<MigrationRecord>> load_records(const Reader& reader, uint32_t db) {
  std::vector<MigrationRecord> out;
  auto it = reader.scan_prefix(Space::kLedger, lk::header_prefix(db));
  for (; it->valid(); it->next()) {
    auto r = parse_record(it->value());
    if (!r.ok()) return r.status();
    out.push_back(std::move(*r));
  }
  STRATA_RETURN_IF_ERROR(it->status());
  return out;
}

// The commands record: "C1 <up> <down>\n", then each UP command and each DOWN command on a
// line of its own (canonical text never holds a raw newline), then one line of positions
// "l,c l,c ...": every UP command's, then every explicit DOWN command's (records written
// before DOWN positions were kept end after the UP ones). No JSON on the way: a migration may hold 100,000+ commands. Stored in chunks
// of kCommandsChunk bytes (ledger_keys.hpp): a big migration's record never becomes one
// multi-megabyte value (a table block as large, copied whole by every read of it).
constexpr size_t kCommandsChunk = 1u << 20;

namespace {

// The whole record of `version`: its chunks joined, or nullopt when there is none.
Result<std::optional<std::string>> load_commands_record(const Reader& reader, uint32_t db,
                                                        uint64_t version) {
  const std::string first = lk::commands_key(db, version);
  // A record shorter than one chunk is all in its first key: a point read (which a cluster
  // server's read cache usually answers) instead of a scan.
  auto head = reader.get(Space::kLedger, first);
  if (!head.ok()) return head.status();
  if (!head->has_value() || (*head)->size() < kCommandsChunk) return std::move(*head);
  std::vector<std::string> chunks;
  auto it = reader.scan_prefix(Space::kLedger, first);
  for (; it->valid(); it->next()) {
    const bool expected = chunks.empty() ? it->key() == first
                                         : it->key() == lk::commands_chunk_key(
                                                            db, version, chunks.size());
    if (!expected) {
      return Status(Code::kStorageError, "unreadable commands record of migration " +
                                             std::to_string(version) +
                                             " in the ledger: a chunk is missing");
    }
    chunks.emplace_back(it->value());
  }
  STRATA_RETURN_IF_ERROR(it->status());
  if (chunks.empty()) return std::optional<std::string>();
  if (chunks.size() == 1) return std::optional<std::string>(std::move(chunks.front()));
  size_t bytes = 0;
  for (const auto& c : chunks) bytes += c.size();
  std::string record;
  record.reserve(bytes);
  for (auto& c : chunks) {
    record += c;
    std::string().swap(c);
  }
  return std::optional<std::string>(std::move(record));
}

}  // namespace

Result<MigrationCommands> load_commands(const Reader& reader, uint32_t db, uint64_t version) {
  auto v = load_commands_record(reader, db, version);
  if (!v.ok()) return v.status();
  MigrationCommands c;
  if (!v->has_value()) return c;
  c.text = std::make_shared<const std::string>(std::move(**v));
  const std::string& text = *c.text;
  const Status bad(Code::kStorageError, "unreadable commands record of migration " +
                                            std::to_string(version) + " in the ledger");
  size_t up = 0, down = 0;
  size_t pos = text.find('\n');
  if (pos == std::string::npos || std::sscanf(text.c_str(), "C1 %zu %zu", &up, &down) != 2) {
    return bad;
  }
  ++pos;
  auto next_line = [&]() -> std::optional<std::string_view> {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) return std::nullopt;
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    return line;
  };
  c.up.reserve(std::min(up, text.size()));  // a corrupt count must not allocate wildly
  for (size_t i = 0; i < up; ++i) {
    auto line = next_line();
    if (!line) return bad;
    c.up.push_back(*line);
  }
  c.down.reserve(std::min(down, text.size()));
  for (size_t i = 0; i < down; ++i) {
    auto line = next_line();
    if (!line) return bad;
    c.down.emplace_back(*line);
  }
  const char* p = text.data() + pos;
  const char* end = text.data() + text.size();
  // The next "l,c" of the positions line into *out; false when it is not one.
  auto next_position = [&](std::vector<ast::Pos>* out) {
    uint32_t line = 0, column = 0;
    auto [after_line, e1] = std::from_chars(p, end, line);
    if (e1 != std::errc() || after_line == end || *after_line != ',') return false;
    auto [after_column, e2] = std::from_chars(after_line + 1, end, column);
    if (e2 != std::errc()) return false;
    out->push_back(ast::Pos{line, column});
    p = after_column;
    while (p != end && *p == ' ') ++p;
    return true;
  };
  c.positions.reserve(up);
  for (size_t i = 0; i < up; ++i)
    if (!next_position(&c.positions)) return bad;
  for (size_t i = 0; i < down && p != end && *p != '\n'; ++i)
    if (!next_position(&c.down_positions)) return bad;
  return c;
}

Result<std::vector<std::string>> load_generated_down(const Reader& reader, uint32_t db,
                                                     uint64_t version) {
  auto j = load_json(reader, lk::generated_down_key(db, version));
  if (!j.ok()) return j.status();
  std::vector<std::string> out;
  if (j->is_array())
    for (const auto& s : *j) out.push_back(s.get<std::string>());
  return out;
}

namespace {

// A u64 counter of the ledger (0 when absent).
Result<uint64_t> load_counter(const Reader& reader, const std::string& key) {
  auto v = reader.get(Space::kLedger, key);
  if (!v.ok()) return v.status();
  if (!v->has_value() || (*v)->size() != 8) return uint64_t{0};
  return storage::keys::get_u64(**v);
}

}  // namespace

Result<uint64_t> highest_version(const Reader& reader, uint32_t db) {
  return load_counter(reader, lk::highest_key(db));
}

void store_highest_version(storage::Txn& txn, uint32_t db, uint64_t version) {
  txn.put(Space::kLedger, lk::highest_key(db), storage::keys::u64_value(version));
}

Result<uint64_t> last_batch(const Reader& reader, uint32_t db) {
  return load_counter(reader, lk::batch_key(db));
}

void store_last_batch(storage::Txn& txn, uint32_t db, uint64_t batch) {
  txn.put(Space::kLedger, lk::batch_key(db), storage::keys::u64_value(batch));
}

Result<uint64_t> current_version_of(const Reader& reader, uint32_t db) {
  auto highest = highest_version(reader, db);
  if (!highest.ok()) return highest.status();
  for (uint64_t v = *highest; v > 0; --v) {
    auto r = load_record(reader, db, v);
    if (!r.ok()) return r.status();
    if (*r && (*r)->status == kApplied) return v;
  }
  return uint64_t{0};
}

Result<std::vector<MigrationRecord>> pending_above_current(const Reader& reader, uint32_t db) {
  auto highest = highest_version(reader, db);
  if (!highest.ok()) return highest.status();
  std::vector<MigrationRecord> out;
  for (uint64_t v = *highest; v > 0; --v) {
    auto r = load_record(reader, db, v);
    if (!r.ok()) return r.status();
    if (!*r) continue;
    if ((*r)->status == kApplied) break;
    if ((*r)->status == kPending) out.push_back(std::move(**r));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

void store_record(storage::Txn& txn, uint32_t db, const MigrationRecord& record) {
  txn.put(Space::kLedger, lk::header_key(db, record.version), record_json(record).dump());
  if (!record.last_validation.is_null()) {
    txn.put(Space::kLedger, lk::last_validation_key(db, record.version),
            record.last_validation.dump());
  }
}

Result<Json> load_last_validation(const Reader& reader, uint32_t db, uint64_t version) {
  return load_json(reader, lk::last_validation_key(db, version));
}

void store_generated_down(storage::Txn& txn, uint32_t db, uint64_t version,
                          const std::vector<std::string>& down) {
  txn.put(Space::kLedger, lk::generated_down_key(db, version), Json(down).dump());
}

Status erase_undo(storage::Txn& txn, const Reader& reader, uint32_t db, uint64_t version) {
  txn.del(Space::kLedger, lk::undo_deleted_key(db, version));
  return erase_prefix(txn, reader, lk::undo_prefix(db, version));
}

Status erase_migration(storage::Txn& txn, const Reader& reader, uint32_t db, uint64_t version) {
  txn.del(Space::kLedger, lk::header_key(db, version));
  store_highest_version(txn, db, version - 1);  // only the highest version is ever erased
  STRATA_RETURN_IF_ERROR(erase_prefix(txn, reader, lk::commands_key(db, version)));  // chunks
  txn.del(Space::kLedger, lk::generated_down_key(db, version));
  txn.del(Space::kLedger, lk::last_validation_key(db, version));
  STRATA_RETURN_IF_ERROR(erase_prefix(txn, reader, lk::overwritten_prefix(db, version)));
  return erase_undo(txn, reader, db, version);
}

Result<std::vector<std::string>> effective_down(const Reader& reader, uint32_t db,
                                                const MigrationRecord& record) {
  if (record.has_explicit_down) {
    auto c = load_commands(reader, db, record.version);
    if (!c.ok()) return c.status();
    return std::move(c->down);
  }
  return load_generated_down(reader, db, record.version);
}

namespace {

void hash_description(Sha256* h, const std::optional<std::string>& description,
                      const std::optional<std::string>& name) {
  h->update(description ? "DESCRIPTION\n" + *description : std::string("NO DESCRIPTION"));
  if (name) h->update("\nNAME\n" + *name);
}

}  // namespace

std::string migration_checksum(const MigrationCommands& commands,
                               const std::optional<std::string>& description,
                               const std::optional<std::string>& name) {
  Sha256 h;
  h.update("UP\n");
  for (const auto& c : commands.up) {
    h.update(c);
    h.update("\n");
  }
  h.update("DOWN\n");
  for (const auto& c : commands.down) {
    h.update(c);
    h.update("\n");
  }
  hash_description(&h, description, name);
  return to_hex(h.finish());
}

EncodedCommands encode_commands(const ast::StartMigration& m) {
  EncodedCommands out;
  out.up_count = m.up.size();
  // m.text is already the record's body: every UP then every DOWN command's canonical text,
  // each followed by '\n' (the parser made it, ast::MigrationCommand).
  const std::string_view text = m.text;
  const size_t up_end = m.down.empty() ? text.size() : m.down.front().text_begin;
  out.header = "C1 " + std::to_string(m.up.size()) + " " + std::to_string(m.down.size()) + "\n";
  out.text = text;
  std::string& rec = out.positions;
  rec.reserve(12 * m.up.size() + 2);
  Sha256 h;
  h.update("UP\n");
  h.update(text.substr(0, up_end));
  h.update("DOWN\n");
  h.update(text.substr(up_end));
  for (const auto& c : m.down) out.down.emplace_back(m.text_of(c));
  hash_description(&h, m.description, m.name);
  // Positions are kept relative to the migration text (its START keyword is line 1,
  // column 1), so diagnostics read the same whether the migration came from a file, a
  // shell line or the middle of a TCP stream.
  auto add_position = [&](ast::Pos p) {
    if (p.line == m.pos.line) p.column = p.column - m.pos.column + 1;
    p.line = p.line - m.pos.line + 1;
    if (!rec.empty()) rec += ' ';
    rec += std::to_string(p.line);
    rec += ',';
    rec += std::to_string(p.column);
  };
  for (const auto& c : m.up) add_position(c.pos);
  for (const auto& c : m.down) add_position(c.pos);
  rec += '\n';
  out.checksum = to_hex(h.finish());
  return out;
}

void store_commands_record(storage::Txn& txn, uint32_t db, uint64_t version,
                           const EncodedCommands& commands) {
  // The record is header + text + positions; each chunk takes the next kCommandsChunk bytes
  // of it straight from those pieces.
  const std::string_view whole[] = {commands.header, commands.text, commands.positions};
  size_t piece = 0, offset = 0;  // where the next chunk starts
  for (uint32_t chunk = 0;; ++chunk) {
    std::string_view parts[3];
    size_t n = 0, room = kCommandsChunk;
    while (room > 0 && piece < 3) {
      const std::string_view rest = whole[piece].substr(offset);
      const std::string_view take = rest.substr(0, room);
      if (!take.empty()) parts[n++] = take;
      room -= take.size();
      offset += take.size();
      if (offset == whole[piece].size()) {
        ++piece;
        offset = 0;
      }
    }
    const std::string key =
        chunk == 0 ? lk::commands_key(db, version) : lk::commands_chunk_key(db, version, chunk);
    txn.put(Space::kLedger, key, std::span<const std::string_view>(parts, n));
    if (piece == 3) return;
  }
}

std::string apply_checksum(const std::string& checksum, const std::vector<std::string>& down,
                           const std::string& undo_digest) {
  Sha256 h;
  h.update("APPLY\n" + checksum + "\nDOWN\n");
  for (const auto& c : down) {
    h.update(c);
    h.update("\n");
  }
  h.update("UNDO\n" + undo_digest);
  return to_hex(h.finish());
}

std::string chain_checksum(const std::string& previous_chain_hex,
                           const std::string& checksum_hex) {
  Digest prev = from_hex(previous_chain_hex);
  Digest cur = from_hex(checksum_hex);
  std::string bytes(reinterpret_cast<const char*>(prev.data()), prev.size());
  bytes.append(reinterpret_cast<const char*>(cur.data()), cur.size());
  return sha256_hex(bytes);
}

std::string zero_chain() { return std::string(64, '0'); }

uint64_t current_version(const std::vector<MigrationRecord>& records) {
  uint64_t v = 0;
  for (const auto& r : records) {
    if (r.version != v + 1 || r.status != kApplied) break;
    v = r.version;
  }
  return v;
}

void record_event(MigrationRecord* record, const std::string& user, const std::string& statement,
                  const std::string& to_status, const std::string& reason) {
  const bool created = record->events.empty();
  record->events.push_back({{"At", utc_now()},
                            {"By", user},
                            {"Statement", statement},
                            {"From", created ? Json(nullptr) : Json(record->status)},
                            {"To", to_status}});
  StateChangeLog::note(
      {record->version, created ? std::string() : record->status, to_status, user, reason});
  record->status = to_status;
}

namespace {
thread_local StateChangeLog* innermost_log = nullptr;
}  // namespace

StateChangeLog::StateChangeLog() : outer_(innermost_log) { innermost_log = this; }
StateChangeLog::~StateChangeLog() { innermost_log = outer_; }

void StateChangeLog::note(Change change) {
  if (innermost_log != nullptr) innermost_log->changes_.push_back(std::move(change));
}

std::vector<std::string> StateChangeLog::lines(const std::string& database,
                                               std::chrono::milliseconds took) const {
  std::vector<std::string> out;
  for (size_t i = 0; i < changes_.size();) {
    const Change& c = changes_[i];
    size_t j = i + 1;  // the run of changes like this one (a batch, a rollback's versions)
    while (j < changes_.size() && changes_[j].from == c.from && changes_[j].to == c.to &&
           changes_[j].user == c.user && changes_[j].reason == c.reason) {
      ++j;
    }
    std::string versions;
    for (size_t k = i; k < j; ++k)
      versions += (k == i ? "" : ", ") + std::to_string(changes_[k].version);
    std::string line = "migration state change: database '" + database + "' version" +
                       (j - i > 1 ? "s " : " ") + versions + " " +
                       (c.from.empty() ? "(new)" : c.from) + " -> " + c.to + " by " + c.user;
    if (c.to == kApplied || c.to == kRolledBack)
      line += " in " + std::to_string(took.count()) + " ms";
    if (!c.reason.empty()) line += ": " + c.reason;
    out.push_back(std::move(line));
    i = j;
  }
  return out;
}

void StateChangeLog::write(const std::string& database, std::chrono::milliseconds took) const {
  for (const std::string& line : lines(database, took)) spdlog::info("{}", line);
}

Json summary_json(const MigrationRecord& r) {
  return {{"Version", r.version},
          {"Status", r.status},
          {"Name", r.name ? Json(*r.name) : Json(nullptr)},
          {"Description", r.description ? Json(*r.description) : Json(nullptr)},
          {"CreatedAt", r.created_at},
          {"CreatedBy", r.created_by},
          {"AppliedAt", opt_string(r.applied_at)},
          {"AppliedBy", opt_string(r.applied_by)},
          {"Batch", r.batch ? Json(r.batch) : Json(nullptr)},
          {"CommandCount", r.command_count},
          {"Checksum", r.checksum}};
}

Json full_json(const MigrationRecord& r, const MigrationCommands& commands,
               const std::vector<std::string>& down) {
  Json j = record_json(r);
  j["LastValidation"] = r.last_validation;
  for (const char* internal : {"HasExplicitDown", "DownGenerated", "Irreversible", "StartSeq",
                               "EndSeq", "ApplyStamp", "UndoBundles", "AddedBundles"}) {
    j.erase(internal);
  }
  j["Commands"] = commands.up;
  j["DownCommands"] = down;
  j["DownCommandsExplicit"] = r.has_explicit_down;
  return j;
}

}  // namespace strata::engine
