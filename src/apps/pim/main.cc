// The `pim` command-line client: all of it lives in src/cli (pim_cli).
#include "cli/cli.h"

int main(int argc, char** argv) { return pim::cli::Main(argc, argv); }
