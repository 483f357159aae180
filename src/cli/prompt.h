// Prompter: asks the user for a line or a secret. TerminalPrompter reads standard input, turning
// echo off for secrets when it is a terminal; when standard input is not a terminal it reads the
// next line without printing a prompt, so scripts can pipe answers.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

#include "core/status.h"

namespace pim::cli {

class Prompter {
 public:
  virtual ~Prompter() = default;
  // The entered line without its newline. FailedPrecondition at end of input.
  virtual Result<std::string> ReadLine(std::string_view prompt) = 0;
  // Same, without echo when interactive.
  virtual Result<std::string> ReadSecret(std::string_view prompt) = 0;
};

class TerminalPrompter final : public Prompter {
 public:
  // Prompts go to `prompt_out` (stderr in the binary, so stdout stays machine-readable).
  TerminalPrompter(std::istream& in, std::ostream& prompt_out, bool interactive)
      : in_(in), out_(prompt_out), interactive_(interactive) {}
  Result<std::string> ReadLine(std::string_view prompt) override;
  Result<std::string> ReadSecret(std::string_view prompt) override;

 private:
  Result<std::string> Read(std::string_view prompt, bool secret);
  std::istream& in_;
  std::ostream& out_;
  bool interactive_;
};

}  // namespace pim::cli
