// A database's migrations as a timeline, newest first: version, name, description, state,
// who and when, batches, drift, FAILED reasons; links to each migration and to the plan of a
// rollback to each applied version.
#include <cctype>
#include <map>
#include <vector>

#include "console/pages.hpp"
#include "console/read_session.hpp"

namespace strata::console {

namespace {

constexpr size_t kMaxReasonLookups = 50;  // FAILED migrations whose reason is fetched

std::string str(const Json& m, const char* key) {
  auto it = m.find(key);
  return it != m.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string who_when(const char* verb, const Json& m, const char* by_key, const char* at_key) {
  auto at = m.find(at_key);
  if (at == m.end() || !at->is_string()) return "";
  std::string out = verb;
  const std::string by = str(m, by_key);
  if (!by.empty()) out += " by <b>" + escape(by) + "</b>";
  return out + " on " + time_tag(*at);
}

std::string summary(const Json& answer, const std::map<std::string, int>& by_state) {
  auto count = [&](const char* state) {
    auto it = by_state.find(state);
    return std::to_string(it == by_state.end() ? 0 : it->second);
  };
  const bool drift = answer.value("schemaDrift", false);
  std::string out = "<div class=\"summary\">";
  out += "<div><div class=\"k\">Current version</div><div class=\"v\">" +
         std::to_string(answer.value("currentVersion", uint64_t{0})) + "</div></div>";
  out += "<div><div class=\"k\">Migrations</div><div class=\"v\">" +
         std::to_string(answer["migrations"].size()) + "</div></div>";
  for (const char* state : {"APPLIED", "PENDING", "FAILED", "ROLLED_BACK"}) {
    out += "<div><div class=\"k\">" + state_badge(state) + "</div><div class=\"v\">" +
           count(state) + "</div></div>";
  }
  out += "<div><div class=\"k\">Schema</div><div class=\"v\">";
  out += drift ? "<span class=\"warn\">drift</span>" : "<span class=\"ok\">matches</span>";
  out += "</div></div></div>";
  return out;
}

// The drift callout: what VERIFY MIGRATIONS names, when the viewer's role may run it.
std::string drift_callout(ReadSession& reader, uint64_t current) {
  std::string html = "<b>Schema drift.</b> The live schema is not the one the ledger says "
                     "version " + std::to_string(current) + " produced: it was changed outside "
                     "migrations. The next APPLY needs FORCE and records the drift it adopts.";
  const Json verify = reader.verify_migrations();
  if (engine::is_success(verify) && verify["problems"].is_array() &&
      !verify["problems"].empty()) {
    html += "<ul class=\"plain\">";
    for (const Json& p : verify["problems"]) html += "<li>" + escape(text_of(p)) + "</li>";
    html += "</ul>";
  } else if (!engine::is_success(verify)) {
    html += " <span class=\"muted\">(VERIFY MIGRATIONS names each difference; " +
            escape(verify.value("message", std::string())) + ")</span>";
  }
  return callout("warning", html);
}

std::string timeline_entry(const std::string& db, const Json& m, uint64_t current, bool drift,
                  const std::string& reason) {
  const uint64_t version = m.value("Version", uint64_t{0});
  const std::string state = str(m, "Status");
  std::string cls = state;
  for (char& c : cls) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (cls.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos) cls = "other";
  std::string out = "<li id=\"v" + std::to_string(version) + "\"><span class=\"dot dot-" + cls +
                    "\"></span><div class=\"entry entry-" + cls + "\"><div class=\"head\">";
  out += "<a class=\"ver\" href=\"" + escape(migration_href(db, version)) + "\">v" +
         std::to_string(version) + "</a>";
  const std::string name = str(m, "Name");
  if (!name.empty()) out += "<span class=\"title mono\">" + escape(name) + "</span>";
  auto description = m.find("Description");
  if (description != m.end() && description->is_string()) {
    out += "<span class=\"title\">" + escape(description->get<std::string>()) + "</span>";
  } else if (name.empty()) {
    out += "<span class=\"title muted\">(no description)</span>";
  }
  out += state_badge(state);
  if (version == current && state == "APPLIED") {
    out += "<span class=\"mark mark-current\">current</span>";
    if (drift) out += "<span class=\"mark mark-drift\">drift since</span>";
  }
  if (auto batch = m.find("Batch"); batch != m.end() && !batch->is_null()) {
    out += "<span class=\"mark\">batch " + escape(text_of(*batch)) + "</span>";
  }
  for (const auto& [key, value] : m.items()) {  // drift an APPLY … FORCE adopted
    if (key.find("Drift") != std::string::npos && !value.is_null() && value != false &&
        !(value.is_array() && value.empty())) {
      out += "<span class=\"mark mark-drift\">adopted drift</span>";
      break;
    }
  }
  out += "</div><div class=\"who\">";
  std::string who = who_when("created", m, "CreatedBy", "CreatedAt");
  for (const std::string& part : {who_when("applied", m, "AppliedBy", "AppliedAt"),
                                  who_when("rolled back", m, "RolledBackBy", "RolledBackAt")}) {
    if (!part.empty()) who += " · " + part;
  }
  const uint64_t commands = m.value("CommandCount", uint64_t{0});
  who += " · " + std::to_string(commands) + (commands == 1 ? " command" : " commands");
  out += who + "</div>";
  if (!reason.empty()) out += "<div class=\"reason\">" + escape(reason) + "</div>";
  out += "<div class=\"links\"><a href=\"" + escape(migration_href(db, version)) +
         "\">commands, DOWN, validation, events</a>";
  if (state == "APPLIED" || state == "ROLLED_BACK") {
    out += "<a href=\"" + escape(schema_href(db, version)) + "\">schema</a>";
    out += "<a href=\"" + escape(diff_href(db, version - 1, version)) + "\">diff with v" +
           std::to_string(version - 1) + "</a>";
  }
  if (state == "APPLIED" && version < current) {
    out += "<a href=\"" + escape(rollback_href(db, version)) + "\">plan a rollback to v" +
           std::to_string(version) + "</a>";
  }
  out += "</div></div></li>";
  return out;
}

}  // namespace

PageResult timeline_page(engine::Engine& engine, const Identity& who, const std::string& db,
                         std::optional<uint64_t> before) {
  const std::vector<Crumb> crumbs = {{"Databases", "/"}, {db, ""}};
  ReadSession reader(engine, who.user, who.role);
  const Json answer = reader.show_migrations(db);
  if (!engine::is_success(answer)) return engine_error_page(who, crumbs, db, answer);
  const Json& migrations = answer["migrations"];
  const uint64_t current = answer.value("currentVersion", uint64_t{0});
  const bool drift = answer.value("schemaDrift", false);
  std::map<std::string, int> by_state;
  for (const Json& m : migrations) ++by_state[str(m, "Status")];

  // This page's entries: newest first, older than `before`, at most kTimelinePage.
  std::vector<const Json*> shown;
  bool more = false;
  for (auto it = migrations.rbegin(); it != migrations.rend(); ++it) {
    if (before && it->value("Version", uint64_t{0}) >= *before) continue;
    if (shown.size() == kTimelinePage) {
      more = true;
      break;
    }
    shown.push_back(&*it);
  }

  const bool used = engine::is_success(reader.use(db));
  std::map<uint64_t, std::string> reasons;  // FAILED versions' FailureReason
  for (const Json* entry : shown) {
    const Json& m = *entry;
    if (!used || reasons.size() >= kMaxReasonLookups || str(m, "Status") != "FAILED") continue;
    const uint64_t v = m.value("Version", uint64_t{0});
    const Json detail = reader.show_migration(v);
    if (engine::is_success(detail)) reasons[v] = str(detail["migration"], "FailureReason");
  }

  std::string body = "<h1>" + escape(db) + "</h1>";
  body += "<p class=\"lead\">The migration timeline, newest first.</p>";
  body += summary(answer, by_state);
  if (drift && used) body += drift_callout(reader, current);
  if (migrations.empty()) {
    body += callout("info", "No migrations yet. <code>START MIGRATION … COMMIT</code> records "
                            "the first.");
  } else {
    std::map<std::string, int> batch_sizes;
    for (const Json& m : migrations) {
      if (auto b = m.find("Batch"); b != m.end() && !b->is_null()) ++batch_sizes[b->dump()];
    }
    body += "<section class=\"panel\"><ol class=\"timeline\">";
    std::string previous_batch;
    for (const Json* entry : shown) {
      const Json& m = *entry;
      if (auto b = m.find("Batch"); b != m.end() && !b->is_null()) {
        const std::string key = b->dump();
        if (key != previous_batch && batch_sizes[key] > 1) {
          body += "<li class=\"batch\">batch " + escape(text_of(*b)) + " · applied together</li>";
        }
        previous_batch = key;
      } else {
        previous_batch.clear();
      }
      const uint64_t v = m.value("Version", uint64_t{0});
      auto reason = reasons.find(v);
      body += timeline_entry(db, m, current, drift, reason == reasons.end() ? "" : reason->second);
    }
    body += "</ol></section>";
    if (before || more) {
      body += "<p class=\"muted\">";
      if (before) body += "<a href=\"" + escape(database_href(db)) + "\">← newest migrations</a> ";
      if (more && !shown.empty()) {
        const uint64_t oldest = shown.back()->value("Version", uint64_t{0});
        body += "<a href=\"" + escape(database_href(db)) + "&amp;before=" +
                std::to_string(oldest) + "\">older migrations →</a>";
      }
      body += "</p>";
    }
    body += "<p class=\"muted\"><a href=\"" + escape(schema_href(db, std::nullopt)) +
            "\">The live schema</a> (and its drift, if any)</p>";
    if (current > 0) {
      body += "<p class=\"muted\"><a href=\"" + escape(rollback_href(db, 0)) +
              "\">Plan a rollback of every applied migration (to version 0)</a></p>";
    }
  }
  return {200, page(db, who.viewer, crumbs, body)};
}

}  // namespace strata::console
