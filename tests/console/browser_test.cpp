// The console in a real browser (SPEC §12): Debian's headless Chromium, driven through
// chromedriver's WebDriver API, logs in, opens the timeline, a migration, a rollback plan and
// the lab database whose names are script tags, logs out; the test reads what the browser
// rendered and checks that every screenshot is a page, not a blank. The screenshots are kept
// in $STRATA_SCREENSHOT_DIR (default: console-screenshots/ in the test's directory); the ones
// in docs/ come from this test. Without chromium the test is skipped with the reason printed.
#include <cstdio>
#include <fstream>

#include "console/console_fixture.hpp"
#include "console/png.hpp"
#include "console/webdriver.hpp"

using namespace strata::console::testing;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string screenshot_dir() {
  const char* env = std::getenv("STRATA_SCREENSHOT_DIR");
  std::string dir = env && *env ? env : "console-screenshots";
  std::filesystem::create_directories(dir);
  return dir;
}

// Saves the browser's screenshot as `name` and checks it shows a rendered page.
void keep_screenshot(WebDriver& browser, const std::string& name) {
  const std::string png = browser.screenshot();
  const std::string path = screenshot_dir() + "/" + name;
  std::ofstream(path, std::ios::binary) << png;
  const PngStats stats = png_stats(png);
  INFO(path << ": " << stats.error << " " << stats.width << "x" << stats.height << ", "
            << stats.distinct_colors << " colors, commonest " << stats.commonest_share);
  REQUIRE(stats.ok);
  CHECK(stats.width >= 1000);
  CHECK(stats.distinct_colors >= 32);       // text, badges, borders: not a blank page
  CHECK(stats.commonest_share < 0.95);
  std::printf("screenshot %s: %ux%u, %zu colors\n", path.c_str(), stats.width, stats.height,
              stats.distinct_colors);
}

}  // namespace

TEST_CASE("a real browser logs in, reads the timeline and a migration, and logs out",
          "[console][browser]") {
  const std::string missing = browser_missing();
  if (!missing.empty()) {
    std::printf("browser test skipped: %s\n", missing.c_str());
    WARN("browser test skipped: " << missing);
    return;
  }
  ConsoleServer s;
  TempDir profile;
  WebDriver browser(profile.path() + "/chromium", profile.path() + "/chromedriver.log", 1280,
                    1400);
  const std::string base = "http://127.0.0.1:" + std::to_string(s.http_port());

  // Not logged in: the timeline sends the browser to the login form.
  browser.go(base + "/db?name=shop");
  CHECK(browser.url().rfind(base + "/login?next=", 0) == 0);
  CHECK(contains(browser.text(), "Sign in"));
  keep_screenshot(browser, "login.png");
  browser.type(browser.find("#user"), "milo");
  browser.type(browser.find("#password"), "milo-pw");
  browser.follow(browser.find("form button[type=submit]"));

  // Logged in, back where it was going: the timeline.
  CHECK(browser.url() == base + "/db?name=shop");
  CHECK(browser.title() == "shop · Strata");
  std::string text = browser.text();
  for (const char* part : {"milo · migrator", "Gift cards", "Shipping addresses", "FAILED",
                           "ROLLED_BACK", "PENDING", "APPLIED", "created by milo",
                           "plan a rollback to v2"}) {
    CHECK(contains(text, part));
  }
  keep_screenshot(browser, "timeline.png");

  // A link on the timeline opens migration 4.
  browser.follow(browser.find("a.ver[href='/migration?db=shop&version=4']"));
  CHECK(browser.url() == base + "/migration?db=shop&version=4");
  text = browser.text();
  for (const char* part : {"v4 · Loyalty points", "Commands", "DOWN commands",
                           "UPDATE BUNDLE \"Customers\" REMOVE FIELD \"points\"", "Checksums",
                           "Last validation", "Reversibility", "Events",
                           "APPLY MIGRATION WITH VERSION 4"}) {
    CHECK(contains(text, part));
  }
  keep_screenshot(browser, "migration.png");

  browser.go(base + "/rollback?db=shop&to=2");
  text = browser.text();
  CHECK(contains(text, "Can roll back."));
  CHECK(contains(text, "Data impact"));
  keep_screenshot(browser, "rollback.png");

  browser.go(base + "/");
  CHECK(contains(browser.text(), "schema drift"));
  keep_screenshot(browser, "databases.png");

  // Script tags as names are shown as text (an alert would also fail the next WebDriver call).
  browser.go(base + "/migration?db=lab&version=1");
  text = browser.text();
  CHECK(contains(text, kXssBundle));
  CHECK(contains(text, kXssDescription));
  CHECK(browser.title().rfind("v1", 0) == 0);

  // Log out: back to the form, and the pages are closed again.
  browser.follow(browser.find("header form button"));
  CHECK(browser.url() == base + "/login");
  browser.go(base + "/db?name=shop");
  CHECK(browser.url().rfind(base + "/login", 0) == 0);
  CHECK(!contains(browser.text(), "Gift cards"));
}
