#pragma once
// Users, passwords and roles (SPEC §3.4, §6). Server-independent: the engine's gate and the
// server's handshake/AUTH path both use it.
//
// A user is a name, a role (admin / migrator / reader) and a password stored only as a salted
// PBKDF2-HMAC-SHA256 hash (OpenSSL PKCS5_PBKDF2_HMAC, kPasswordIterations rounds, 16 random
// bytes of salt per user; the iteration count is stored with each user so it can be raised
// later). Passwords are compared in constant time and are never logged, stored in clear or
// returned; SHOW USERS lists names, roles and creation times only.
//
// Records live in storage Space::kSystem under "user/<name>" as JSON
// {"name","role","salt","hash","iterations","created_at"} (salt and hash in hex). Every change
// is one synced commit.
//
// Thread-safety: UserStore is safe for concurrent use. Reads go straight to the store. A change
// runs under the store lock "users" (the engine's take_lock: in cluster mode an etcd lease lock
// shared by every server, listed by SHOW LOCKS; on RocksDB an in-process one): it checks
// (exists? the last admin?) on the state as of the lock and commits fenced by it, so two
// servers cannot both create "admin" at their first start, both add one user, or together
// drop the last two admins.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.hpp"
#include "common/status.hpp"
#include "parser/ast.hpp"
#include "storage/store.hpp"

namespace strata::engine {

inline constexpr uint32_t kPasswordIterations = 100000;


// PBKDF2-HMAC-SHA256 of `password` with `salt`: 32 raw bytes.
std::string hash_password(std::string_view password, std::string_view salt, uint32_t iterations);

struct UserInfo {
  std::string name;
  ast::Role role = ast::Role::kReader;
  std::string created_at;  // RFC 3339, UTC
};

class UserStore {
 public:
  // Takes the lock "users" for a change made by `statement` (SHOW LOCKS shows it).
  using TakeLock =
      std::function<Result<std::unique_ptr<storage::Lock>>(std::string_view statement)>;
  UserStore(storage::Store& store, TakeLock take_lock)
      : store_(store), take_lock_(std::move(take_lock)) {}

  // First start: when no user exists, creates "admin" (role admin) with `password`, or with
  // a random 24-character password when `password` is empty. Returns the generated password
  // (to be shown once) or "" when none was generated or users already existed.
  Result<std::string> ensure_admin(std::string_view password);

  // The user's role when `password` is right. Errors: kAuthFailed "authentication failed"
  // for an unknown user and a wrong password alike (the same work is done either way);
  // kStorageError.
  Result<ast::Role> authenticate(std::string_view user, std::string_view password) const;

  // Errors: kInvalidValue (empty or over-long name, control characters, empty password),
  // kUserExists, kStorageError.
  Status create(std::string_view user, std::string_view password, ast::Role role);
  // Errors: kUserNotFound, kInvalidValue (empty password), kStorageError.
  Status set_password(std::string_view user, std::string_view password);
  // Errors: kUserNotFound, kInvalidValue (demoting the last admin), kStorageError.
  Status set_role(std::string_view user, ast::Role role);
  // Errors: kUserNotFound, kInvalidValue (dropping the last admin), kStorageError.
  Status drop(std::string_view user);
  // Every user, ordered by name.
  Result<std::vector<UserInfo>> list() const;
  // The user's role; nullopt when there is no such user.
  Result<std::optional<ast::Role>> role_of(std::string_view user) const;

 private:
  struct Record;
  // On `view` (null: the latest state).
  Result<std::optional<Record>> load(std::string_view user,
                                     const storage::Snapshot* view = nullptr) const;
  // load(), with kUserNotFound for a user that does not exist.
  Result<Record> load_existing(std::string_view user, const storage::Snapshot& view) const;
  Result<size_t> count_admins(const storage::Snapshot& view) const;
  static void save(storage::Txn& txn, const Record& record);
  // Runs `change` under the lock "users": it reads through `view`, the state as of the lock,
  // and writes to `txn`, which is committed (synced) fenced by the lock when it answers ok.
  Status change(std::string_view statement,
                const std::function<Status(const storage::Snapshot& view, storage::Txn& txn)>&
                    change);

  storage::Store& store_;
  TakeLock take_lock_;
};

// SPEC §3.4 user statements, answered by the gate after its role check (admin only).
Json exec_user_statement(UserStore& users, const ast::CreateUser& s);
Json exec_user_statement(UserStore& users, const ast::AlterUserPassword& s);
Json exec_user_statement(UserStore& users, const ast::AlterUserRole& s);
Json exec_user_statement(UserStore& users, const ast::DropUser& s);
Json exec_user_statement(UserStore& users, const ast::ShowUsers& s);

}  // namespace strata::engine
