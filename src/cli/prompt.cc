#include "cli/prompt.h"

#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <istream>
#include <iterator>
#include <ostream>

namespace pim::cli {
namespace {

// Signals that end pim by default and that a user sends at a prompt (Ctrl-C, Ctrl-\, a closed
// terminal, kill).
constexpr int kEndingSignals[] = {SIGINT, SIGQUIT, SIGHUP, SIGTERM};

// The terminal settings to put back if one of those signals arrives while echo is off.
termios g_echo_settings;

extern "C" void RestoreEchoAndDie(int sig) {
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_echo_settings);
  const char newline = '\n';
  (void)!write(STDERR_FILENO, &newline, 1);
  signal(sig, SIG_DFL);
  raise(sig);  // delivered on return: pim ends by the signal, as it would have
}

// Turns echo off on standard input for its lifetime. A signal that ends the process meanwhile
// restores echo first: otherwise the shell the user returns to would not show what they type.
class EchoOff {
 public:
  EchoOff() {
    if (tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    g_echo_settings = saved_;
    struct sigaction restore = {};
    restore.sa_handler = RestoreEchoAndDie;
    sigemptyset(&restore.sa_mask);
    for (size_t k = 0; k < std::size(kEndingSignals); ++k) {
      sigaction(kEndingSignals[k], &restore, &previous_[k]);
    }
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    active_ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    if (!active_) RestoreHandlers();
  }
  ~EchoOff() {
    if (!active_) return;
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
    RestoreHandlers();
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

  bool active() const { return active_; }

 private:
  void RestoreHandlers() {
    for (size_t k = 0; k < std::size(kEndingSignals); ++k) {
      sigaction(kEndingSignals[k], &previous_[k], nullptr);
    }
  }

  termios saved_{};
  struct sigaction previous_[std::size(kEndingSignals)] = {};
  bool active_ = false;
};

}  // namespace

Result<std::string> TerminalPrompter::ReadLine(std::string_view prompt) {
  return Read(prompt, false);
}

Result<std::string> TerminalPrompter::ReadSecret(std::string_view prompt) {
  return Read(prompt, true);
}

Result<std::string> TerminalPrompter::Read(std::string_view prompt, bool secret) {
  if (interactive_) out_ << prompt << std::flush;
  std::string line;
  bool got = false;
  bool line_ended = false;  // the prompt's line, on the terminal
  if (interactive_ && secret) {
    EchoOff echo_off;
    got = static_cast<bool>(std::getline(in_, line));
    if (echo_off.active()) {
      out_ << '\n';  // the user's Enter was not echoed
      line_ended = true;
    }
  } else {
    got = static_cast<bool>(std::getline(in_, line));
  }
  if (!got) {
    // Ctrl-D echoes nothing: end the prompt's line so the error starts one of its own.
    if (interactive_ && !line_ended) out_ << '\n';
    std::string what(prompt);
    while (!what.empty() && (what.back() == ' ' || what.back() == ':')) what.pop_back();
    return FailedPrecondition("no input given for " + what);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace pim::cli
