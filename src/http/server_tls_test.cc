// HTTPS: a self-signed P-256 certificate made with the openssl CLI, a verifying Asio client.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdlib>
#include <filesystem>

#include "core/temp_dir_testing.h"
#include "http/server_test_util.h"

namespace pim::http::testing {
namespace {

namespace fs = std::filesystem;

class TlsServerTest : public ServerTest {
 protected:
  void SetUp() override {
    cert_ = dir_ + "/cert.pem";
    key_ = dir_ + "/key.pem";
    std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
        "-days 1 -subj /CN=localhost -addext subjectAltName=DNS:localhost "
        "-keyout " +
        key_ + " -out " + cert_ + " 2>/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    router_.Add("GET", "/hello", "hello", [](const HttpRequest& req, const RouteParams&) {
      return JsonResponse(200, "\"" + req.base_url + "\"");
    });
  }
  void TearDown() override { StopServer(); }

  ServerOptions TlsOptions() const {
    ServerOptions options;
    options.tls_cert = cert_;
    options.tls_key = key_;
    return options;
  }

  TempDir temp_{"pim-tls"};
  std::string dir_ = temp_.path();
  std::string cert_, key_;
};

// A client that trusts the test's certificate and checks it names localhost, connected to `port`
// and past the handshake.
struct TlsClient {
  TlsClient(const std::string& ca_file, uint16_t port) : stream(ioc, ctx) {
    ctx.load_verify_file(ca_file);
    ctx.set_verify_mode(asio::ssl::verify_peer);
    EXPECT_TRUE(SSL_set_tlsext_host_name(stream.native_handle(), "localhost"));
    stream.set_verify_callback(asio::ssl::host_name_verification("localhost"));
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
    beast::get_lowest_layer(stream).connect({asio::ip::address_v4::loopback(), port});
    stream.handshake(asio::ssl::stream_base::client);
  }
  // Sends `text` and reads one response.
  Reply Ask(const std::string& text) {
    asio::write(stream, asio::buffer(text));
    return ReadReply(stream, buffer);
  }

  asio::io_context ioc;
  asio::ssl::context ctx{asio::ssl::context::tls_client};
  beast::ssl_stream<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
};

TEST_F(TlsServerTest, ServesHttpsToAVerifyingClient) {
  StartServer(TlsOptions());
  EXPECT_TRUE(server_->tls());

  TlsClient client(cert_, port());
  for (int i = 0; i < 2; ++i) {  // keep-alive over TLS too
    Reply reply =
        client.Ask("GET /hello HTTP/1.1\r\nHost: localhost:" + std::to_string(port()) + "\r\n\r\n");
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body, "\"https://localhost:" + std::to_string(port()) + "\"");
  }
}

TEST_F(TlsServerTest, ASlowRequestIsAnswered408OverTlsToo) {
  ServerOptions options = TlsOptions();
  options.read_timeout = std::chrono::milliseconds(200);
  StartServer(options);
  TlsClient client(cert_, port());
  Reply reply = client.Ask("GET /hello HTTP/1.1\r\nHost:");  // and no more
  EXPECT_EQ(reply.status, 408);
  EXPECT_NE(reply.body.find(R"("code":"RequestTimeout")"), std::string::npos) << reply.body;
}

TEST_F(TlsServerTest, PlainHttpToATlsPortDoesNotBreakTheServer) {
  StartServer(TlsOptions());
  {
    RawClient plain(port());
    plain.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(plain.Read().status, 0);  // no HTTP answer: the handshake fails
  }
  EXPECT_EQ(metrics_.Render().find("route=\"hello\""), std::string::npos);
}

TEST_F(TlsServerTest, StartFailsOnAMissingKey) {
  ServerOptions options;
  options.tls_cert = cert_;
  options.tls_key = dir_ + "/missing.pem";
  Server server(options, router_, metrics_);
  Status started = server.Start();
  EXPECT_EQ(started.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(started.message().find("missing.pem"), std::string::npos);
}

}  // namespace
}  // namespace pim::http::testing
