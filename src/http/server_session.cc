// One HTTP/1.1 connection, plain or TLS: read a request (limits, timeouts, 100-continue), hand
// it to the Dispatcher (inline or on the worker pool), write the response, repeat while
// keep-alive. Every completion handler runs on the connection's executor (a strand when there are
// several I/O threads, the one I/O thread otherwise).
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <optional>
#include <type_traits>

#include "http/request_target.h"
#include "http/server_internal.h"

namespace pim::http::internal {

namespace {

using error_code = boost::system::error_code;
using SteadyClock = std::chrono::steady_clock;  // request latency for metrics only

constexpr size_t kReadChunk = 4096;
// After an error response, how much of the rest of the request is read and discarded (so that
// closing does not reset the connection before the client has read the response), and for
// how long at most.
constexpr size_t kMaxDrainBytes = 16 << 20;
constexpr auto kCloseTimeout = std::chrono::seconds(5);

bool IsHttpParseError(const error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category();
}

// True for the ways a peer simply goes away; not worth a log line.
bool IsDisconnect(const error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
         ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::operation_aborted ||
         ec == beast::error::timeout || ec == asio::ssl::error::stream_truncated;
}

template <bool kTls>
class Session final : public Connection, public std::enable_shared_from_this<Session<kTls>> {
 public:
  using Stream = std::conditional_t<kTls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

  Session(ServerCore& core, tcp::socket socket, asio::ssl::context* ssl)
      : core_(core),
        stream_(MakeStream(std::move(socket), ssl)),
        read_timer_(stream_.get_executor()) {
    error_code ec;
    auto remote = Tcp().socket().remote_endpoint(ec);
    if (!ec) remote_ip_ = remote.address().to_string();
  }
  ~Session() override { core_.Unregister(this); }

  // Starts serving, on the connection's strand.
  void Begin() {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (kTls) {
        self->phase_ = Phase::kHandshake;
        self->Tcp().expires_after(self->core_.options.read_timeout);
        self->stream_.async_handshake(asio::ssl::stream_base::server, [self](error_code ec) {
          if (ec) {
            if (!IsDisconnect(ec)) spdlog::debug("TLS handshake failed: {}", ec.message());
            return self->Close();
          }
          self->WaitForRequest();
        });
      } else {
        self->WaitForRequest();
      }
    });
  }

  void Abandon() override {
    error_code ignored;
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    Tcp().socket().close(ignored);
  }

  void OnServerStop() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      // Only a connection waiting for a request is cut; one with a request in flight answers
      // it (with Connection: close) and closes after.
      if (self->phase_ == Phase::kIdle || self->phase_ == Phase::kHandshake) {
        self->Tcp().cancel();
      }
    });
  }

 private:
  enum class Phase { kHandshake, kIdle, kReading, kHandling, kWriting, kClosing };

  static Stream MakeStream(tcp::socket socket, asio::ssl::context* ssl) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *ssl);
    } else {
      return Stream(std::move(socket));
    }
  }

  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  // Waits for the first byte of the next request (idle timeout), or goes on at once when a
  // pipelined request is already buffered.
  void WaitForRequest() {
    if (core_.stopping.load()) return Shutdown(/*drain=*/false);
    if (buffer_.size() > 0) return ReadHeader();
    phase_ = Phase::kIdle;
    Tcp().expires_after(first_request_ ? core_.options.read_timeout : core_.options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = this->shared_from_this()](error_code ec, size_t n) {
                              self->buffer_.commit(n);
                              if (ec) return self->Close();
                              self->ReadHeader();
                            });
  }

  // Bounds the reading of one request (headers, 100-continue, body) by read_timeout with a timer
  // of our own: the stream's timer closes the socket when it fires, which would leave no way to
  // answer 408. Ours cancels the pending read instead, and OnReadError answers.
  void StartReadTimer() {
    Tcp().expires_never();
    read_timed_out_ = false;
    const uint64_t generation = ++read_generation_;
    read_timer_.expires_after(core_.options.read_timeout);
    read_timer_.async_wait([self = this->shared_from_this(), generation](error_code ec) {
      if (ec || generation != self->read_generation_ || self->phase_ != Phase::kReading) return;
      self->read_timed_out_ = true;
      self->Tcp().cancel();
    });
  }

  void StopReadTimer() {
    ++read_generation_;
    read_timer_.cancel();
  }

  void ReadHeader() {
    phase_ = Phase::kReading;
    first_request_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(core_.options.max_header));
    parser_->body_limit(core_.options.max_body);
    StartReadTimer();
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = this->shared_from_this()](error_code ec, size_t n) {
                               // Beast applies header_limit to what one read leaves unparsed, so a
                               // header block that arrives in pieces can pass it (up to ~2x,
                               // measured); n is the whole block.
                               if (!ec && n > self->core_.options.max_header)
                                 ec = bhttp::error::header_limit;
                               if (ec) return self->OnReadError(ec);
                               self->OnHeader();
                             });
  }

  void OnHeader() {
    const auto& req = parser_->get();
    if (!parser_->is_done() && beast::iequals(req[bhttp::field::expect], "100-continue")) {
      // The body is within the limit (the parser refused a larger Content-Length already):
      // invite the client to send it.
      continue_ = {};
      continue_.version(req.version());
      continue_.result(bhttp::status::continue_);
      bhttp::async_write(stream_, continue_,
                         [self = this->shared_from_this()](error_code ec, size_t) {
                           if (ec) return self->Close();
                           self->ReadBody();
                         });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    if (parser_->is_done()) return OnRequest();
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](error_code ec, size_t) {
                        if (ec) return self->OnReadError(ec);
                        self->OnRequest();
                      });
  }

  // Turns a failed read into the response the client must see, or a quiet close.
  void OnReadError(const error_code& ec) {
    StopReadTimer();
    std::string method = parser_ && parser_->is_header_done()
                             ? std::string(parser_->get().method_string())
                             : std::string("other");
    if (ec == bhttp::error::header_limit) {
      return WriteError(Status(StatusCode::kInvalidArgument,
                               "The request headers exceed " +
                                   std::to_string(core_.options.max_header) + " bytes.",
                               "RequestHeaderFieldsTooLarge"),
                        method);
    }
    if (ec == bhttp::error::body_limit) {
      return WriteError(
          Status(StatusCode::kInvalidArgument,
                 "The request body exceeds " + std::to_string(core_.options.max_body) + " bytes.",
                 "RequestEntityTooLarge"),
          method);
    }
    if (read_timed_out_) {
      return WriteError(Status(StatusCode::kInvalidArgument,
                               "The request was not received within " +
                                   std::to_string(core_.options.read_timeout.count()) + " ms.",
                               "RequestTimeout"),
                        method);
    }
    if (IsDisconnect(ec)) return Close();
    if (IsHttpParseError(ec)) {
      return WriteError(InvalidArgument("Malformed HTTP request: " + ec.message() + "."), method);
    }
    spdlog::debug("reading a request from {}: {}", remote_ip_, ec.message());
    Close();
  }

  void OnRequest() {
    StopReadTimer();
    phase_ = Phase::kHandling;
    started_ = SteadyClock::now();
    bhttp::request<bhttp::string_body> req = parser_->release();
    parser_.reset();
    version_ = req.version();
    keep_alive_ = req.keep_alive();

    HttpRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    for (const auto& field : req) AddHeader(request, field.name_string(), field.value());
    request.body = std::move(req.body());
    const std::string forwarded_for = request.Header("x-forwarded-for");
    request.remote_ip =
        core_.options.trusted_proxies.empty()
            ? remote_ip_
            : ClientAddress(remote_ip_, forwarded_for, core_.options.trusted_proxies);
    if (request.remote_ip == remote_ip_ && !forwarded_for.empty() &&
        !core_.options.trusted_proxies.Contains(remote_ip_) &&
        !core_.untrusted_forwarder_seen.exchange(true)) {
      spdlog::warn(
          "ignored X-Forwarded-For from {}, which is not a trusted proxy: if pimd runs behind a "
          "reverse proxy there, name it with --trusted-proxy, or every client behind it shares "
          "that address in audit records and sign-in limits (logged once)",
          remote_ip_);
    }
    request.base_url = core_.options.public_url.empty()
                           ? BaseUrl(core_.tls, req[bhttp::field::host], core_.local_host_port)
                           : core_.options.public_url;
    client_request_id_ = request.Header("client-request-id");

    Status target_ok = ParseTarget(request.target, request);
    if (!target_ok.ok())
      return WriteResponse(ErrorResponse(target_ok), "unmatched", request.method);

    DispatchPlan plan = core_.dispatcher.Plan(request);
    if (!plan.blocking || plan.immediate || (plan.inline_if != nullptr && (*plan.inline_if)())) {
      HttpResponse response = Dispatcher::Invoke(plan, request);
      if (!response.defer) {
        return WriteResponse(std::move(response), plan.route_name, request.method);
      }
      return Deliver(this->shared_from_this(), std::move(response), plan.route_name,
                     request.method);
    }
    asio::post(core_.workers, [self = this->shared_from_this(), plan = std::move(plan),
                               request = std::move(request)]() mutable {
      HttpResponse response;
      try {
        response = Dispatcher::Invoke(plan, request);
      } catch (...) {  // Invoke catches handler exceptions; this is bad_alloc and the like
        response = ErrorResponse(Status(StatusCode::kInternal, "An internal error occurred."));
      }
      Deliver(self, std::move(response), plan.route_name, request.method);
    });
  }

  // Hands `response` to the connection's executor for writing: now, or when its `defer`
  // continuation is called (from any thread). While it waits, the connection stays in
  // kHandling, so a graceful stop keeps the server running until it is answered.
  static void Deliver(std::shared_ptr<Session> self, HttpResponse response, std::string route,
                      std::string method) {
    auto send = [self, route = std::move(route),
                 method = std::move(method)](HttpResponse ready) mutable {
      asio::post(self->stream_.get_executor(),
                 [self, ready = std::move(ready), route = std::move(route),
                  method = std::move(method)]() mutable {
                   self->WriteResponse(std::move(ready), route, method);
                 });
    };
    if (!response.defer) return send(std::move(response));
    auto defer = std::move(response.defer);
    response.defer = nullptr;
    defer([send = std::move(send), response = std::move(response)]() mutable {
      send(std::move(response));
    });
  }

  // Answers a request that could not be read completely, then closes.
  void WriteError(const Status& status, const std::string& method) {
    started_ = SteadyClock::now();
    keep_alive_ = false;
    client_request_id_.clear();
    WriteResponse(ErrorResponse(status), "unmatched", method, /*drain_after=*/true);
  }

  void WriteResponse(HttpResponse response, const std::string& route, const std::string& method,
                     bool drain_after = false) {
    phase_ = Phase::kWriting;
    AddRequestIds(response, client_request_id_);
    double seconds = std::chrono::duration<double>(SteadyClock::now() - started_).count();
    core_.metrics.RecordRequest(route, method, response.status, seconds);

    response_ = {};
    response_.version(version_);
    response_.result(static_cast<unsigned>(response.status));
    response_.set(bhttp::field::server, "pim");
    bool bodiless = response.status == 204 || response.status == 304 || response.status < 200;
    if (!bodiless && !response.content_type.empty()) {
      response_.set(bhttp::field::content_type, response.content_type);
    }
    for (const auto& [name, value] : response.headers) {
      if (name.find_first_of("\r\n:") != std::string::npos ||
          value.find_first_of("\r\n") != std::string::npos) {
        spdlog::error("route {} returned an invalid header '{}'; dropped", route, name);
        continue;
      }
      response_.insert(name, value);
    }
    // Answers carry credentials (tokens, a new TOTP secret, a service principal's password) and
    // privileged state: no cache keeps them unless a route says otherwise; and JSON stays JSON.
    if (response_.find(bhttp::field::cache_control) == response_.end()) {
      response_.set(bhttp::field::cache_control, "no-store");
    }
    response_.set("X-Content-Type-Options", "nosniff");
    if (!bodiless) response_.body() = std::move(response.body);
    response_.keep_alive(keep_alive_ && !core_.stopping.load());
    response_.prepare_payload();
    // RFC 9110 section 9.3.2: the answer to HEAD keeps the headers (Content-Length included) and
    // sends no content, which the client would otherwise read as the start of its next answer.
    if (method == "HEAD") response_.body().clear();

    Tcp().expires_after(core_.options.read_timeout);
    bhttp::async_write(stream_, response_,
                       [self = this->shared_from_this(), drain_after](error_code ec, size_t) {
                         if (ec) return self->Close();
                         if (!self->response_.keep_alive()) return self->Shutdown(drain_after);
                         self->response_ = {};
                         self->WaitForRequest();
                       });
  }

  // Graceful close: TLS close_notify, then TCP FIN; with `drain`, reads and discards what the
  // client still sends (bounded) so the response is not lost to a connection reset.
  void Shutdown(bool drain) {
    phase_ = Phase::kClosing;
    if constexpr (kTls) {
      Tcp().expires_after(kCloseTimeout);
      stream_.async_shutdown(
          [self = this->shared_from_this(), drain](error_code) { self->FinishTcp(drain); });
    } else {
      FinishTcp(drain);
    }
  }

  void FinishTcp(bool drain) {
    error_code ignored;
    Tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (!drain) return Close();
    drained_ = 0;
    Tcp().expires_after(kCloseTimeout);
    Drain();
  }

  void Drain() {
    Tcp().async_read_some(asio::buffer(drain_buffer_),
                          [self = this->shared_from_this()](error_code ec, size_t n) {
                            self->drained_ += n;
                            if (ec || self->drained_ > kMaxDrainBytes) return self->Close();
                            self->Drain();
                          });
  }

  void Close() {
    StopReadTimer();
    phase_ = Phase::kClosing;
    error_code ignored;
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    Tcp().close();
  }

  ServerCore& core_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::empty_body> continue_;
  bhttp::response<bhttp::string_body> response_;
  std::array<char, 8192> drain_buffer_{};
  asio::steady_timer read_timer_;  // see StartReadTimer
  uint64_t read_generation_ = 0;   // which read the pending timer belongs to
  bool read_timed_out_ = false;
  size_t drained_ = 0;
  Phase phase_ = Phase::kIdle;
  bool first_request_ = true;
  bool keep_alive_ = false;
  std::string client_request_id_;  // the request being answered: its client-request-id header
  unsigned version_ = 11;
  std::string remote_ip_;
  SteadyClock::time_point started_;
};

}  // namespace

void StartConnection(ServerCore& core, tcp::socket socket, asio::ssl::context* ssl) {
  if (ssl != nullptr) {
    auto session = std::make_shared<Session<true>>(core, std::move(socket), ssl);
    core.Register(session.get(), session);
    session->Begin();
  } else {
    auto session = std::make_shared<Session<false>>(core, std::move(socket), nullptr);
    core.Register(session.get(), session);
    session->Begin();
  }
}

}  // namespace pim::http::internal
