// Runs the pimd binary as a user would and checks the process contract (CONTRACT.md
// "Processes"): what init prints and refuses, the first line of the server, SIGTERM → exit 0.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/temp_dir_testing.h"
#include "store/sqlite/sqlite_db.h"

namespace {

namespace fs = std::filesystem;

// A child process with its stdout on a pipe and its stderr in a file.
class Child {
 public:
  Child(const std::vector<std::string>& args, const std::string& stderr_path) {
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      int err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (err >= 0) dup2(err, STDERR_FILENO);
      close(out[0]);
      std::vector<char*> argv;
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    stdout_fd_ = out[0];
  }
  ~Child() {
    if (pid_ > 0 && !waited_) {
      kill(pid_, SIGKILL);
      Wait();
    }
    if (stdout_fd_ >= 0) close(stdout_fd_);
  }

  // The next line of standard output (without '\n'); "" after 30 s or at EOF.
  std::string ReadLine() {
    while (true) {
      size_t nl = pending_.find('\n');
      if (nl != std::string::npos) {
        std::string line = pending_.substr(0, nl);
        pending_.erase(0, nl + 1);
        return line;
      }
      pollfd pfd{stdout_fd_, POLLIN, 0};
      if (poll(&pfd, 1, 30000) <= 0) return "";
      char buf[4096];
      ssize_t n = read(stdout_fd_, buf, sizeof buf);
      if (n <= 0) return "";
      pending_.append(buf, static_cast<size_t>(n));
    }
  }
  // Everything left on standard output, until EOF.
  std::string ReadAll() {
    std::string all = pending_;
    pending_.clear();
    char buf[4096];
    ssize_t n;
    while ((n = read(stdout_fd_, buf, sizeof buf)) > 0) all.append(buf, static_cast<size_t>(n));
    return all;
  }
  void Signal(int sig) { kill(pid_, sig); }
  pid_t pid() const { return pid_; }
  // The exit code, or -signal when killed.
  int Wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    waited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  }
  // The same, but kills the process (and returns kStillRunning) if it has not ended by `limit`.
  static constexpr int kStillRunning = 1000;
  int WaitAtMost(std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        waited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(pid_, SIGKILL);
    Wait();
    return kStillRunning;
  }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  bool waited_ = false;
  std::string pending_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int Mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 0777);
}

// One HTTP/1.1 request with Connection: close; returns the whole raw response.
std::string HttpExchange(uint16_t port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return "";
  }
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  (void)!write(fd, request.data(), request.size());
  std::string response;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) response.append(buf, static_cast<size_t>(n));
  close(fd);
  return response;
}

std::string Get(uint16_t port, const std::string& path) {
  return HttpExchange(port,
                      "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
}

// A password grant with a wrong password: refused, and audited (a change pimd commits).
std::string FailedSignIn(uint16_t port) {
  const std::string form = "grant_type=password&username=admin%40pim.local&password=wrong";
  return HttpExchange(port,
                      "POST /oauth2/v2.0/token HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                      "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                          std::to_string(form.size()) + "\r\n\r\n" + form);
}

class PimdProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = tmp_ + "/data";
    password_file_ = tmp_ + "/admin-password";
    std::ofstream(password_file_) << "a-long-admin-password\n";
  }
  // Runs pimd to completion; returns (exit code, stdout).
  std::pair<int, std::string> Run(std::vector<std::string> args) {
    args.insert(args.begin(), PIMD_BINARY);
    Child child(args, StderrPath());
    std::string out = child.ReadAll();
    return {child.Wait(), out};
  }
  std::vector<std::string> InitArgs() {
    return {"init",
            "--data",
            data_,
            "--admin-password-file",
            password_file_,
            "--argon2-memory-kib",
            "8192",
            "--argon2-passes",
            "1"};
  }
  // The port of `listening on http://127.0.0.1:PORT`, pimd's first line; 0 (and a failure) if
  // the line is something else.
  uint16_t ListeningPort(Child& server) {
    std::smatch m;
    std::string first = server.ReadLine();
    if (!std::regex_match(first, m, std::regex("listening on http://127\\.0\\.0\\.1:(\\d+)"))) {
      ADD_FAILURE() << first << "\n" << Stderr();
      return 0;
    }
    return static_cast<uint16_t>(std::stoi(m[1]));
  }
  std::string StderrPath() const { return tmp_ + "/stderr"; }
  std::string Stderr() const { return ReadFile(StderrPath()); }

  pim::TempDir temp_{"pimd-process"};
  std::string tmp_ = temp_.path();
  std::string data_, password_file_;
};

TEST_F(PimdProcessTest, InitPrintsTheAdminAndRefusesAnExistingDatabase) {
  auto [code, out] = Run(InitArgs());
  ASSERT_EQ(code, 0) << Stderr();
  EXPECT_EQ(out, "admin: admin@pim.local\n");  // the password came from the file
  EXPECT_EQ(Mode(data_), 0700);
  EXPECT_EQ(Mode(data_ + "/audit-signing-key.pem"), 0600);
  EXPECT_EQ(Mode(data_ + "/secret.key"), 0600);
  ASSERT_TRUE(fs::exists(data_ + "/pim.db"));
  auto before = fs::last_write_time(data_ + "/pim.db");
  auto size_before = fs::file_size(data_ + "/pim.db");

  auto [again, again_out] = Run(InitArgs());
  EXPECT_EQ(again, 1);
  EXPECT_EQ(again_out, "");
  EXPECT_NE(Stderr().find(data_ + "/pim.db"), std::string::npos) << Stderr();
  EXPECT_EQ(fs::last_write_time(data_ + "/pim.db"), before);
  EXPECT_EQ(fs::file_size(data_ + "/pim.db"), size_before);
}

// An init killed halfway (Ctrl-C during `make run`'s first start) leaves its staging database and
// maybe an audit checkpoint file, never a pim.db without an administrator, which `pimd` would send
// to `pimd init` and `pimd init` would refuse. The next init starts over.
TEST_F(PimdProcessTest, InitAfterAnInterruptedInitStartsOver) {
  fs::create_directories(data_);
  fs::permissions(data_, fs::perms::owner_all);
  std::ofstream(data_ + "/pim.db.init") << "half a database";
  std::ofstream(data_ + "/pim.db.init-wal") << "half a log";
  std::ofstream(data_ + "/audit-checkpoint") << "pim-audit-checkpoint-v1\nseq=3\n";
  auto [code, out] = Run(InitArgs());
  ASSERT_EQ(code, 0) << Stderr();
  EXPECT_EQ(out, "admin: admin@pim.local\n");
  EXPECT_TRUE(fs::exists(data_ + "/pim.db"));
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(data_)) {
    names.push_back(entry.path().filename().string());
  }
  for (const std::string& name : names) {
    EXPECT_EQ(name.find("pim.db.init"), std::string::npos) << name;
    EXPECT_NE(name, "pim.db-wal");  // the database is one complete file
  }
  // The old checkpoint file is kept aside (it could be evidence), not left to contradict the new
  // log.
  EXPECT_EQ(std::count_if(
                names.begin(), names.end(),
                [](const std::string& n) { return n.rfind("audit-checkpoint.orphaned-", 0) == 0; }),
            1);
  EXPECT_NE(Stderr().find("audit-checkpoint had no database beside it"), std::string::npos)
      << Stderr();
  EXPECT_NE(ReadFile(data_ + "/audit-checkpoint").find("seq="), std::string::npos);
}

TEST_F(PimdProcessTest, InitKilledWhileItBuildsTheDatabaseCanBeRunAgain) {
  std::vector<std::string> args = InitArgs();
  args.insert(args.begin(), PIMD_BINARY);
  args.push_back("--demo");  // a few dozen users: long enough to be caught halfway
  Child child(args, StderrPath());
  bool caught = false;  // a database file appeared while init ran
  for (int i = 0; i < 20000 && !caught; ++i) {
    if (waitpid(child.pid(), nullptr, WNOHANG) != 0) break;
    caught = fs::exists(data_ + "/pim.db") || fs::exists(data_ + "/pim.db.init");
    if (!caught) std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  if (!caught) GTEST_SKIP() << "init finished before it could be caught";
  child.Signal(SIGKILL);
  if (child.Wait() != -SIGKILL) GTEST_SKIP() << "init finished before the signal";
  EXPECT_FALSE(fs::exists(data_ + "/pim.db"));
  auto [code, out] = Run(InitArgs());
  EXPECT_EQ(code, 0) << Stderr();
  EXPECT_EQ(out, "admin: admin@pim.local\n");
}

TEST_F(PimdProcessTest, InitGeneratesAndPrintsAPasswordWhenNoneIsGiven) {
  auto [code, out] = Run({"init", "--data", data_, "--admin-upn", "ops@example.org",
                          "--argon2-memory-kib", "8192", "--argon2-passes", "1"});
  ASSERT_EQ(code, 0) << Stderr();
  std::smatch m;
  ASSERT_TRUE(
      std::regex_match(out, m, std::regex("admin: ops@example.org\npassword: (\\S{24,})\n")))
      << out;
}

TEST_F(PimdProcessTest, InitRefusesAShortPasswordAndCreatesNothing) {
  std::ofstream(password_file_) << "short\n";
  auto [code, out] = Run(InitArgs());
  EXPECT_EQ(code, 1);
  EXPECT_EQ(out, "");
  EXPECT_FALSE(fs::exists(data_));
  EXPECT_NE(Stderr().find(password_file_), std::string::npos) << Stderr();
}

TEST_F(PimdProcessTest, InitDemoWritesPrivateCredentials) {
  std::vector<std::string> args = InitArgs();
  args.push_back("--demo");
  auto [code, out] = Run(args);
  ASSERT_EQ(code, 0) << Stderr();
  EXPECT_EQ(out, "admin: admin@pim.local\n");
  EXPECT_EQ(Mode(data_ + "/demo-credentials.txt"), 0600);
  std::string creds = ReadFile(data_ + "/demo-credentials.txt");
  for (const char* upn : {"requester@pim.local", "approver@pim.local", "auditor@pim.local"}) {
    EXPECT_NE(creds.find(upn), std::string::npos) << upn;
  }
}

TEST_F(PimdProcessTest, InitDemoRefusesABadDemoUrlAndCreatesNothing) {
  for (const char* bad : {"127.0.0.1:8080", "ftp://x", "http://a b", "http://x'y"}) {
    std::vector<std::string> args = InitArgs();
    args.insert(args.end(), {"--demo", "--demo-url", bad});
    auto [code, out] = Run(args);
    EXPECT_NE(code, 0) << bad;
    EXPECT_EQ(out, "") << bad;
    EXPECT_FALSE(fs::exists(data_)) << bad;
    EXPECT_NE(Stderr().find("--demo-url"), std::string::npos) << Stderr();
  }
  std::vector<std::string> args = InitArgs();
  args.insert(args.end(), {"--demo", "--demo-url", "https://pim.example.org:8443"});
  ASSERT_EQ(Run(args).first, 0) << Stderr();
  EXPECT_NE(ReadFile(data_ + "/demo-credentials.txt").find("--server https://pim.example.org:8443"),
            std::string::npos);
}

TEST_F(PimdProcessTest, ServeNeedsAnInitialisedDataDirectory) {
  auto [code, out] = Run({"--data", data_, "--listen", "127.0.0.1:0"});
  EXPECT_EQ(code, 1);
  EXPECT_EQ(out, "");
  EXPECT_NE(Stderr().find("pimd init"), std::string::npos) << Stderr();
}

// A zero-length pim.db (a copy that failed on a full disk, a file system that lost it) is not a
// new database to fill in: SQLite would accept it as one, pimd would write a fresh schema into
// it and send the operator to `pimd init`, which refuses an existing file.
TEST_F(PimdProcessTest, ServeRefusesAnEmptyDatabaseFileAndLeavesItAsItIs) {
  ASSERT_EQ(Run(InitArgs()).first, 0) << Stderr();
  for (const char* suffix : {"-wal", "-shm"}) fs::remove(data_ + "/pim.db" + suffix);
  fs::resize_file(data_ + "/pim.db", 0);
  auto [code, out] = Run({"--data", data_, "--listen", "127.0.0.1:0"});
  EXPECT_EQ(code, 1);
  EXPECT_EQ(out, "");
  EXPECT_NE(Stderr().find("is empty"), std::string::npos) << Stderr();
  EXPECT_EQ(fs::file_size(data_ + "/pim.db"), 0u);
}

TEST_F(PimdProcessTest, ServeRefusesPlainHttpOnANonLoopbackAddress) {
  ASSERT_EQ(Run(InitArgs()).first, 0);
  auto [code, out] = Run({"--data", data_, "--listen", "0.0.0.0:0"});
  EXPECT_EQ(code, 1);
  EXPECT_EQ(out, "");
  EXPECT_NE(Stderr().find("--insecure-http"), std::string::npos) << Stderr();
}

TEST_F(PimdProcessTest, ServesPrintsItsAddressFirstAndStopsCleanlyOnSigterm) {
  ASSERT_EQ(Run(InitArgs()).first, 0) << Stderr();
  Child server({PIMD_BINARY, "--data", data_, "--listen", "127.0.0.1:0", "--argon2-memory-kib",
                "8192", "--argon2-passes", "1"},
               StderrPath());
  std::string first = server.ReadLine();
  std::smatch m;
  ASSERT_TRUE(std::regex_match(first, m, std::regex("listening on http://127\\.0\\.0\\.1:(\\d+)")))
      << first << "\n"
      << Stderr();
  uint16_t port = static_cast<uint16_t>(std::stoi(m[1]));
  ASSERT_NE(port, 0);

  std::string health = Get(port, "/healthz");
  EXPECT_EQ(health.rfind("HTTP/1.1 200", 0), 0u) << health;
  EXPECT_NE(health.find(R"({"status":"ok"})"), std::string::npos);
  std::string metrics = Get(port, "/metrics");
  EXPECT_TRUE(std::regex_search(metrics, std::regex("\npim_active_assignments [0-9]+\n")))
      << metrics;
  EXPECT_NE(metrics.find("\npim_pending_approvals 0\n"), std::string::npos);
  for (const char* counter :
       {"pim_store_transactions_total", "pim_store_change_sets_total",
        "pim_store_wal_checkpoints_background_total", "pim_store_wal_checkpoints_writer_total",
        "pim_store_wal_checkpoints_at_cap_total"}) {
    EXPECT_TRUE(std::regex_search(metrics, std::regex(std::string("# TYPE ") + counter +
                                                      " counter\n" + counter + " [0-9]+\n")))
        << counter << "\n"
        << metrics;
  }

  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0) << Stderr();
  EXPECT_EQ(server.ReadAll(), "");  // nothing but the first line on stdout
}

// Another process holding the database's write lock (a sqlite3 shell left in a transaction)
// makes a change wait for it. SIGTERM must still stop pimd once the grace period is over (it used
// to wait for the lock forever), saying that the waiting change was not saved.
TEST_F(PimdProcessTest, StopsOnSigtermWhileAChangeWaitsForAnotherProcesssLock) {
  ASSERT_EQ(Run(InitArgs()).first, 0) << Stderr();
  Child server({PIMD_BINARY, "--data", data_, "--listen", "127.0.0.1:0", "--argon2-memory-kib",
                "8192", "--argon2-passes", "1"},
               StderrPath());
  const uint16_t port = ListeningPort(server);
  ASSERT_NE(port, 0);
  pim::Result<pim::sqlite::Connection> other =
      pim::sqlite::Connection::Open(data_ + "/pim.db", 100);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  ASSERT_TRUE(other->Exec("BEGIN IMMEDIATE").ok());
  std::string answer;
  std::thread client([&] { answer = FailedSignIn(port); });  // a change: it waits for the lock
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  server.Signal(SIGTERM);
  // The grace period (10 s) and one more wait for the lock (5 s) at most.
  EXPECT_EQ(server.WaitAtMost(std::chrono::seconds(40)), 1) << Stderr();
  client.join();
  EXPECT_EQ(answer.find("HTTP/1.1 2"), std::string::npos) << answer;  // never acknowledged
  EXPECT_NE(Stderr().find("that change was never acknowledged and is not saved"), std::string::npos)
      << Stderr();
  ASSERT_TRUE(other->Exec("ROLLBACK").ok());
}

// Below --min-free-mib of free space pimd refuses every change with a 503 instead of starting
// commits that could fail (a failed commit stops pimd); it keeps serving reads.
TEST_F(PimdProcessTest, WithTooLittleFreeSpaceChangesAre503AndReadsGoOn) {
  ASSERT_EQ(Run(InitArgs()).first, 0) << Stderr();
  Child server({PIMD_BINARY, "--data", data_, "--listen", "127.0.0.1:0", "--min-free-mib",
                std::to_string(int64_t{1} << 40)},  // more than any disk here has free
               StderrPath());
  const uint16_t port = ListeningPort(server);
  ASSERT_NE(port, 0);
  std::string refused = FailedSignIn(port);
  EXPECT_EQ(refused.rfind("HTTP/1.1 503", 0), 0u) << refused;
  EXPECT_NE(refused.find("free disk space"), std::string::npos) << refused;
  EXPECT_EQ(Get(port, "/healthz").rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_NE(Get(port, "/metrics").find("\npim_writes_refused_low_disk 1\n"), std::string::npos);
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0) << Stderr();
  EXPECT_NE(Stderr().find("refusing changes (503)"), std::string::npos) << Stderr();
}

// Each connection is a descriptor: pimd takes the whole hard limit of open files, not a service
// manager's low default soft limit.
TEST_F(PimdProcessTest, ServeRaisesItsOpenFilesLimitToTheHardLimit) {
  ASSERT_EQ(Run(InitArgs()).first, 0) << Stderr();
  rlimit ours{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &ours), 0);
  if (ours.rlim_max == RLIM_INFINITY || ours.rlim_max <= 256) GTEST_SKIP() << "hard limit";
  rlimit low = ours;
  low.rlim_cur = 256;  // inherited by the child, as from a service manager
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  Child server({PIMD_BINARY, "--data", data_, "--listen", "127.0.0.1:0", "--argon2-memory-kib",
                "8192", "--argon2-passes", "1"},
               StderrPath());
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &ours), 0);
  ASSERT_EQ(server.ReadLine().rfind("listening on ", 0), 0u) << Stderr();
  std::string limits = ReadFile("/proc/" + std::to_string(server.pid()) + "/limits");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(limits, m, std::regex("Max open files +(\\d+) +(\\d+)"))) << limits;
  EXPECT_EQ(std::stoull(m[1]), static_cast<unsigned long long>(ours.rlim_max)) << limits;
  EXPECT_EQ(m[1], m[2]);
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0) << Stderr();
}

}  // namespace
