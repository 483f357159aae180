// Server: pim's HTTP/1.1 server (Boost.Beast over Asio, optional TLS via OpenSSL).
//
// Serves the Router's routes plus its own GET /healthz, GET /readyz and GET /metrics. Requests
// are keep-alive by default; a request whose headers exceed max_header is answered 431, a body
// over max_body 413 (checked from Content-Length before the body is read, so `Expect:
// 100-continue` clients never send it), malformed HTTP 400, unknown paths 404 and known paths
// with another method 405 (with Allow) — each error is written before the connection closes,
// and the connection is then closed gracefully (the unread rest of the request is drained
// briefly so the client sees the response). A request not received within read_timeout of its
// first byte is answered 408 the same way; a client that sends nothing (read_timeout for a new
// connection, idle_timeout between requests) is disconnected without an answer.
//
// Routes marked `blocking` run on a pool of worker_threads (unless their inline predicate says
// otherwise for a request); the others run on the I/O threads.
// A handler that throws is answered 500 and logged (it is a bug). Nothing from Beast or Asio
// escapes: errors are logged (spdlog) and the connection closed.
//
// Lifecycle: construct, Start() (binds and listens), Run() (blocks), Stop() from any thread.
// Thread-safety: Stop() and port() may be called from any thread; the rest from one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/status.h"
#include "http/forwarded.h"
#include "http/metrics.h"
#include "http/router.h"

namespace pim::http {

struct ServerOptions {
  std::string host = "127.0.0.1";  // an IPv4/IPv6 literal or a resolvable name
  uint16_t port = 8080;            // 0: any free port (see Server::port())
  std::string tls_cert;            // PEM certificate chain; with tls_key: serve HTTPS
  std::string tls_key;             // PEM private key
  size_t max_body = 1 << 20;
  size_t max_header = 16 << 10;
  std::chrono::milliseconds read_timeout = std::chrono::seconds(30);  // to receive one request
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(75);  // between requests
  // Stop(): how long in-flight requests may take before the remaining connections are cut.
  std::chrono::milliseconds shutdown_grace = std::chrono::seconds(10);
  // When set, the base of every link in answers (@odata.nextLink, @odata.context) instead of
  // the scheme and Host header of each request: behind a reverse proxy that ends TLS, the
  // request pimd sees is http:// and its Host is whatever the proxy sends.
  std::string public_url;
  // Peers whose X-Forwarded-For names the client (request.remote_ip; see forwarded.h). Empty:
  // the TCP peer is the client, whatever the header says.
  TrustedProxies trusted_proxies;
  int io_threads = 1;
  int worker_threads = 8;
  // Run(), after the grace period, once the remaining connections are cut: called before Run()
  // waits for the handlers still running on workers, to release what they may be waiting for
  // outside the process (pimd: a commit waiting for another process's database lock).
  std::function<void()> on_abandon;
};

class Server {
 public:
  // `router` and `metrics` must outlive the Server.
  Server(ServerOptions options, const Router& router, Metrics& metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // /readyz answers 503 while `ready` returns false. Call before Start().
  void SetReadinessCheck(std::function<bool()> ready);
  // While `refusal` returns a reason, requests other than GET and HEAD are answered 503 with it
  // (and Retry-After) before any handler runs. Called once per such request: keep it cheap.
  // Call before Start().
  void SetWriteGuard(std::function<std::optional<std::string>()> refusal);

  // Loads the TLS certificate and key (when given), binds and listens. InvalidArgument for a bad
  // address or unreadable certificate/key, Unavailable when the address cannot be bound.
  Status Start();
  // The bound port (the real one when options.port was 0); 0 before Start().
  uint16_t port() const;
  // True when serving HTTPS.
  bool tls() const;

  // Serves until Stop(), then returns once in-flight requests have been answered (or
  // shutdown_grace has passed: their connections are then cut) and no handler is running on a
  // worker thread any more. Returns at once if Start() did not succeed.
  void Run();
  // Graceful stop: stops accepting, closes idle keep-alive connections, lets requests in flight
  // finish (answering them with Connection: close). Idempotent; safe from any thread and from
  // handlers.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pim::http
