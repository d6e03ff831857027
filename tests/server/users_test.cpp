// engine::UserStore (SPEC §3.4, §6): PBKDF2 hashes with per-user salt, roles, last-admin rules,
// and that no password is ever stored in clear.
#include "engine/users.hpp"

#include <catch2/catch.hpp>

#include "server/server_process.hpp"
#include "storage/store.hpp"

using namespace strata;
using strata::server::testing::TempDir;

TEST_CASE("users: PBKDF2-HMAC-SHA256 matches the RFC 7914 test vector") {
  // PBKDF2-HMAC-SHA256 (P="passwd", S="salt", c=1, dkLen=32) from RFC 7914 §11.
  std::string hash = engine::hash_password("passwd", "salt", 1);
  const unsigned char expected[] = {0x55, 0xac, 0x04, 0x6e, 0x56, 0xe3, 0x08, 0x9f,
                                    0xec, 0x16, 0x91, 0xc2, 0x25, 0x44, 0xb6, 0x05,
                                    0xf9, 0x41, 0x85, 0x21, 0x6d, 0xde, 0x04, 0x65,
                                    0xe6, 0x8b, 0x9d, 0x57, 0xc2, 0x0d, 0xac, 0xbc};
  CHECK(hash == std::string(reinterpret_cast<const char*>(expected), 32));
}

TEST_CASE("users: first admin - authentication - roles - last-admin rules") {
  TempDir dir;
  storage::Options options;
  options.path = dir.path() + "/data";
  auto store = storage::Store::Open(options);
  REQUIRE(store.ok());
  engine::UserStore users(**store, [&](std::string_view statement) {
    return (*store)->lock("users", storage::LockOwner{"test", "0", std::string(statement)},
                          std::chrono::seconds(5));
  });

  auto generated = users.ensure_admin("");
  REQUIRE(generated.ok());
  CHECK(generated->size() == 24);
  auto again = users.ensure_admin("other");
  REQUIRE(again.ok());
  CHECK(again->empty());  // users exist: nothing generated, password unchanged
  CHECK(users.authenticate("admin", *generated).ok());
  CHECK(users.authenticate("admin", "other").status().code() == Code::kAuthFailed);
  CHECK(users.authenticate("ghost", "x").status().code() == Code::kAuthFailed);

  CHECK(users.create("bob", "b-pass", ast::Role::kReader).ok());
  CHECK(users.create("bob", "b-pass", ast::Role::kReader).code() == Code::kUserExists);
  CHECK(users.create("", "x", ast::Role::kReader).code() == Code::kInvalidValue);
  CHECK(users.create("eve", "", ast::Role::kReader).code() == Code::kInvalidValue);
  auto role = users.authenticate("bob", "b-pass");
  REQUIRE(role.ok());
  CHECK(*role == ast::Role::kReader);
  CHECK(users.set_password("bob", "new-pass").ok());
  CHECK_FALSE(users.authenticate("bob", "b-pass").ok());
  CHECK(users.authenticate("bob", "new-pass").ok());
  CHECK(users.set_role("bob", ast::Role::kMigrator).ok());
  CHECK(*users.authenticate("bob", "new-pass") == ast::Role::kMigrator);

  CHECK(users.set_role("admin", ast::Role::kReader).code() == Code::kInvalidValue);
  CHECK(users.drop("admin").code() == Code::kInvalidValue);
  CHECK(users.set_role("bob", ast::Role::kAdmin).ok());
  CHECK(users.drop("admin").ok());
  CHECK(users.drop("admin").code() == Code::kUserNotFound);

  auto list = users.list();
  REQUIRE(list.ok());
  REQUIRE(list->size() == 1);
  CHECK((*list)[0].name == "bob");

  // Same password, two users: different salts, different hashes; nothing in clear.
  CHECK(users.create("carol", "same", ast::Role::kReader).ok());
  CHECK(users.create("dave", "same", ast::Role::kReader).ok());
  auto carol = (*store)->get(storage::Space::kSystem, "user/carol");
  auto dave = (*store)->get(storage::Space::kSystem, "user/dave");
  REQUIRE((carol.ok() && carol->has_value() && dave.ok() && dave->has_value()));
  auto c = Json::parse(**carol), d = Json::parse(**dave);
  CHECK(c["salt"] != d["salt"]);
  CHECK(c["hash"] != d["hash"]);
  CHECK(c["iterations"].get<uint32_t>() >= 100000);
  CHECK((**carol).find("same") == std::string::npos);
}

TEST_CASE("users: user statements answer without ever echoing a password") {
  TempDir dir;
  storage::Options options;
  options.path = dir.path() + "/data";
  auto store = storage::Store::Open(options);
  REQUIRE(store.ok());
  engine::UserStore users(**store, [&](std::string_view statement) {
    return (*store)->lock("users", storage::LockOwner{"test", "0", std::string(statement)},
                          std::chrono::seconds(5));
  });
  REQUIRE(users.ensure_admin("a").ok());
  Json created = engine::exec_user_statement(
      users, ast::CreateUser{"u", "hunter2", ast::Role::kMigrator, {}});
  CHECK(created["success"] == true);
  CHECK(created.dump().find("hunter2") == std::string::npos);
  Json changed = engine::exec_user_statement(users, ast::AlterUserPassword{"u", "hunter3", {}});
  CHECK(changed["success"] == true);
  CHECK(changed.dump().find("hunter3") == std::string::npos);
  Json shown = engine::exec_user_statement(users, ast::ShowUsers{});
  CHECK(shown["ResultCount"] == 2);
  CHECK(shown.dump().find("hunter2") == std::string::npos);
}
