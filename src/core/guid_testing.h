// Random v4 GUIDs from a seeded generator, for tests and benchmarks that need ids shaped like
// pimd's (which come from a CSPRNG: RandomIdGenerator, auth/crypto.h) but reproducible.
#pragma once

#include <random>
#include <string>

#include "core/ids.h"

namespace pim {

inline std::string RandomGuid(std::mt19937_64& rng) {
  unsigned char bytes[16];
  for (unsigned char& b : bytes) b = static_cast<unsigned char>(rng());
  return FormatGuidV4(bytes);
}

}  // namespace pim
