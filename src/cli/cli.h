// Entry points of the `pim` command-line client.
//
//   Main: the process entry (apps/pim/main.cc calls it): builds the real Context (libcurl,
//   terminal prompts, system clock, config path from the environment) and runs the command line.
//   Run: parses `args` (without the program name) and runs one command against `ctx`.
//
// Exit codes: 0 success; 1 the command failed (one line "pim: <message>" on ctx.err, e.g. a
// refused request or `audit verify` finding tampering); 2 the command line is invalid.
#pragma once

#include <string>
#include <vector>

#include "cli/context.h"

namespace pim::cli {

int Main(int argc, char** argv);
int Run(const std::vector<std::string>& args, Context& ctx);

}  // namespace pim::cli
