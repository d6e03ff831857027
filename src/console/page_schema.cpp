// The schema pages (SPEC §12 from §4.10's recorded schemas), read-only:
//   schema_page  /schema?db=D[&version=N]   the schema at version N (the live one without N)
//                                           as canonical CREATE statements and as a table of
//                                           bundles, fields and indexes; the live one names
//                                           its drift
//   diff_page    /diff?db=D&from=A&to=B     what changed between the schemas of A and B,
//                                           object by object (engine/schema_diff.hpp)
// Both read SHOW SCHEMA [AT VERSION n] through the viewer's ReadSession; every name is escaped.
#include "console/pages.hpp"
#include "console/read_session.hpp"
#include "engine/recorded_schema.hpp"
#include "engine/schema_diff.hpp"

namespace strata::console {

namespace {

std::string version_label(std::optional<uint64_t> version) {
  return version ? "v" + std::to_string(*version) : std::string("live");
}

std::string bundles_section(const Json& schema) {
  const Json bundles = schema.value("Bundles", Json::array());
  if (bundles.empty()) return section("Bundles", "<p class=\"empty\">No bundles.</p>");
  std::string html;
  for (const Json& b : bundles) {
    html += "<h2 style=\"margin-top:10px\">" + escape(text_of(b.value("Name", Json()))) + "</h2>";
    html += "<table><tr><th>Field</th><th>Type</th><th>Required</th><th>Unique</th>"
            "<th>Default</th></tr>";
    for (const Json& f : b.value("Fields", Json::array())) {
      html += "<tr><td><code>" + escape(text_of(f.value("Name", Json()))) + "</code></td><td>" +
              escape(text_of(f.value("Type", Json()))) + "</td><td>" +
              (f.value("Required", false) ? "yes" : "no") + "</td><td>" +
              (f.value("Unique", false) ? "yes" : "no") + "</td><td>" +
              escape(text_of(f.value("Default", Json()))) + "</td></tr>";
    }
    html += "</table>";
    std::string extra;
    for (const Json& i : b.value("Indexes", Json::array())) {
      extra += "<li>index <code>" + escape(text_of(i.value("Name", Json()))) + "</code> " +
               escape(text_of(i.value("Kind", Json()))) + " on " +
               escape(text_of(i.value("Fields", Json()))) +
               (i.value("Unique", false) ? " unique" : "") +
               (i.value("Implicit", false) ? " (implicit)" : "") + "</li>";
    }
    for (const Json& r : b.value("Relationships", Json::array())) {
      extra += "<li>relationship <code>" + escape(text_of(r.value("Name", Json()))) +
               "</code> to " + escape(text_of(r.value("To", Json()))) + "</li>";
    }
    if (!extra.empty()) html += "<ul class=\"plain\">" + extra + "</ul>";
  }
  return section("Bundles", html);
}

}  // namespace

std::string schema_href(std::string_view db, std::optional<uint64_t> version) {
  std::string href = "/schema?db=" + url_encode(db);
  if (version) href += "&version=" + std::to_string(*version);
  return href;
}

std::string diff_href(std::string_view db, uint64_t from, uint64_t to) {
  return "/diff?db=" + url_encode(db) + "&from=" + std::to_string(from) +
         "&to=" + std::to_string(to);
}

PageResult schema_page(engine::Engine& engine, const Identity& who, const std::string& db,
                       std::optional<uint64_t> version) {
  const std::string title = "Schema " + version_label(version);
  const std::vector<Crumb> crumbs = {{"Databases", "/"}, {db, database_href(db)}, {title, ""}};
  ReadSession reader(engine, who.user, who.role);
  const Json used = reader.use(db);
  if (!engine::is_success(used)) return engine_error_page(who, crumbs, title, used);
  const Json answer = reader.show_schema(version);
  if (!engine::is_success(answer)) return engine_error_page(who, crumbs, title, answer);
  const uint64_t shown = answer.value("version", uint64_t{0});
  const uint64_t current = answer.value("currentVersion", uint64_t{0});

  std::string body = "<h1>Schema of " + escape(db) + (version ? " at version " +
                     std::to_string(*version) : std::string(" (live)")) + "</h1>";
  body += "<p class=\"lead\">" +
          std::string(version ? "As the ledger recorded it when it last arrived at this "
                                "version (its APPLY, or a rollback to it)."
                              : "The schema as it is now.") + "</p>";
  const Json drift = answer.value("drift", Json::array());
  if (!drift.empty()) {
    body += callout("warning", "<b>Schema drift.</b> Changed outside migrations since the last "
                               "APPLY or rollback:" +
                                   list_items(Json(engine::drift_messages(drift))));
  }
  std::string links;
  if (shown > 0) {
    links += "<a href=\"" + escape(diff_href(db, shown - 1, shown)) + "\">diff with v" +
             std::to_string(shown - 1) + "</a> ";
    links += "<a href=\"" + escape(migration_href(db, shown)) + "\">migration v" +
             std::to_string(shown) + "</a> ";
  }
  if (version && *version != current) {
    links += "<a href=\"" + escape(diff_href(db, *version, current)) + "\">diff with the current "
             "version v" + std::to_string(current) + "</a>";
  }
  body += section("Summary",
                  facts({{"Version", version ? std::to_string(*version)
                                             : "live (current version " +
                                                   std::to_string(current) + ")"},
                         {"Schema checksum", "<code>" +
                                                 escape(text_of(answer.value("schemaChecksum",
                                                                             Json()))) +
                                                 "</code>"},
                         {"Links", links.empty() ? "<span class=\"muted\">—</span>" : links}}));
  body += section("CREATE statements",
                  code_list(answer.value("statements", Json::array()), "An empty schema."));
  body += bundles_section(answer.value("schema", Json::object()));
  return {200, page(title + " · " + db, who.viewer, crumbs, body)};
}

PageResult diff_page(engine::Engine& engine, const Identity& who, const std::string& db,
                     uint64_t from, uint64_t to) {
  const std::string title = "Diff v" + std::to_string(from) + " → v" + std::to_string(to);
  const std::vector<Crumb> crumbs = {{"Databases", "/"}, {db, database_href(db)}, {title, ""}};
  ReadSession reader(engine, who.user, who.role);
  const Json used = reader.use(db);
  if (!engine::is_success(used)) return engine_error_page(who, crumbs, title, used);
  const Json a = reader.show_schema(from);
  if (!engine::is_success(a)) return engine_error_page(who, crumbs, title, a);
  const Json b = reader.show_schema(to);
  if (!engine::is_success(b)) return engine_error_page(who, crumbs, title, b);
  auto sa = engine::schema_from_json(a.value("schema", Json::object()));
  auto sb = engine::schema_from_json(b.value("schema", Json::object()));
  if (!sa.ok() || !sb.ok()) {
    return message_page(who, 500, title, "A recorded schema could not be read.");
  }
  Json changes = Json::array();
  for (const auto& d : engine::schema_diff(*sa, *sb)) changes.push_back(engine::describe(d));

  std::string body = "<h1>Schema of " + escape(db) + ": version " + std::to_string(from) +
                     " → version " + std::to_string(to) + "</h1>";
  body += "<p class=\"lead\">What the schema of <a href=\"" + escape(schema_href(db, to)) +
          "\">v" + std::to_string(to) + "</a> has that <a href=\"" +
          escape(schema_href(db, from)) + "\">v" + std::to_string(from) +
          "</a> had not (added), the reverse (removed), and what both have differently.</p>";
  body += section("Differences", changes.empty()
                                     ? std::string("<p class=\"empty\">No differences.</p>")
                                     : list_items(changes));
  body += section("CREATE statements at v" + std::to_string(from),
                  code_list(a.value("statements", Json::array()), "An empty schema."));
  body += section("CREATE statements at v" + std::to_string(to),
                  code_list(b.value("statements", Json::array()), "An empty schema."));
  return {200, page(title + " · " + db, who.viewer, crumbs, body)};
}

}  // namespace strata::console
