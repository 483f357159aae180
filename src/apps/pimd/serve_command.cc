// `pimd` (serve): the engine, the HTTP server, the timer thread and signal handling.
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include "apps/pimd/commands.h"
#include "apps/pimd/engine_setup.h"
#include "core/ids.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"

#if defined(PIM_WITH_GRAPH_ROUTES) && __has_include("http/graph/graph_routes.h")
#include "http/graph/graph_routes.h"
#define PIM_GRAPH_ROUTES 1
#endif

namespace pim::pimd {

namespace {

// Watches the free space of the data directory's file system, once a second. Below `min_bytes`
// pimd refuses every write (503) instead of starting one that could fail half-way: a failed
// commit stops the process, since memory would no longer match the disk (any client could then
// keep a pimd with a full disk restarting, with a failed sign-in). Reads go on.
class FreeSpaceGuard {
 public:
  FreeSpaceGuard(std::string dir, uint64_t min_bytes) : dir_(std::move(dir)), min_(min_bytes) {
    if (min_ == 0) return;
    Check();
    thread_ = std::thread([this] {
      std::unique_lock lock(mu_);
      while (!cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; })) {
        lock.unlock();
        Check();
        lock.lock();
      }
    });
  }
  ~FreeSpaceGuard() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  bool low() const { return low_.load(std::memory_order_relaxed); }
  std::optional<std::string> Refusal() const {
    if (!low()) return std::nullopt;
    return "The server's data directory has less than " + std::to_string(min_ >> 20) +
           " MiB of free disk space, so it accepts no changes until an operator frees some.";
  }

 private:
  void Check() {
    struct statvfs fs {};
    if (::statvfs(dir_.c_str(), &fs) != 0) return;  // keep the last reading
    const uint64_t free_bytes = static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
    const bool low = free_bytes < min_;
    if (low != low_.exchange(low)) {
      if (low) {
        spdlog::error("{} has {} MiB free, below --min-free-mib {}: refusing changes (503)", dir_,
                      free_bytes >> 20, min_ >> 20);
      } else {
        spdlog::warn("{} has {} MiB free again: accepting changes", dir_, free_bytes >> 20);
      }
    }
  }

  const std::string dir_;
  const uint64_t min_;
  std::atomic<bool> low_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// Runs PimService's timers: sleeps until the next deadline (at most 1 s, so deadlines created
// meanwhile are picked up within a second), then RunDueTimers(). Stop() wakes it at once. While
// `paused` returns true the timers wait (their records are written later; decisions compare
// schedules with the clock, so a late timer never makes a role last longer).
class TimerThread {
 public:
  TimerThread(PimService& service, const Clock& clock, std::function<bool()> paused)
      : service_(service), clock_(clock), paused_(std::move(paused)) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~TimerThread() { Stop(); }

  void Stop() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Loop() {
    constexpr auto kMaxSleep = std::chrono::seconds(1);
    std::unique_lock lock(mu_);
    while (!stop_) {
      Timestamp next = service_.NextDeadline();
      Timestamp now = clock_.Now();
      if (next > now || paused_()) {
        auto wait = next > now ? std::min<std::chrono::microseconds>(
                                     std::chrono::microseconds((next - now).micros()), kMaxSleep)
                               : std::chrono::microseconds(kMaxSleep);
        cv_.wait_for(lock, wait, [this] { return stop_; });
        continue;
      }
      lock.unlock();
      Status status = service_.RunDueTimers();
      bool progressed = service_.NextDeadline() > next;
      lock.lock();
      if (!status.ok()) spdlog::error("timers: {}", status.ToString());
      // A failing run, or a deadline still reported due after its run, is retried after a
      // second instead of in a busy loop.
      if (!status.ok() || !progressed) {
        cv_.wait_for(lock, kMaxSleep, [this] { return stop_; });
      }
    }
  }

  PimService& service_;
  const Clock& clock_;
  std::function<bool()> paused_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// Waits for SIGTERM/SIGINT (blocked in every thread by BlockStopSignals) and calls on_signal.
class SignalThread {
 public:
  explicit SignalThread(std::function<void()> on_signal) {
    thread_ = std::thread([this, on_signal = std::move(on_signal)] {
      sigset_t set = StopSignals();
      timespec poll{0, 200'000'000};
      while (!done_.load()) {
        int sig = sigtimedwait(&set, nullptr, &poll);
        if (sig == SIGTERM || sig == SIGINT) {
          spdlog::info("signal {}: stopping", sig);
          on_signal();
          return;
        }
      }
    });
  }
  ~SignalThread() {
    done_.store(true);
    thread_.join();
  }
  static sigset_t StopSignals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    return set;
  }

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

// Must run before any thread starts, so that every thread inherits the mask and only
// SignalThread receives the signals.
void BlockStopSignals() {
  sigset_t set = SignalThread::StopSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

// Every connection holds a descriptor. A service manager's default soft limit (1,024 under
// systemd) would let a few hundred slow or idle clients keep everybody else out until their
// timeouts; the hard limit is what the administrator allows, so take all of it.
void RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_max == RLIM_INFINITY ||
      limit.rlim_cur >= limit.rlim_max) {
    return;
  }
  const rlim_t before = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) == 0) {
    spdlog::info("open files limit raised from {} to {}", before, limit.rlim_max);
  } else {
    spdlog::warn("open files limit stays at {}: {}", before, std::strerror(errno));
  }
}

int Fail(const std::string& message) {
  std::cerr << "pimd: " << message << "\n";
  return 1;
}

}  // namespace

int RunServe(const ServeOptions& options) {
  Result<ListenAddress> listen = ParseListen(options.listen);
  if (!listen.ok()) return Fail(listen.status().message());
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return Fail("--tls-cert and --tls-key go together");
  }
  bool tls = !options.tls_cert.empty();
  std::string public_url;
  if (!options.public_url.empty()) {
    Result<std::string> url = ParsePublicUrl(options.public_url);
    if (!url.ok()) return Fail(url.status().message());
    public_url = std::move(url).value();
  }
  http::TrustedProxies trusted_proxies;
  for (const std::string& network : options.trusted_proxies) {
    Status added = trusted_proxies.Add(network);
    if (!added.ok()) return Fail(added.message());
  }
  if (!tls && !IsLoopbackHost(listen->host) && !options.insecure_http) {
    return Fail("refusing to serve plain HTTP on the non-loopback address " + listen->host +
                "; give --tls-cert and --tls-key, or --insecure-http to accept the risk");
  }
  DataPaths paths(options.data);
  std::error_code ec;
  if (!std::filesystem::exists(paths.Database(), ec)) {
    return Fail("no database at " + paths.Database() + "; run `pimd init --data " + paths.dir +
                "` first");
  }
  // SQLite takes a file of 0 bytes for a new database, and pimd would write a fresh schema into
  // it: a copy or restore that failed (on a full disk, say) must not become an empty tenant.
  std::error_code db_ec, wal_ec;  // no log (wal_ec) holds nothing either
  const uintmax_t db_size = std::filesystem::file_size(paths.Database(), db_ec);
  const uintmax_t wal_size = std::filesystem::file_size(paths.Database() + "-wal", wal_ec);
  if (!db_ec && db_size == 0 && (wal_ec || wal_size == 0)) {
    return Fail(paths.Database() + " is empty (0 bytes), so it is not a pim database; pimd " +
                "leaves it as it is. Restore it from a backup (docs/OPERATIONS.md), or remove " +
                "it to start over with `pimd init --data " + paths.dir + "`");
  }

  BlockStopSignals();
  RaiseOpenFileLimit();
  Result<std::unique_ptr<Engine>> opened =
      OpenEngine(paths, options, /*create_keys=*/false, &options);
  if (!opened.ok()) return Fail("cannot open " + paths.dir + ": " + opened.status().ToString());
  Engine& engine = **opened;
  PimService& service = *engine.service;
  if (!service.IsInitialized()) {
    return Fail(paths.Database() + " has no administrator; run `pimd init --data " + paths.dir +
                "` first");
  }

  if (!service.CheckpointFileProblem().empty()) {
    spdlog::error(
        "the audit checkpoint file does not match the log: {}. pimd leaves {} as it is (the "
        "evidence): `pim audit verify` reports this until an operator resolves it "
        "(docs/AUDIT.md, \"When the checkpoint file does not match\")",
        service.CheckpointFileProblem(), paths.AuditCheckpoint());
  }

  http::Router router;
#ifdef PIM_GRAPH_ROUTES
  http::RegisterGraphRoutes(router, service, *engine.store, engine.clock);
#else
  spdlog::warn("built without the Graph API routes: only /healthz, /readyz and /metrics");
#endif
  http::Metrics metrics;
  metrics.AddGauge("pim_active_assignments", "Role assignments active now.",
                   [&service] { return static_cast<double>(service.ActiveAssignmentCount()); });
  metrics.AddGauge("pim_pending_approvals", "Requests waiting for an approval.",
                   [&service] { return static_cast<double>(service.PendingApprovalCount()); });
  metrics.AddGauge("pim_audit_checkpoint_file_mismatch",
                   "1 when the audit checkpoint file outside the database did not describe the "
                   "log at start-up (pimd keeps it as evidence; see pim audit verify).",
                   [&service] { return service.CheckpointFileProblem().empty() ? 0.0 : 1.0; });
  metrics.AddCounter("pim_activations_total", "Activations granted since the server started.",
                     [&service] { return static_cast<double>(service.ActivationCount()); });
  SqliteStore& store = *engine.store;
  metrics.AddCounter("pim_store_transactions_total",
                     "Write transactions committed (each is one fsync; group commit).",
                     [&store] { return static_cast<double>(store.commit_count()); });
  metrics.AddCounter("pim_store_change_sets_total", "Change sets committed in those transactions.",
                     [&store] { return static_cast<double>(store.change_set_count()); });
  metrics.AddCounter("pim_store_wal_checkpoints_background_total",
                     "WAL checkpoints copied by the checkpointer thread.",
                     [&store] { return static_cast<double>(store.background_checkpoint_count()); });
  metrics.AddCounter("pim_store_wal_checkpoints_writer_total",
                     "WAL checkpoints the writer ran itself: the rest of each background copy, "
                     "so the log restarts, and any at the log's cap.",
                     [&store] { return static_cast<double>(store.writer_checkpoint_count()); });
  metrics.AddCounter("pim_store_lock_waits_total",
                     "Times a commit found the database's write lock held by another process for "
                     "5 s and kept waiting (pimd writes nothing meanwhile).",
                     [&store] { return static_cast<double>(store.lock_wait_count()); });
  metrics.AddCounter("pim_store_wal_checkpoints_at_cap_total",
                     "WAL checkpoints the writer ran because the log reached its cap (the "
                     "checkpointer thread fell behind or failed).",
                     [&store] { return static_cast<double>(store.cap_checkpoint_count()); });

  http::ServerOptions server_options;
  server_options.host = listen->host;
  server_options.port = listen->port;
  server_options.tls_cert = options.tls_cert;
  server_options.tls_key = options.tls_key;
  server_options.public_url = public_url;
  server_options.trusted_proxies = trusted_proxies;
  // A request still waiting after the grace period for a write lock another process holds (a
  // sqlite3 shell left in a transaction) would keep pimd from stopping until it is released.
  server_options.on_abandon = [&store = *engine.store] { store.AbandonLockWaits(); };
  FreeSpaceGuard free_space(paths.dir, static_cast<uint64_t>(options.min_free_mib) << 20);
  metrics.AddGauge("pim_writes_refused_low_disk",
                   "1 while the data directory's free space is below --min-free-mib and pimd "
                   "answers 503 to every change.",
                   [&free_space] { return free_space.low() ? 1.0 : 0.0; });
  http::Server server(server_options, router, metrics);
  server.SetWriteGuard([&free_space] { return free_space.Refusal(); });
  Status started = server.Start();
  if (!started.ok()) return Fail(started.message());

  std::cout << "listening on " << ListenUrl(tls, listen->host, server.port()) << std::endl;
  spdlog::info("serving {} on port {}", paths.dir, server.port());
  if (!public_url.empty()) spdlog::info("links in answers start with {}", public_url);

  {
    TimerThread timers(service, engine.clock, [&free_space] { return free_space.low(); });
    SignalThread signals([&server] { server.Stop(); });
    server.Run();
    timers.Stop();
  }
  engine.store->Close();
  spdlog::info("stopped");
  return 0;
}

}  // namespace pim::pimd
