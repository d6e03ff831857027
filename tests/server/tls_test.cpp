// TLS (SPEC §6): with --tls-cert/--tls-key every connection is TLS 1.2+; a plain-text client
// at the TLS port is turned away without harm; older protocol versions are refused.
#include <asio.hpp>
#include <asio/ssl.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>

#include "server/fake_handler.hpp"
#include "server/server_process.hpp"
#include "server/test_client.hpp"
#include "server/test_server.hpp"

using namespace strata::server;
using namespace strata::server::testing;
using namespace std::chrono_literals;

namespace {

// A self-signed certificate for "localhost", made with the openssl CLI at test time.
struct TestCertificate {
  TempDir dir;
  std::string cert = dir.path() + "/cert.pem";
  std::string key = dir.path() + "/key.pem";
  TestCertificate() {
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
        "-subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 -keyout " +
        key + " -out " + cert + " >/dev/null 2>&1";
    REQUIRE(std::system(command.c_str()) == 0);
  }
};

// One TLS round trip: sends `statement`, returns the first line ("" when the handshake or the
// exchange fails).
std::string tls_round_trip(uint16_t port, const std::string& ca_file, const std::string& statement,
                           bool old_protocols_only = false) {
  asio::io_context io;
  asio::ssl::context context(asio::ssl::context::tls_client);
  context.load_verify_file(ca_file);
  context.set_verify_mode(asio::ssl::verify_peer);
  if (old_protocols_only) {
    SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_VERSION);
    SSL_CTX_set_max_proto_version(context.native_handle(), TLS1_1_VERSION);
    SSL_CTX_set_security_level(context.native_handle(), 0);
  }
  asio::ssl::stream<asio::ip::tcp::socket> stream(io, context);
  std::error_code ec;
  stream.lowest_layer().connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) return "";
  stream.handshake(asio::ssl::stream_base::client, ec);
  if (ec) return "";
  asio::write(stream, asio::buffer(statement), ec);
  if (ec) return "";
  std::string data;
  asio::read_until(stream, asio::dynamic_buffer(data), '\n', ec);
  if (ec) return "";
  return data.substr(0, data.find('\n'));
}

}  // namespace

TEST_CASE("TLS: statements are answered over TLS 1.2+") {
  TestCertificate certificate;
  FakeHandler handler;
  auto options = test_options();
  options.tls_cert = certificate.cert;
  options.tls_key = certificate.key;
  InProcessServer server(handler, options);
  CHECK(tls_round_trip(server.port(), certificate.cert, "PING;").find("PONG") != std::string::npos);
  CHECK(tls_round_trip(server.port(), certificate.cert, "PING;", /*old=*/true).empty());

  // A plain-text client gets no answer and is closed; the server keeps serving TLS.
  TestClient plain(server.port());
  plain.send("PING;\n");
  CHECK_FALSE(plain.read_line(3000ms).value_or("").find("PONG") != std::string::npos);
  CHECK(plain.closed_by_peer(5000ms));
  CHECK(tls_round_trip(server.port(), certificate.cert, "ECHO again\x04").find("again") !=
        std::string::npos);
}

TEST_CASE("TLS: a bad certificate or key is a clear start error") {
  TestCertificate certificate;
  FakeHandler handler;
  auto options = test_options();
  options.tls_cert = certificate.cert;
  options.tls_key = certificate.dir.path() + "/missing.pem";
  Server server(options, handler);
  strata::Status status = server.start();
  CHECK(status.code() == strata::Code::kInvalidValue);
  CHECK(status.message().find("missing.pem") != std::string::npos);
}

TEST_CASE("TLS: the real binary with --tls-cert/--tls-key") {
  TestCertificate certificate;
  ServerProcess server({"--tls-cert", certificate.cert, "--tls-key", certificate.key});
  REQUIRE(server.port() != 0);
  CHECK(server.log().find("with TLS") != std::string::npos);
  std::string answer =
      tls_round_trip(server.port(), certificate.cert, "AUTH \"admin\" \"admin-pw\";");
  CHECK(answer.find("Authentication successful") != std::string::npos);
}

TEST_CASE("TLS: strata run connects with --tls-ca and verifies the certificate") {
  TestCertificate certificate;
  ServerProcess server({"--tls-cert", certificate.cert, "--tls-key", certificate.key});
  REQUIRE(server.port() != 0);
  const std::string script = certificate.dir.path() + "/ping.sql";
  std::ofstream(script) << "PING;\nSHOW DATABASES;\n";
  const std::string base = "STRATA_PASSWORD=admin-pw timeout 30 " + std::string(STRATA_BINARY) +
                           " run --port " + std::to_string(server.port()) + " ";
  const std::string out = certificate.dir.path() + "/out";
  CHECK(std::system((base + "--tls-ca " + certificate.cert + " " + script + " > " + out + " 2>&1")
                        .c_str()) == 0);
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str().find("PONG") != std::string::npos);
  CHECK(text.str().find("main") != std::string::npos);
  // Without the certificate to trust, the client refuses the server.
  int refused = std::system((base + "--tls " + script + " > " + out + " 2>&1").c_str());
  CHECK(WEXITSTATUS(refused) == 2);
  std::ifstream again(out);
  std::stringstream why;
  why << again.rdbuf();
  CHECK(why.str().find("TLS handshake") != std::string::npos);
}
