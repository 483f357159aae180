// Test helpers for server_test.cc and server_tls_test.cc: a fixture running a Server on a free
// loopback port in a background thread, and a raw-socket client that writes bytes as given and
// parses the answers with Beast. Test-only.
#pragma once

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"

namespace pim::http::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool keep_alive = false;
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// Reads one response from `stream`; status 0 when none could be read. `to_head`: the response
// to a HEAD request, which has no content whatever its Content-Length says.
template <class Stream>
Reply ReadReply(Stream& stream, beast::flat_buffer& buffer, bool to_head = false) {
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 << 20);
  parser.skip(to_head);
  boost::system::error_code ec;
  bhttp::read(stream, buffer, parser, ec);
  Reply reply;
  if (ec) return reply;
  const auto& res = parser.get();
  reply.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[name] = std::string(field.value());
  }
  reply.body = res.body();
  reply.keep_alive = res.keep_alive();
  return reply;
}

// A plain TCP client. Reads time out after 5 s so a misbehaving server fails a test instead of
// hanging it.
class RawClient {
 public:
  explicit RawClient(uint16_t port) : socket_(ioc_) {
    socket_.connect({asio::ip::address_v4::loopback(), port}, connect_error_);
    if (!connect_error_) {
      timeval tv{5, 0};
      setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
  }
  bool connected() const { return !connect_error_; }
  void Send(std::string_view bytes) {
    boost::system::error_code ec;
    asio::write(socket_, asio::buffer(bytes.data(), bytes.size()), ec);
  }
  Reply Read() { return ReadReply(socket_, buffer_); }
  // Reads the answer to a HEAD request.
  Reply ReadHead() { return ReadReply(socket_, buffer_, /*to_head=*/true); }
  // Bytes the server has sent that are not read yet (without blocking).
  size_t Available() {
    boost::system::error_code ec;
    return buffer_.size() + socket_.available(ec);
  }
  // Reads the first line of what the server sends next (e.g. "HTTP/1.1 100 Continue").
  // Only for interim responses the server sends alone (nothing may follow them unasked).
  std::string ReadLine() {
    std::string head;
    boost::system::error_code ec;
    asio::read_until(socket_, asio::dynamic_buffer(head), "\r\n\r\n", ec);
    if (ec) return "";
    return head.substr(0, head.find("\r\n"));
  }
  // True when the server closed the connection (EOF or reset) without sending more bytes.
  bool ClosedByServer() {
    if (buffer_.size() > 0) return false;
    char byte;
    boost::system::error_code ec;
    size_t n = socket_.read_some(asio::buffer(&byte, 1), ec);
    return n == 0 && (ec == asio::error::eof || ec == asio::error::connection_reset);
  }

 private:
  asio::io_context ioc_;
  asio::ip::tcp::socket socket_;
  beast::flat_buffer buffer_;
  boost::system::error_code connect_error_;
};

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<Server>(std::move(options), router_, metrics_);
    if (readiness_) server_->SetReadinessCheck(readiness_);
    if (write_guard_) server_->SetWriteGuard(write_guard_);
    Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    ASSERT_NE(server_->port(), 0);
    thread_ = std::thread([this] { server_->Run(); });
  }
  // Stops the server and waits for Run() to return.
  void StopServer() {
    if (!server_) return;
    server_->Stop();
    thread_.join();
    server_.reset();
  }
  void TearDown() override { StopServer(); }
  uint16_t port() const { return server_->port(); }

  Router router_;
  Metrics metrics_;
  std::function<bool()> readiness_;
  std::function<std::optional<std::string>()> write_guard_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

}  // namespace pim::http::testing
