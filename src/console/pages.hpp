#pragma once
// The console's pages (SPEC §12), each a function from what the request asked to a whole HTML
// page, reading through a ReadSession of the viewer (read_session.hpp). None of them sees
// HTTP: console.cpp parses the request and picks the page.
//
//   databases_page   /                       every database: current version, states, drift
//   timeline_page    /db?name=D[&before=V]   D's migrations as a timeline, newest first, a
//                                            page of kTimelinePage at a time (older than V)
//   migration_page   /migration?db=D&version=N   commands, DOWN list, checksums, the last
//                                            validation report as a phase table, events
//   rollback_page    /rollback?db=D&to=T     the plan of APPLY ROLLBACK TO VERSION T, from
//                                            VALIDATE ROLLBACK (which changes nothing)
//   schema_page      /schema?db=D[&version=N]  the schema at version N (live without N) as
//                                            CREATE statements and tables (page_schema.cpp)
//   diff_page        /diff?db=D&from=A&to=B  the differences between the schemas of A and B
//   login_page       /login
//
// An engine error (unknown database, a role that may not look) becomes an error page with the
// HTTP status that fits (404, 403, 400, 500) and the engine's code and message.
// Thread-safety: pure functions of their arguments and the engine's answers.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/json.hpp"
#include "console/html.hpp"
#include "engine/engine.hpp"

namespace strata::console {

// Who asks: the engine session's user and role; `viewer` is what the top bar shows (empty
// when the console runs without login).
struct Identity {
  std::string user;
  ast::Role role = ast::Role::kReader;
  Viewer viewer;
};

struct PageResult {
  int status = 200;
  std::string html;
};

PageResult databases_page(engine::Engine& engine, const Identity& who);
inline constexpr size_t kTimelinePage = 100;
PageResult timeline_page(engine::Engine& engine, const Identity& who, const std::string& db,
                         std::optional<uint64_t> before = std::nullopt);
PageResult migration_page(engine::Engine& engine, const Identity& who, const std::string& db,
                          uint64_t version);
PageResult rollback_page(engine::Engine& engine, const Identity& who, const std::string& db,
                         uint64_t target);
PageResult schema_page(engine::Engine& engine, const Identity& who, const std::string& db,
                       std::optional<uint64_t> version);
PageResult diff_page(engine::Engine& engine, const Identity& who, const std::string& db,
                     uint64_t from, uint64_t to);

// The login form. `next` is where to go after it (a local path), `error` a message to show.
PageResult login_page(std::string_view next, std::string_view error, std::string_view user,
                      int status = 200);
// A page with one message (bad request, not found, too many attempts, …).
PageResult message_page(const Identity& who, int status, std::string_view title,
                        std::string_view message);
// The page of an engine error response (SPEC §5 shape) met while building `title`.
PageResult engine_error_page(const Identity& who, const std::vector<Crumb>& crumbs,
                             std::string_view title, const Json& response);

// Links to the pages.
std::string database_href(std::string_view db);
std::string migration_href(std::string_view db, uint64_t version);
std::string rollback_href(std::string_view db, uint64_t target);
std::string schema_href(std::string_view db, std::optional<uint64_t> version);
std::string diff_href(std::string_view db, uint64_t from, uint64_t to);

}  // namespace strata::console
