// Server: listening, accepting, the I/O threads and graceful stop. Connections live in
// server_session.cc.
#include "http/server.h"

#include <spdlog/spdlog.h>

#include <thread>
#include <vector>

#include "http/server_internal.h"

namespace pim::http {

using namespace internal;  // NOLINT: the private Beast/Asio aliases of this module

namespace internal {

void ServerCore::Register(Connection* connection, std::weak_ptr<Connection> weak) {
  std::lock_guard lock(mu_);
  connections_.emplace(connection, std::move(weak));
}

void ServerCore::Unregister(Connection* connection) {
  bool last = false;
  {
    std::lock_guard lock(mu_);
    connections_.erase(connection);
    last = connections_.empty() && stopping.load();
  }
  if (last && on_all_closed) on_all_closed();
}

size_t ServerCore::StopAll() {
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(mu_);
    stopping.store(true);
    for (auto& [ptr, weak] : connections_) {
      if (auto connection = weak.lock()) open.push_back(std::move(connection));
    }
  }
  for (auto& connection : open) connection->OnServerStop();
  return open.size();
}

void ServerCore::AbandonAll() {
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(mu_);
    for (auto& [ptr, weak] : connections_) {
      if (auto connection = weak.lock()) open.push_back(std::move(connection));
    }
  }
  for (auto& connection : open) connection->Abandon();
}

}  // namespace internal

struct Server::Impl {
  Impl(ServerOptions opts, const Router& router, Metrics& metrics)
      : options(std::move(opts)),
        router(router),
        metrics(metrics),
        workers(static_cast<size_t>(std::max(1, options.worker_threads))),
        strand(asio::make_strand(ioc)),
        acceptor(strand),
        grace_timer(strand),
        backoff_timer(strand) {}

  void Accept();
  void OnStop();

  ServerOptions options;
  const Router& router;
  Metrics& metrics;
  std::function<bool()> readiness;
  std::function<std::optional<std::string>()> write_guard;
  std::unique_ptr<Dispatcher> dispatcher;
  std::unique_ptr<ServerCore> core;
  std::unique_ptr<asio::ssl::context> ssl;
  // Destroyed in reverse order: the pool (joined) and the io_context (its pending handlers hold
  // connections) go before `core`, which connections unregister from.
  asio::io_context ioc;
  asio::thread_pool workers;
  // Serialises the server's own objects (acceptor, timers) when io_threads > 1.
  asio::strand<asio::io_context::executor_type> strand;
  tcp::acceptor acceptor;
  asio::steady_timer grace_timer;
  asio::steady_timer backoff_timer;  // after accept errors such as EMFILE
  std::atomic<uint16_t> port{0};
  bool started = false;
  std::atomic<bool> stop_requested{false};
};

Server::Server(ServerOptions options, const Router& router, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics)) {}

Server::~Server() {
  // Connections destroyed from here on must not post to the dying io_context.
  if (impl_->core) impl_->core->on_all_closed = nullptr;
  // Handlers still queued on the pool may post back to the io_context: join the pool first.
  impl_->workers.join();
}

void Server::SetReadinessCheck(std::function<bool()> ready) { impl_->readiness = std::move(ready); }

void Server::SetWriteGuard(std::function<std::optional<std::string>()> refusal) {
  impl_->write_guard = std::move(refusal);
}

uint16_t Server::port() const { return impl_->port.load(); }

bool Server::tls() const { return impl_->ssl != nullptr; }

namespace {

Result<std::unique_ptr<asio::ssl::context>> MakeTlsContext(const ServerOptions& options) {
  auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  boost::system::error_code ec;
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use,
                   ec);
  if (!ec) ctx->use_certificate_chain_file(options.tls_cert, ec);
  if (ec) {
    return InvalidArgument("Cannot load TLS certificate " + options.tls_cert + ": " + ec.message());
  }
  ctx->use_private_key_file(options.tls_key, asio::ssl::context::pem, ec);
  if (ec) {
    return InvalidArgument("Cannot load TLS key " + options.tls_key + ": " + ec.message());
  }
  return ctx;
}

}  // namespace

Status Server::Start() {
  Impl& s = *impl_;
  if (s.started) return FailedPrecondition("Server already started.");
  if (s.options.tls_cert.empty() != s.options.tls_key.empty()) {
    return InvalidArgument("TLS needs both a certificate and a key.");
  }
  if (!s.options.tls_cert.empty()) {
    auto ctx = MakeTlsContext(s.options);
    if (!ctx.ok()) return ctx.status();
    s.ssl = std::move(ctx).value();
  }

  boost::system::error_code ec;
  tcp::resolver resolver(s.ioc);
  auto endpoints = resolver.resolve(s.options.host, std::to_string(s.options.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return InvalidArgument("Cannot resolve listen address '" + s.options.host +
                           "': " + ec.message());
  }
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    s.acceptor.close(ignored);
    return Status(StatusCode::kUnavailable, "Cannot listen on " + s.options.host + ":" +
                                                std::to_string(s.options.port) + ": " +
                                                ec.message());
  }
  tcp::endpoint local = s.acceptor.local_endpoint(ec);
  s.port.store(local.port());

  s.dispatcher = std::make_unique<Dispatcher>(s.router, s.metrics, s.readiness, s.write_guard);
  s.core = std::make_unique<ServerCore>(s.options, *s.dispatcher, s.metrics, s.workers);
  s.core->tls = s.ssl != nullptr;
  std::string host = local.address().to_string();
  if (local.address().is_v6()) host = "[" + host + "]";
  s.core->local_host_port = host + ":" + std::to_string(local.port());
  s.core->on_all_closed = [&s] { asio::post(s.strand, [&s] { s.grace_timer.cancel(); }); };
  s.started = true;
  asio::post(s.strand, [&s] { s.Accept(); });
  return Status::Ok();
}

void Server::Impl::Accept() {
  // With one I/O thread every handler already runs on it: a strand per connection would only add
  // a queue hop per completion. With several, each connection gets its own strand.
  asio::any_io_executor executor = options.io_threads > 1
                                       ? asio::any_io_executor(asio::make_strand(ioc))
                                       : asio::any_io_executor(ioc.get_executor());
  acceptor.async_accept(executor, [this](boost::system::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (ec) {
      // Out of descriptors or similar: log, breathe, and keep accepting.
      spdlog::warn("accept failed: {}", ec.message());
      backoff_timer.expires_after(std::chrono::milliseconds(100));
      backoff_timer.async_wait([this](boost::system::error_code wait_ec) {
        if (!wait_ec && acceptor.is_open()) Accept();
      });
      return;
    }
    StartConnection(*core, std::move(socket), ssl.get());
    Accept();
  });
}

void Server::Impl::OnStop() {
  boost::system::error_code ignored;
  acceptor.close(ignored);
  backoff_timer.cancel();
  if (core == nullptr) return;
  if (core->StopAll() == 0) return;
  // Connections still open get shutdown_grace to finish; then the io_context is stopped, which
  // abandons (and closes) whatever is left.
  grace_timer.expires_after(options.shutdown_grace);
  grace_timer.async_wait([this](boost::system::error_code ec) {
    if (ec) return;  // cancelled: every connection closed in time
    spdlog::warn("shutdown grace period over; closing the remaining connections");
    ioc.stop();
  });
}

void Server::Run() {
  Impl& s = *impl_;
  if (!s.started) return;
  auto run_loop = [&s] {
    while (true) {
      try {
        s.ioc.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("uncaught exception on an I/O thread: {}", e.what());
      } catch (...) {
        spdlog::error("uncaught non-standard exception on an I/O thread");
      }
    }
  };
  std::vector<std::thread> extra;
  for (int i = 1; i < s.options.io_threads; ++i) extra.emplace_back(run_loop);
  run_loop();
  for (auto& t : extra) t.join();
  // A handler may still run on a worker (the grace period passed): its client is told at once
  // (the connection closes), and Run() waits for the handler, so that the caller may close what
  // handlers use once Run() returns (pimd closes the store, and a mutation committing after
  // that aborted the process). What it posts back to the stopped io_context is dropped.
  if (s.core) s.core->AbandonAll();
  if (s.options.on_abandon) s.options.on_abandon();
  s.workers.join();
}

void Server::Stop() {
  Impl& s = *impl_;
  if (s.stop_requested.exchange(true)) return;
  asio::post(s.strand, [&s] { s.OnStop(); });
}

}  // namespace pim::http
