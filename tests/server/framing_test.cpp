// Wire framing (SPEC §6) against the in-process server with the fake handler: ';' and EOT,
// packets split anywhere, pipelining, half-close, PROTOCOL_VERSION, the framer on its own.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <thread>

#include "server/fake_handler.hpp"
#include "server/framer.hpp"
#include "server/handshake.hpp"
#include "server/test_client.hpp"
#include "server/test_server.hpp"

using namespace strata::server;
using namespace strata::server::testing;
using nlohmann::json;

namespace {

std::string echo_of(const std::string& line) { return json::parse(line).at("echo"); }

const std::string kMigration =
    "START MIGRATION WITH DESCRIPTION \"add; users\"\n"
    "  CREATE BUNDLE \"Users\" WITH FIELDS ({\"name\", STRING, true, false});\n"
    "  -- a comment; with a semicolon\n"
    "  UPDATE BUNDLE \"Users\" ADD FIELD {\"age\", INT, false, false} /* ; */;\n"
    "DOWN\n"
    "  DROP BUNDLE \"Users\";\n"
    "COMMIT";

}  // namespace

TEST_CASE("framer labels statements - handshake - PROTOCOL_VERSION and oversized frames") {
  Framer framer(64);
  framer.feed("PROTOCOL_VERSION 2\x04syndrdb://h:1:main:admin:pw;PING;\x04 \x04;");
  auto f1 = framer.next();
  REQUIRE(f1);
  CHECK(f1->kind == Frame::Kind::kProtocolVersion);
  auto f2 = framer.next();
  REQUIRE(f2);
  CHECK(f2->kind == Frame::Kind::kHandshake);
  auto f3 = framer.next();
  REQUIRE(f3);
  CHECK(f3->kind == Frame::Kind::kStatement);
  CHECK(f3->text == "PING");
  CHECK_FALSE(framer.next());
  framer.feed("syndrdb://h:1:main:admin:pw;");  // not first: an ordinary statement
  auto f4 = framer.next();
  REQUIRE(f4);
  CHECK(f4->kind == Frame::Kind::kStatement);
  framer.feed(std::string(100, 'x') + ";PING;");
  auto f5 = framer.next();
  REQUIRE(f5);
  CHECK(f5->kind == Frame::Kind::kOversized);
}

TEST_CASE("handshake strings and protocol frames parse") {
  auto request = parse_handshake("  syndrdb://localhost:1776:main:bob:pa:ss  ");
  REQUIRE(request);
  CHECK(request->host == "localhost");
  CHECK(request->port == "1776");
  CHECK(request->database == "main");
  CHECK(request->user == "bob");
  CHECK(request->password == "pa:ss");
  CHECK_FALSE(parse_handshake("syndrdb://localhost:1776:main"));
  CHECK_FALSE(parse_handshake("syndrdb://h:1::bob:pw"));
  CHECK(parse_protocol_version("protocol_version 2") == 2);
  CHECK(parse_protocol_version("PROTOCOL_VERSION x") == -1);
  CHECK_FALSE(parse_protocol_version("PROTOCOL_VERSIONS 2"));
  CHECK(protocol_version_reply(2) == "PROTOCOL_OK 2\n");
  CHECK(protocol_version_reply(3).find("UNSUPPORTED") != std::string::npos);
}

TEST_CASE("semicolon and EOT both end statements - empty frames are ignored") {
  FakeHandler handler;
  InProcessServer server(handler);
  TestClient client(server.port());
  REQUIRE(client.send("ECHO a;ECHO b\x04\x04  \x04;\n;ECHO c\x04 ECHO \"x;y\"; -- tail\n"));
  auto lines = client.read_lines(4);
  REQUIRE(lines.size() == 4);
  CHECK(echo_of(lines[0]) == "ECHO a");
  CHECK(echo_of(lines[1]) == "ECHO b");
  CHECK(echo_of(lines[2]) == "ECHO c");
  CHECK(echo_of(lines[3]) == "ECHO \"x;y\"");
  CHECK_FALSE(client.read_line(std::chrono::milliseconds(200)));  // nothing for empty frames
}

TEST_CASE("PROTOCOL_VERSION 2 + EOT is answered PROTOCOL_OK 2") {
  FakeHandler handler;
  InProcessServer server(handler);
  TestClient client(server.port());
  REQUIRE(client.send("PROTOCOL_VERSION 2\x04PING\x04"));
  auto lines = client.read_lines(2);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "PROTOCOL_OK 2");
  CHECK(json::parse(lines[1]).at("message") == "PONG");
}

TEST_CASE("a migration split into two packets at every byte position is one statement") {
  FakeHandler handler;
  InProcessServer server(handler);
  TestClient client(server.port());
  const std::string text = kMigration + ";";
  for (size_t cut = 1; cut < text.size(); ++cut) {
    REQUIRE(client.send(text.substr(0, cut)));
    std::this_thread::sleep_for(std::chrono::microseconds(300));
    REQUIRE(client.send(text.substr(cut)));
    auto line = client.read_line();
    REQUIRE(line);
    INFO("cut at " << cut);
    CHECK(echo_of(*line) == kMigration);
  }
  CHECK(handler.executed() == static_cast<long>(text.size() - 1));
}

TEST_CASE("10000 pipelined PINGs get 10000 answers in order") {
  FakeHandler handler;
  InProcessServer server(handler);
  TestClient client(server.port());
  std::string batch;
  for (int i = 0; i < 10000; ++i) batch += (i % 2 ? "PING;" : "PING\x04");
  std::thread writer([&] { client.send(batch); });
  auto lines = client.read_lines(10000, std::chrono::milliseconds(30000));
  writer.join();
  REQUIRE(lines.size() == 10000);
  for (const auto& line : lines) REQUIRE(line.find("PONG") != std::string::npos);
  // Statement order is kept with mixed statements too.
  std::string mixed;
  for (int i = 0; i < 2000; ++i) mixed += "ECHO " + std::to_string(i) + ";";
  std::thread writer2([&] { client.send(mixed); });
  auto echoes = client.read_lines(2000);
  writer2.join();
  REQUIRE(echoes.size() == 2000);
  for (int i = 0; i < 2000; ++i) REQUIRE(echo_of(echoes[i]) == "ECHO " + std::to_string(i));
}

TEST_CASE("after the client half-closes - every statement is still answered") {
  FakeHandler handler;
  InProcessServer server(handler);
  TestClient client(server.port());
  REQUIRE(client.send("SLEEP 100; ECHO 1; ECHO 2\x04 ECHO last-without-terminator"));
  client.shutdown_write();
  auto lines = client.read_lines(5);
  REQUIRE(lines.size() == 4);
  CHECK(echo_of(lines[1]) == "ECHO 1");
  CHECK(echo_of(lines[3]) == "ECHO last-without-terminator");
  CHECK(client.closed_by_peer());
}

TEST_CASE("the statement position is the line and column in the connection's stream") {
  FakeHandler handler;
  InProcessServer server(handler);
  TestClient client(server.port());
  REQUIRE(client.send("ECHO 1;\n\n   ECHO 2;"));
  auto lines = client.read_lines(2);
  REQUIRE(lines.size() == 2);
  auto second = json::parse(lines[1]);
  CHECK(second.at("line") == 3);
  CHECK(second.at("column") == 4);
}
