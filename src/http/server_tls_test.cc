// HTTPS: a self-signed P-256 certificate made with the openssl CLI, a verifying Asio client.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdlib>
#include <filesystem>

#include "http/server_test_util.h"

namespace pim::http::testing {
namespace {

namespace fs = std::filesystem;

class TlsServerTest : public ServerTest {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pim_tls_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
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
  void TearDown() override {
    StopServer();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string dir_, cert_, key_;
};

TEST_F(TlsServerTest, ServesHttpsToAVerifyingClient) {
  ServerOptions options;
  options.tls_cert = cert_;
  options.tls_key = key_;
  StartServer(options);
  EXPECT_TRUE(server_->tls());

  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.load_verify_file(cert_);
  ctx.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  ASSERT_TRUE(SSL_set_tlsext_host_name(stream.native_handle(), "localhost"));
  stream.set_verify_callback(asio::ssl::host_name_verification("localhost"));
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
  beast::get_lowest_layer(stream).connect({asio::ip::address_v4::loopback(), port()});
  stream.handshake(asio::ssl::stream_base::client);

  beast::flat_buffer buffer;
  for (int i = 0; i < 2; ++i) {  // keep-alive over TLS too
    std::string request =
        "GET /hello HTTP/1.1\r\nHost: localhost:" + std::to_string(port()) + "\r\n\r\n";
    asio::write(stream, asio::buffer(request));
    Reply reply = ReadReply(stream, buffer);
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body, "\"https://localhost:" + std::to_string(port()) + "\"");
  }
}

TEST_F(TlsServerTest, ASlowRequestIsAnswered408OverTlsToo) {
  ServerOptions options;
  options.tls_cert = cert_;
  options.tls_key = key_;
  options.read_timeout = std::chrono::milliseconds(200);
  StartServer(options);
  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.load_verify_file(cert_);
  ctx.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  ASSERT_TRUE(SSL_set_tlsext_host_name(stream.native_handle(), "localhost"));
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
  beast::get_lowest_layer(stream).connect({asio::ip::address_v4::loopback(), port()});
  stream.handshake(asio::ssl::stream_base::client);
  asio::write(stream, asio::buffer(std::string("GET /hello HTTP/1.1\r\nHost:")));  // no more
  beast::flat_buffer buffer;
  Reply reply = ReadReply(stream, buffer);
  EXPECT_EQ(reply.status, 408);
  EXPECT_NE(reply.body.find(R"("code":"RequestTimeout")"), std::string::npos) << reply.body;
}

TEST_F(TlsServerTest, PlainHttpToATlsPortDoesNotBreakTheServer) {
  ServerOptions options;
  options.tls_cert = cert_;
  options.tls_key = key_;
  StartServer(options);
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
