#include "cli/prompt.h"

#include <termios.h>
#include <unistd.h>

#include <istream>
#include <ostream>

namespace pim::cli {

Result<std::string> TerminalPrompter::ReadLine(std::string_view prompt) {
  return Read(prompt, false);
}

Result<std::string> TerminalPrompter::ReadSecret(std::string_view prompt) {
  return Read(prompt, true);
}

Result<std::string> TerminalPrompter::Read(std::string_view prompt, bool secret) {
  termios saved{};
  bool echo_off = false;
  if (interactive_) {
    out_ << prompt << std::flush;
    if (secret && tcgetattr(STDIN_FILENO, &saved) == 0) {
      termios quiet = saved;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      echo_off = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    }
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(in_, line));
  if (echo_off) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    out_ << '\n';
  }
  if (!got) {
    std::string what(prompt);
    while (!what.empty() && (what.back() == ' ' || what.back() == ':')) what.pop_back();
    return FailedPrecondition("no input given for " + what);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace pim::cli
