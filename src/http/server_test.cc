#include "http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/ids.h"
#include "http/server_test_util.h"

namespace pim::http::testing {
namespace {

namespace json = boost::json;

std::string ThreadId() {
  std::ostringstream out;
  out << std::this_thread::get_id();
  return out.str();
}

std::string Get(std::string_view path, std::string_view extra_headers = "") {
  return "GET " + std::string(path) + " HTTP/1.1\r\nHost: localhost\r\n" +
         std::string(extra_headers) + "\r\n";
}

// The Graph error code of a JSON error body, "" when the body is not one.
std::string ErrorCode(const Reply& reply) {
  boost::system::error_code ec;
  json::value body = json::parse(reply.body, ec);
  if (ec || !body.is_object()) return "";
  const json::value* code = body.as_object().if_contains("error");
  if (code == nullptr || !code->is_object()) return "";
  code = code->as_object().if_contains("code");
  return code != nullptr && code->is_string() ? std::string(code->as_string()) : "";
}

class HttpServerTest : public ServerTest {
 protected:
  void SetUp() override {
    router_.Add("GET", "/hello", "hello",
                [](const HttpRequest&, const RouteParams&) { return JsonResponse(200, "{}"); });
    router_.Add("POST", "/hello", "hello.create", [](const HttpRequest& req, const RouteParams&) {
      return JsonResponse(201, json::serialize(json::object{{"size", req.body.size()}}));
    });
    router_.Add("GET", "/echo/{id}", "echo", [](const HttpRequest& req, const RouteParams& p) {
      json::object out{{"id", p.at("id")},
                       {"path", req.path},
                       {"target", req.target},
                       {"method", req.method},
                       {"remote_ip", req.remote_ip},
                       {"base_url", req.base_url},
                       {"x_test", req.Header("x-test")}};
      json::array query;
      for (const auto& [k, v] : req.query)
        query.push_back(json::array{json::value(k), json::value(v)});
      out["query"] = std::move(query);
      return JsonResponse(200, json::serialize(out));
    });
    router_.Add("GET", "/thread", "thread", [](const HttpRequest&, const RouteParams&) {
      return JsonResponse(200, ThreadId());
    });
    router_.Add(
        "GET", "/thread/blocking", "thread.blocking",
        [](const HttpRequest&, const RouteParams&) { return JsonResponse(200, ThreadId()); },
        /*blocking=*/true);
    router_.Add("GET", "/throws", "throws",
                [](const HttpRequest&, const RouteParams&) -> HttpResponse {
                  throw std::runtime_error("bug");
                });
  }
};

TEST_F(HttpServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  StartServer();
  RawClient client(port());
  client.Send(Get("/hello"));
  Reply first = client.Read();
  EXPECT_EQ(first.status, 200);
  EXPECT_TRUE(first.keep_alive);
  EXPECT_EQ(first.Header("content-type"), "application/json");
  client.Send(Get("/hello"));
  EXPECT_EQ(client.Read().status, 200);
}

// Every answer, errors included, is kept out of caches unless its route says otherwise, and is
// not content-sniffed.
TEST_F(HttpServerTest, AnswersAreNotCachedOrSniffed) {
  router_.Add("GET", "/cacheable", "cacheable", [](const HttpRequest&, const RouteParams&) {
    HttpResponse r = JsonResponse(200, "{}");
    r.headers.emplace_back("Cache-Control", "max-age=60");
    return r;
  });
  StartServer();
  RawClient client(port());
  for (const char* path : {"/hello", "/no-such-route"}) {
    client.Send(Get(path));
    Reply reply = client.Read();
    EXPECT_EQ(reply.Header("cache-control"), "no-store") << path;
    EXPECT_EQ(reply.Header("x-content-type-options"), "nosniff") << path;
  }
  client.Send(Get("/cacheable"));
  EXPECT_EQ(client.Read().Header("cache-control"), "max-age=60");
}

// Graph's correlation ids: an answer echoes the caller's `client-request-id` when it sent one
// (nothing is made up otherwise); an error carries its `request-id` as a header too, and its
// innerError names both.
TEST_F(HttpServerTest, AnswersCarryRequestIdAndEchoClientRequestId) {
  StartServer();
  RawClient client(port());
  client.Send(Get("/hello", "client-request-id: 7d3c0f4e-1111-4bb2-9a33-0123456789ab\r\n"));
  Reply ok = client.Read();
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.Header("client-request-id"), "7d3c0f4e-1111-4bb2-9a33-0123456789ab");

  client.Send(Get("/hello"));  // no id sent, none made up
  Reply second = client.Read();
  EXPECT_EQ(second.Header("client-request-id"), "");
  EXPECT_EQ(second.Header("request-id"), "");

  client.Send(Get("/nowhere", "client-request-id: my-correlation-42\r\n"));
  Reply error = client.Read();
  EXPECT_EQ(error.status, 404);
  EXPECT_EQ(error.Header("client-request-id"), "my-correlation-42");
  json::object inner = json::parse(error.body).at("error").at("innerError").as_object();
  EXPECT_TRUE(IsGuid(error.Header("request-id"))) << error.Header("request-id");
  EXPECT_EQ(inner.at("request-id").as_string(), error.Header("request-id"));
  EXPECT_EQ(inner.at("client-request-id").as_string(), "my-correlation-42");

  client.Send(Get("/nowhere"));
  Reply plain_error = client.Read();
  EXPECT_TRUE(IsGuid(plain_error.Header("request-id")));
  EXPECT_EQ(plain_error.Header("client-request-id"), "");
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  StartServer();
  RawClient client(port());
  client.Send(Get("/echo/one") + Get("/echo/two"));
  Reply first = client.Read();
  Reply second = client.Read();
  EXPECT_EQ(json::parse(first.body).at("id"), "one");
  EXPECT_EQ(json::parse(second.body).at("id"), "two");
}

TEST_F(HttpServerTest, ConnectionCloseIsHonoured) {
  StartServer();
  RawClient client(port());
  client.Send(Get("/hello", "Connection: close\r\n"));
  Reply reply = client.Read();
  EXPECT_EQ(reply.status, 200);
  EXPECT_FALSE(reply.keep_alive);
  EXPECT_TRUE(client.ClosedByServer());
}

TEST_F(HttpServerTest, FillsTheRequestFromTargetHeadersAndPeer) {
  StartServer();
  RawClient client(port());
  client.Send(Get("/echo/a%20b?%24filter=name+eq+%27x%2By%27&flag&x=1", "X-Test: one\r\n"));
  Reply reply = client.Read();
  ASSERT_EQ(reply.status, 200);
  json::value body = json::parse(reply.body);
  EXPECT_EQ(body.at("id"), "a b");
  EXPECT_EQ(body.at("path"), "/echo/a b");
  EXPECT_EQ(body.at("target"), "/echo/a%20b?%24filter=name+eq+%27x%2By%27&flag&x=1");
  EXPECT_EQ(body.at("method"), "GET");
  EXPECT_EQ(body.at("remote_ip"), "127.0.0.1");
  EXPECT_EQ(body.at("base_url"), "http://localhost");
  EXPECT_EQ(body.at("x_test"), "one");
  EXPECT_EQ(json::serialize(body.at("query")),
            R"([["$filter","name eq 'x+y'"],["flag",""],["x","1"]])");
}

TEST_F(HttpServerTest, BaseUrlFallsBackToTheLocalAddressWithoutAUsableHost) {
  StartServer();
  RawClient client(port());
  client.Send("GET /echo/x HTTP/1.1\r\nHost: evil/\"x\r\n\r\n");
  Reply reply = client.Read();
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(json::parse(reply.body).at("base_url").as_string(),
            "http://127.0.0.1:" + std::to_string(port()));
}

// Behind a proxy ending TLS, pimd sees http:// and the proxy's Host: links must use the URL
// clients reach it at, whatever the request says.
TEST_F(HttpServerTest, APublicUrlIsTheBaseWhateverTheHostHeaderSays) {
  ServerOptions options;
  options.public_url = "https://pim.example.org/pim";
  StartServer(options);
  RawClient client(port());
  client.Send(Get("/echo/x", "") + "GET /echo/y HTTP/1.1\r\nHost: attacker.example\r\n\r\n");
  EXPECT_EQ(json::parse(client.Read().body).at("base_url"), "https://pim.example.org/pim");
  EXPECT_EQ(json::parse(client.Read().body).at("base_url"), "https://pim.example.org/pim");
}

TEST_F(HttpServerTest, OversizedBodyGets413AndTheServerStillAnswers) {
  ServerOptions options;
  options.max_body = 1024;
  StartServer(options);
  {
    RawClient client(port());
    client.Send("POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n" +
                std::string(4096, 'a'));
    Reply reply = client.Read();
    EXPECT_EQ(reply.status, 413);
    EXPECT_EQ(ErrorCode(reply), "RequestEntityTooLarge");
    EXPECT_FALSE(reply.keep_alive);
    EXPECT_TRUE(client.ClosedByServer());
  }
  RawClient again(port());
  again.Send("POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 1024\r\n\r\n" +
             std::string(1024, 'a'));
  Reply ok = again.Read();
  EXPECT_EQ(ok.status, 201);
  EXPECT_EQ(ok.body, R"({"size":1024})");
}

TEST_F(HttpServerTest, OversizedChunkedBodyGets413) {
  ServerOptions options;
  options.max_body = 1024;
  StartServer(options);
  RawClient client(port());
  client.Send("POST /hello HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" +
              std::string(0x800, 'b') + "\r\n0\r\n\r\n");
  Reply reply = client.Read();
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(ErrorCode(reply), "RequestEntityTooLarge");
}

TEST_F(HttpServerTest, ExpectContinueIsRefusedBeforeTheBodyWhenTooLarge) {
  ServerOptions options;
  options.max_body = 1024;
  StartServer(options);
  RawClient client(port());
  client.Send(
      "POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
  Reply reply = client.Read();  // no body was sent: the answer comes from the headers alone
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(ErrorCode(reply), "RequestEntityTooLarge");
}

TEST_F(HttpServerTest, ExpectContinueInvitesTheBodyWhenWithinTheLimit) {
  StartServer();
  RawClient client(port());
  client.Send(
      "POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(client.ReadLine(), "HTTP/1.1 100 Continue");
  client.Send("abc");
  Reply reply = client.Read();
  EXPECT_EQ(reply.status, 201);
  EXPECT_EQ(reply.body, R"({"size":3})");
}

TEST_F(HttpServerTest, OversizedHeadersGet431) {
  ServerOptions options;
  options.max_header = 1024;
  StartServer(options);
  RawClient client(port());
  client.Send(Get("/hello", "X-Big: " + std::string(2000, 'h') + "\r\n"));
  Reply reply = client.Read();
  EXPECT_EQ(reply.status, 431);
  EXPECT_EQ(ErrorCode(reply), "RequestHeaderFieldsTooLarge");
  EXPECT_TRUE(client.ClosedByServer());
}

TEST_F(HttpServerTest, ManyShortHeadersOverTheLimitGet431) {
  StartServer();  // max_header: 16 KiB
  auto fields = [](int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += "X: y\r\n";
    return out;
  };
  // 18,034 bytes of header: Beast's own check, which sees only what one read leaves unparsed,
  // let it through.
  RawClient over(port());
  over.Send(Get("/hello", fields(3000)));
  Reply reply = over.Read();
  EXPECT_EQ(reply.status, 431);
  EXPECT_EQ(ErrorCode(reply), "RequestHeaderFieldsTooLarge");
  RawClient under(port());  // 15,634 bytes
  under.Send(Get("/hello", fields(2600)));
  EXPECT_EQ(under.Read().status, 200);
}

TEST_F(HttpServerTest, GarbageGets400BeforeTheConnectionCloses) {
  StartServer();
  RawClient client(port());
  client.Send("THIS IS NOT HTTP\r\n\r\n");
  Reply reply = client.Read();
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(ErrorCode(reply), "BadRequest");
  EXPECT_TRUE(client.ClosedByServer());
}

TEST_F(HttpServerTest, BadPercentEncodingGets400AndKeepsTheConnection) {
  StartServer();
  RawClient client(port());
  client.Send(Get("/echo/%zz"));
  Reply reply = client.Read();
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(ErrorCode(reply), "BadRequest");
  client.Send(Get("/hello"));
  EXPECT_EQ(client.Read().status, 200);
}

TEST_F(HttpServerTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  StartServer();
  RawClient client(port());
  client.Send(Get("/nowhere"));
  Reply not_found = client.Read();
  EXPECT_EQ(not_found.status, 404);
  EXPECT_EQ(ErrorCode(not_found), "Request_ResourceNotFound");
  client.Send("DELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  Reply wrong_method = client.Read();
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(ErrorCode(wrong_method), "MethodNotAllowed");
  EXPECT_EQ(wrong_method.Header("allow"), "GET, HEAD, POST");
  EXPECT_TRUE(wrong_method.keep_alive);
}

// RFC 9110 section 9.3.2: the answer to HEAD carries no content (whatever its status), or a
// client would read that content as the start of the next answer on the connection.
TEST_F(HttpServerTest, HeadIsAnsweredWithoutContent) {
  StartServer();
  RawClient client(port());
  client.Send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n" + Get("/echo/after"));
  Reply head = client.ReadHead();
  EXPECT_NE(head.status, 0);
  EXPECT_TRUE(head.keep_alive);
  Reply next = client.Read();
  ASSERT_EQ(next.status, 200) << "the HEAD answer had content";
  EXPECT_EQ(json::parse(next.body).at("id"), "after");
}

// HEAD answers as GET would, without the content: same status, same Content-Length.
TEST_F(HttpServerTest, HeadOfAGetRouteIsItsAnswerWithoutTheContent) {
  StartServer();
  RawClient client(port());
  client.Send(Get("/hello"));
  Reply get = client.Read();
  ASSERT_EQ(get.status, 200);
  client.Send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  Reply head = client.ReadHead();
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("content-length"), std::to_string(get.body.size()));
  EXPECT_EQ(client.Available(), 0u);
}

TEST_F(HttpServerTest, BlockingRoutesRunOffTheIoThread) {
  StartServer();
  RawClient client(port());
  client.Send(Get("/thread"));
  std::string io_thread = client.Read().body;
  client.Send(Get("/thread/blocking"));
  std::string worker_thread = client.Read().body;
  client.Send(Get("/thread"));
  EXPECT_EQ(client.Read().body, io_thread);  // non-blocking routes stay on the I/O thread
  EXPECT_FALSE(io_thread.empty());
  EXPECT_FALSE(worker_thread.empty());
  EXPECT_NE(io_thread, worker_thread);
}

// A blocking route with an inline predicate runs on the I/O thread when the predicate says so,
// on a worker otherwise; the predicate is asked for every request.
TEST_F(HttpServerTest, InlinePredicateChoosesTheThreadPerRequest) {
  std::atomic<bool> idle{true};
  router_.Add(
      "GET", "/thread/maybe", "thread.maybe",
      [](const HttpRequest&, const RouteParams&) { return JsonResponse(200, ThreadId()); },
      /*blocking=*/true, [&idle] { return idle.load(); });
  StartServer();
  RawClient client(port());
  client.Send(Get("/thread"));
  std::string io_thread = client.Read().body;
  client.Send(Get("/thread/maybe"));
  EXPECT_EQ(client.Read().body, io_thread);
  idle = false;
  client.Send(Get("/thread/maybe"));
  EXPECT_NE(client.Read().body, io_thread);
  idle = true;
  client.Send(Get("/thread/maybe"));
  EXPECT_EQ(client.Read().body, io_thread);
}

TEST_F(HttpServerTest, ThrowingHandlerGets500AndTheConnectionSurvives) {
  StartServer();
  RawClient client(port());
  client.Send(Get("/throws"));
  Reply reply = client.Read();
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(ErrorCode(reply), "InternalServerError");
  client.Send(Get("/hello"));
  EXPECT_EQ(client.Read().status, 200);
}

// While the write guard gives a reason (pimd: too little free disk space), everything but GET and
// HEAD is answered 503 with it before any handler runs; reads go on.
TEST_F(HttpServerTest, TheWriteGuardRefusesAllButReads) {
  std::atomic<bool> low{true};
  std::atomic<int> created{0};
  for (const char* method : {"POST", "PATCH", "DELETE", "PUT"}) {
    router_.Add(method, "/counted", "counted", [&created](const HttpRequest&, const RouteParams&) {
      created.fetch_add(1);
      return JsonResponse(201, "{}");
    });
  }
  write_guard_ = [&low]() -> std::optional<std::string> {
    if (low.load()) return "too little free disk space";
    return std::nullopt;
  };
  StartServer();
  RawClient client(port());
  for (const char* method : {"POST", "PATCH", "DELETE", "PUT"}) {
    client.Send(std::string(method) +
                " /counted HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
    Reply refused = client.Read();
    EXPECT_EQ(refused.status, 503) << method;
    EXPECT_EQ(ErrorCode(refused), "ServiceUnavailable") << method;
    EXPECT_NE(refused.body.find("too little free disk space"), std::string::npos) << method;
    EXPECT_EQ(refused.Header("retry-after"), "30") << method;
  }
  EXPECT_EQ(created.load(), 0);
  client.Send(Get("/hello"));
  EXPECT_EQ(client.Read().status, 200);
  low = false;
  client.Send("POST /counted HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
  EXPECT_EQ(client.Read().status, 201);
  EXPECT_EQ(created.load(), 1);
}

TEST_F(HttpServerTest, HealthReadinessAndMetrics) {
  std::atomic<bool> ready{false};
  readiness_ = [&ready] { return ready.load(); };
  StartServer();
  RawClient client(port());
  client.Send(Get("/healthz"));
  Reply health = client.Read();
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"ok"})");
  client.Send(Get("/readyz"));
  EXPECT_EQ(client.Read().status, 503);
  ready = true;
  client.Send(Get("/readyz"));
  Reply readiness = client.Read();
  EXPECT_EQ(readiness.status, 200);
  EXPECT_EQ(readiness.body, R"({"status":"ok"})");

  client.Send(Get("/hello"));
  client.Read();
  client.Send(Get("/hello"));
  client.Read();
  client.Send(Get("/nowhere"));
  client.Read();
  client.Send(Get("/metrics"));
  Reply metrics = client.Read();
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(
      metrics.body.find(R"(pim_http_requests_total{route="hello",method="GET",status="200"} 2)"),
      std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find(
                R"(pim_http_requests_total{route="unmatched",method="GET",status="404"} 1)"),
            std::string::npos);
  EXPECT_NE(
      metrics.body.find(R"(pim_http_requests_total{route="readyz",method="GET",status="503"} 1)"),
      std::string::npos);
  EXPECT_NE(metrics.body.find(R"(pim_http_request_duration_seconds_count{route="hello"} 2)"),
            std::string::npos);
}

TEST_F(HttpServerTest, SlowClientIsAnswered408AfterTheReadTimeoutAndDisconnected) {
  ServerOptions options;
  options.read_timeout = std::chrono::milliseconds(200);
  StartServer(options);
  RawClient client(port());
  client.Send("GET /hello HTTP/1.1\r\nHost:");  // and never finishes
  Reply reply = client.Read();                  // within the 5 s client read timeout
  EXPECT_EQ(reply.status, 408);
  EXPECT_NE(reply.body.find(R"("code":"RequestTimeout")"), std::string::npos) << reply.body;
  EXPECT_TRUE(client.ClosedByServer());

  // A body that stops short of its Content-Length is answered the same way.
  RawClient slow_body(port());
  slow_body.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
  EXPECT_EQ(slow_body.Read().status, 408);
  EXPECT_TRUE(slow_body.ClosedByServer());

  // A connection that never starts a request is closed without an answer.
  RawClient silent(port());
  EXPECT_TRUE(silent.ClosedByServer());

  // A client that keeps to the limit is served as usual on the same server.
  RawClient quick(port());
  quick.Send(Get("/hello"));
  EXPECT_EQ(quick.Read().status, 200);
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosedAfterTheIdleTimeout) {
  ServerOptions options;
  options.idle_timeout = std::chrono::milliseconds(200);
  StartServer(options);
  RawClient client(port());
  client.Send(Get("/hello"));
  EXPECT_EQ(client.Read().status, 200);
  EXPECT_TRUE(client.ClosedByServer());
}

TEST_F(HttpServerTest, SeveralIoThreadsServeConcurrentClients) {
  ServerOptions options;
  options.io_threads = 2;
  options.worker_threads = 4;
  StartServer(options);
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([this, &ok, c] {
      RawClient client(port());
      for (int i = 0; i < 20; ++i) {
        client.Send(Get((i + c) % 2 ? "/thread/blocking" : "/hello"));
        if (client.Read().status == 200) ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 160);
  std::string text = metrics_.Render();
  EXPECT_NE(text.find(R"(pim_http_requests_total{route="hello",method="GET",status="200"} 80)"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find(R"(pim_http_requests_total{route="thread.blocking",method="GET",status="200"} 80)"),
      std::string::npos);
  StopServer();
}

TEST_F(HttpServerTest, StopFinishesInFlightRequestsAndClosesIdleConnections) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  router_.Add(
      "GET", "/slow", "slow",
      [&entered, released](const HttpRequest&, const RouteParams&) {
        entered.set_value();
        released.wait();
        return JsonResponse(200, R"({"done":true})");
      },
      /*blocking=*/true);
  StartServer();

  RawClient idle(port());
  idle.Send(Get("/hello"));
  ASSERT_EQ(idle.Read().status, 200);
  RawClient busy(port());
  busy.Send(Get("/slow"));
  entered.get_future().wait();

  server_->Stop();
  EXPECT_TRUE(idle.ClosedByServer());           // the idle keep-alive connection is closed...
  EXPECT_FALSE(RawClient(port()).connected());  // ...and no new connection is accepted
  release.set_value();
  Reply reply = busy.Read();  // but the request in flight is answered
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, R"({"done":true})");
  EXPECT_FALSE(reply.keep_alive);
  EXPECT_TRUE(busy.ClosedByServer());
  thread_.join();  // Run() returns once nothing is left
  server_.reset();
}

// Past the grace period the connections are abandoned, but a handler already running on a
// worker is not: Run() waits for it to return, so that the caller may then close what handlers
// use (pimd closes the store after Run(); a mutation committing after that aborted the process).
TEST_F(HttpServerTest, RunReturnsOnlyAfterTheHandlersStillRunningAfterTheGracePeriod) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> handler_done{false};
  router_.Add(
      "GET", "/slow", "slow",
      [&entered, &handler_done, released](const HttpRequest&, const RouteParams&) {
        entered.set_value();
        released.wait();
        handler_done.store(true);
        return JsonResponse(200, R"({"done":true})");
      },
      /*blocking=*/true);
  ServerOptions options;
  options.shutdown_grace = std::chrono::milliseconds(10);
  StartServer(options);
  RawClient busy(port());
  busy.Send(Get("/slow"));
  entered.get_future().wait();

  server_->Stop();
  // Past the grace period the client is not left waiting for the handler...
  std::future<bool> closed =
      std::async(std::launch::async, [&busy] { return busy.ClosedByServer(); });
  EXPECT_EQ(closed.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_FALSE(handler_done.load());
  std::thread releaser([&release] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    release.set_value();
  });
  thread_.join();  // ...but Run() returns only after the handler
  EXPECT_TRUE(handler_done.load());
  releaser.join();
  server_.reset();
  EXPECT_TRUE(closed.get());
}

// A deferred response leaves when its continuation is called (here from another thread), not
// when the handler returns; the worker thread is free meanwhile; a stop waits for it.
TEST_F(HttpServerTest, DeferredResponseIsSentWhenItsContinuationRuns) {
  std::mutex mu;
  std::vector<std::function<void()>> continuations;
  std::condition_variable cv;
  router_.Add(
      "POST", "/later", "later",
      [&](const HttpRequest& request, const RouteParams&) {
        HttpResponse response = JsonResponse(201, request.body);
        response.defer = [&](std::function<void()> send) {
          std::lock_guard<std::mutex> lock(mu);
          continuations.push_back(std::move(send));
          cv.notify_all();
        };
        return response;
      },
      /*blocking=*/true);
  ServerOptions options;
  options.worker_threads = 1;  // one worker: the second request proves the first freed it
  StartServer(options);
  auto post = [](const std::string& body) {
    return "POST /later HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
  };
  RawClient first(port());
  RawClient second(port());
  first.Send(post(R"({"n":1})"));
  second.Send(post(R"({"n":2})"));
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(
      cv.wait_for(lock, std::chrono::seconds(10), [&] { return continuations.size() == 2; }));
  std::vector<std::function<void()>> pending = std::move(continuations);
  lock.unlock();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(first.Available(), 0u);  // nothing is sent before the continuation runs
  EXPECT_EQ(second.Available(), 0u);
  server_->Stop();  // both requests are in flight: the server waits for them
  std::thread later([&pending] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    for (auto& send : pending) send();
    pending.clear();  // a continuation holds its connection until it is destroyed
  });
  Reply a = first.Read();
  Reply b = second.Read();
  later.join();
  EXPECT_EQ(a.status, 201);
  EXPECT_EQ(a.body, R"({"n":1})");
  EXPECT_EQ(b.status, 201);
  EXPECT_EQ(b.body, R"({"n":2})");
  thread_.join();
  server_.reset();
}

}  // namespace
}  // namespace pim::http::testing
