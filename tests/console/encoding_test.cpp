// The console's encodings and its login table, on their own.
#include "console/encoding.hpp"

#include <catch2/catch.hpp>

#include <thread>

#include "console/web_sessions.hpp"

using namespace strata::console;

TEST_CASE("escape leaves no markup", "[console]") {
  CHECK(escape("<script>alert('x') & \"y\"</script>") ==
        "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
  CHECK(escape("plain ünïcode") == "plain ünïcode");
}

TEST_CASE("url_encode keeps only unreserved characters", "[console]") {
  CHECK(url_encode("a b&c=d/é") == "a%20b%26c%3Dd%2F%C3%A9");
  CHECK(url_encode("A-z_0.9~") == "A-z_0.9~");
}

TEST_CASE("base64 round-trips and refuses malformed text", "[console]") {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "user:pa:ss"}) {
    std::string back;
    REQUIRE(base64_decode(base64_encode(s), &back));
    CHECK(back == s);
  }
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(base64_encode("fo") == "Zm8=");
  std::string out;
  CHECK(!base64_decode("Zm9", &out));
  CHECK(!base64_decode("Zm=v", &out));
  CHECK(!base64_decode("Z!9v", &out));
  CHECK(!base64_decode("=m9v", &out));
}

TEST_CASE("web sessions end at logout, when idle and when old", "[console]") {
  using namespace std::chrono_literals;
  WebSessions sessions(150ms, 1h, 3);
  const std::string a = sessions.create("ann");
  CHECK(a.size() == 64);
  CHECK(sessions.find(a) == "ann");
  CHECK(sessions.find(std::string(64, '0')) == std::nullopt);
  CHECK(sessions.find(a.substr(1)) == std::nullopt);
  sessions.erase(a);
  CHECK(sessions.find(a) == std::nullopt);

  const std::string b = sessions.create("bob");
  std::this_thread::sleep_for(100ms);
  CHECK(sessions.find(b) == "bob");  // use keeps it alive
  std::this_thread::sleep_for(100ms);
  CHECK(sessions.find(b) == "bob");
  std::this_thread::sleep_for(200ms);
  CHECK(sessions.find(b) == std::nullopt);  // idle too long

  WebSessions short_lived(1h, 100ms, 3);
  const std::string c = short_lived.create("cy");
  std::this_thread::sleep_for(150ms);
  CHECK(short_lived.find(c) == std::nullopt);  // too old, however busy

  WebSessions small(1h, 1h, 2);
  const std::string d1 = small.create("d1");
  std::this_thread::sleep_for(2ms);
  const std::string d2 = small.create("d2");
  const std::string d3 = small.create("d3");  // full: the oldest goes
  CHECK(small.find(d1) == std::nullopt);
  CHECK(small.find(d2) == "d2");
  CHECK(small.find(d3) == "d3");
  CHECK(small.size() == 2);
}
