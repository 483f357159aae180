// Private to server.cc and server_session.cc: the state connections share with the Server, and
// the entry point that starts a connection. The only header of pim that includes Beast.
#pragma once

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "http/dispatch.h"
#include "http/metrics.h"
#include "http/server.h"

namespace pim::http::internal {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

// A connection as the server sees it: something that can be told the server is stopping.
class Connection {
 public:
  virtual ~Connection() = default;
  // Called on the connection's strand after Server::Stop(): an idle connection closes; one with
  // a request in flight finishes it and closes after answering.
  virtual void OnServerStop() = 0;
  // Called once the I/O threads have stopped (so nothing else uses the socket): closes it, so
  // that the client of a request that outlived the grace period is not left waiting.
  virtual void Abandon() = 0;
};

// What every connection needs from the server. Owned by Server::Impl; outlives all connections.
struct ServerCore {
  ServerCore(const ServerOptions& options, const Dispatcher& dispatcher, Metrics& metrics,
             asio::thread_pool& workers)
      : options(options), dispatcher(dispatcher), metrics(metrics), workers(workers) {}

  const ServerOptions& options;
  const Dispatcher& dispatcher;
  Metrics& metrics;
  asio::thread_pool& workers;  // runs blocking routes
  bool tls = false;
  std::string local_host_port;  // base_url fallback when the Host header is missing or odd
  std::atomic<bool> stopping{false};
  // Set by the first request that carried X-Forwarded-For from a peer that is not a trusted
  // proxy (logged once: a reverse proxy not named with --trusted-proxy, or a client's forgery).
  std::atomic<bool> untrusted_forwarder_seen{false};

  // Connection registry, so Stop() can reach every open connection.
  void Register(Connection* connection, std::weak_ptr<Connection> weak);
  // Called from a connection's destructor. Runs on_all_closed when stopping and none are left.
  void Unregister(Connection* connection);
  // Marks the server as stopping and tells every open connection. Returns how many were open.
  size_t StopAll();
  // Abandon()s every connection still open. Only once no I/O thread runs.
  void AbandonAll();
  std::function<void()> on_all_closed;  // set once before serving

 private:
  std::mutex mu_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections_;
};

// Takes ownership of an accepted socket (whose executor is a strand, or the only I/O thread) and
// serves it; `ssl` is null for plain HTTP.
void StartConnection(ServerCore& core, tcp::socket socket, asio::ssl::context* ssl);

}  // namespace pim::http::internal
