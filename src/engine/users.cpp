#include "engine/users.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <chrono>
#include <ctime>

#include "common/clock.hpp"
#include "engine/response.hpp"

namespace strata::engine {

struct UserStore::Record {
  std::string name;
  ast::Role role = ast::Role::kReader;
  std::string salt;  // raw bytes
  std::string hash;  // raw bytes
  uint32_t iterations = kPasswordIterations;
  std::string created_at;
};

namespace {

constexpr std::string_view kUserPrefix = "user/";
constexpr size_t kSaltBytes = 16;
constexpr size_t kMaxNameBytes = 128;

std::string user_key(std::string_view name) { return std::string(kUserPrefix).append(name); }

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  return out;
}

std::optional<ast::Role> role_from_string(std::string_view s) {
  if (s == "admin") return ast::Role::kAdmin;
  if (s == "migrator") return ast::Role::kMigrator;
  if (s == "reader") return ast::Role::kReader;
  return std::nullopt;
}

std::string random_bytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    throw std::runtime_error("RAND_bytes failed");  // a broken system RNG: programmer-level fatal
  }
  return out;
}

Status check_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) {
    return Status(Code::kInvalidValue, "user names are 1 to 128 characters");
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      return Status(Code::kInvalidValue, "user names may not contain control characters");
    }
  }
  return Status::Ok();
}

Status check_password(std::string_view password) {
  if (password.empty()) return Status(Code::kInvalidValue, "a password may not be empty");
  return Status::Ok();
}

Status not_found(std::string_view user) {
  return Status(Code::kUserNotFound, "User '" + std::string(user) + "' does not exist");
}

}  // namespace

std::string hash_password(std::string_view password, std::string_view salt, uint32_t iterations) {
  std::string out(32, '\0');
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha256(),
                    static_cast<int>(out.size()), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

Result<std::optional<UserStore::Record>> UserStore::load(std::string_view user,
                                                         const storage::Snapshot* view) const {
  auto value = store_.get(storage::Space::kSystem, user_key(user), view);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::optional<Record>();
  Json j = Json::parse(**value, nullptr, false);
  auto role = j.is_object() ? role_from_string(j.value("role", "")) : std::nullopt;
  auto salt = j.is_object() ? from_hex(j.value("salt", "")) : std::nullopt;
  auto hash = j.is_object() ? from_hex(j.value("hash", "")) : std::nullopt;
  if (!role || !salt || !hash) {
    return Status(Code::kStorageError, "user record of '" + std::string(user) + "' is corrupted");
  }
  Record r{
      std::string(user),        *role, *salt, *hash, j.value("iterations", kPasswordIterations),
      j.value("created_at", "")};
  return std::optional<Record>(std::move(r));
}

Result<UserStore::Record> UserStore::load_existing(std::string_view user,
                                                   const storage::Snapshot& view) const {
  auto record = load(user, &view);
  if (!record.ok()) return record.status();
  if (!record->has_value()) return not_found(user);
  return std::move(**record);
}

void UserStore::save(storage::Txn& txn, const Record& r) {
  Json j = {
      {"name", r.name},         {"role", ast::role_name(r.role)}, {"salt", to_hex(r.salt)},
      {"hash", to_hex(r.hash)}, {"iterations", r.iterations},     {"created_at", r.created_at}};
  txn.put(storage::Space::kSystem, user_key(r.name), j.dump());
}

Status UserStore::change(
    std::string_view statement,
    const std::function<Status(const storage::Snapshot& view, storage::Txn& txn)>& change) {
  auto lock = take_lock_(statement);
  if (!lock.ok()) return lock.status();
  auto txn = store_.begin_under(**lock);
  STRATA_RETURN_IF_ERROR(change(*txn->snapshot(), *txn));  // the lock is released on return
  if (txn->empty()) return (*lock)->release();  // nothing to write (a restart: users exist)
  return store_.commit_and_release(*txn, /*sync=*/true, **lock);
}

Result<std::string> UserStore::ensure_admin(std::string_view password) {
  std::string generated;
  Status st = change("first start: create admin", [&](const storage::Snapshot& view,
                                                      storage::Txn& txn) -> Status {
    auto it = store_.scan_prefix(storage::Space::kSystem, kUserPrefix, &view);
    const bool any = it->valid();
    STRATA_RETURN_IF_ERROR(it->status());
    if (any) return Status::Ok();  // another server (or an earlier start) created users
    std::string chosen(password);
    if (chosen.empty()) {
      static constexpr char kAlphabet[] =
          "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
      for (unsigned char c : random_bytes(24)) generated.push_back(kAlphabet[c % 56]);
      chosen = generated;
    }
    Record r{"admin", ast::Role::kAdmin,   random_bytes(kSaltBytes),
             "",      kPasswordIterations, utc_now()};
    r.hash = hash_password(chosen, r.salt, r.iterations);
    save(txn, r);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return generated;
}

Result<ast::Role> UserStore::authenticate(std::string_view user, std::string_view password) const {
  auto record = load(user);
  if (!record.ok()) return record.status();
  // An unknown user costs the same PBKDF2 work as a known one: timing does not tell them apart.
  static const std::string kDummySalt(kSaltBytes, '\x5a');
  const Record* r = record->has_value() ? &**record : nullptr;
  std::string computed =
      hash_password(password, r ? r->salt : kDummySalt, r ? r->iterations : kPasswordIterations);
  const bool match = r && r->hash.size() == computed.size() &&
                     CRYPTO_memcmp(r->hash.data(), computed.data(), computed.size()) == 0;
  if (!match) return Status(Code::kAuthFailed, "authentication failed");
  return r->role;
}

Status UserStore::create(std::string_view user, std::string_view password, ast::Role role) {
  STRATA_RETURN_IF_ERROR(check_name(user));
  STRATA_RETURN_IF_ERROR(check_password(password));
  return change("CREATE USER", [&](const storage::Snapshot& view, storage::Txn& txn) -> Status {
    auto existing = load(user, &view);
    if (!existing.ok()) return existing.status();
    if (existing->has_value()) {
      return Status(Code::kUserExists, "User '" + std::string(user) + "' already exists");
    }
    Record r{std::string(user),   role,         random_bytes(kSaltBytes), "",
             kPasswordIterations, utc_now()};
    r.hash = hash_password(password, r.salt, r.iterations);
    save(txn, r);
    return Status::Ok();
  });
}

Status UserStore::set_password(std::string_view user, std::string_view password) {
  STRATA_RETURN_IF_ERROR(check_password(password));
  return change("ALTER USER PASSWORD", [&](const storage::Snapshot& view,
                                           storage::Txn& txn) -> Status {
    auto existing = load_existing(user, view);
    if (!existing.ok()) return existing.status();
    Record r = std::move(*existing);
    r.salt = random_bytes(kSaltBytes);
    r.iterations = std::max(r.iterations, kPasswordIterations);
    r.hash = hash_password(password, r.salt, r.iterations);
    save(txn, r);
    return Status::Ok();
  });
}

Result<size_t> UserStore::count_admins(const storage::Snapshot& view) const {
  size_t admins = 0;
  auto it = store_.scan_prefix(storage::Space::kSystem, kUserPrefix, &view);
  for (; it->valid(); it->next()) {
    Json j = Json::parse(it->value(), nullptr, false);
    if (j.is_object() && j.value("role", "") == "admin") ++admins;
  }
  STRATA_RETURN_IF_ERROR(it->status());
  return admins;
}

Status UserStore::set_role(std::string_view user, ast::Role role) {
  return change("ALTER USER ROLE", [&](const storage::Snapshot& view,
                                       storage::Txn& txn) -> Status {
    auto existing = load_existing(user, view);
    if (!existing.ok()) return existing.status();
    Record r = std::move(*existing);
    if (r.role == ast::Role::kAdmin && role != ast::Role::kAdmin) {
      auto admins = count_admins(view);
      if (!admins.ok()) return admins.status();
      if (*admins <= 1) return Status(Code::kInvalidValue, "cannot demote the last admin");
    }
    r.role = role;
    save(txn, r);
    return Status::Ok();
  });
}

Status UserStore::drop(std::string_view user) {
  return change("DROP USER", [&](const storage::Snapshot& view, storage::Txn& txn) -> Status {
    auto existing = load_existing(user, view);
    if (!existing.ok()) return existing.status();
    if (existing->role == ast::Role::kAdmin) {
      auto admins = count_admins(view);
      if (!admins.ok()) return admins.status();
      if (*admins <= 1) return Status(Code::kInvalidValue, "cannot drop the last admin");
    }
    txn.del(storage::Space::kSystem, user_key(user));
    return Status::Ok();
  });
}

Result<std::vector<UserInfo>> UserStore::list() const {
  std::vector<UserInfo> users;
  auto it = store_.scan_prefix(storage::Space::kSystem, kUserPrefix);
  for (; it->valid(); it->next()) {
    Json j = Json::parse(it->value(), nullptr, false);
    if (!j.is_object()) continue;
    users.push_back(UserInfo{std::string(it->key().substr(kUserPrefix.size())),
                             role_from_string(j.value("role", "")).value_or(ast::Role::kReader),
                             j.value("created_at", "")});
  }
  STRATA_RETURN_IF_ERROR(it->status());
  return users;
}

Result<std::optional<ast::Role>> UserStore::role_of(std::string_view user) const {
  auto record = load(user);
  if (!record.ok()) return record.status();
  if (!record->has_value()) return std::optional<ast::Role>();
  return std::optional<ast::Role>((*record)->role);
}

namespace {

Json reply(const Status& status, std::string message) {
  return status.ok() ? success_message(std::move(message)) : error(status);
}

}  // namespace

Json exec_user_statement(UserStore& users, const ast::CreateUser& s) {
  ast::Role role = s.role.value_or(ast::Role::kReader);
  return reply(users.create(s.user, s.password, role),
               "User '" + s.user + "' created with role " + ast::role_name(role));
}

Json exec_user_statement(UserStore& users, const ast::AlterUserPassword& s) {
  return reply(users.set_password(s.user, s.password), "Password of '" + s.user + "' changed");
}

Json exec_user_statement(UserStore& users, const ast::AlterUserRole& s) {
  return reply(users.set_role(s.user, s.role),
               "Role of '" + s.user + "' set to " + ast::role_name(s.role));
}

Json exec_user_statement(UserStore& users, const ast::DropUser& s) {
  return reply(users.drop(s.user), "User '" + s.user + "' dropped");
}

Json exec_user_statement(UserStore& users, const ast::ShowUsers&) {
  const auto started = std::chrono::steady_clock::now();
  auto list = users.list();
  if (!list.ok()) return error(list.status());
  Json rows = Json::array();
  for (const UserInfo& u : *list) {
    rows.push_back(
        {{"Name", u.name}, {"Role", ast::role_name(u.role)}, {"CreatedAt", u.created_at}});
  }
  const size_t n = rows.size();
  return success({{"Result", std::move(rows)},
                  {"ResultCount", n},
                  {"ExecutionTimeMS", elapsed_ms(started)}});
}

}  // namespace strata::engine
