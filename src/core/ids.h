// IdGenerator: makes the lowercase GUID (v4) ids of every object pim creates. The engine is given
// one: RandomIdGenerator (auth/crypto.h, CSPRNG-backed) in pimd, SequentialIdGenerator in tests.
// Thread-safety: implementations are safe to call from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace pim {

class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  virtual std::string NewId() = 0;
};

// Deterministic ids "00000000-0000-4000-8000-000000000001", ...2, ... for tests.
class SequentialIdGenerator final : public IdGenerator {
 public:
  std::string NewId() override;

 private:
  std::atomic<uint64_t> next_{1};
};

// Formats 16 bytes as a v4 GUID (sets the version and variant bits).
std::string FormatGuidV4(const unsigned char bytes[16]);
// True for a lowercase-or-uppercase 8-4-4-4-12 hex GUID.
bool IsGuid(std::string_view s);
// Lowercases ASCII.
std::string ToLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// True for a host (no brackets, no port) that names this machine: 127.0.0.0/8, ::1 or localhost.
bool IsLoopbackHost(std::string_view host);

}  // namespace pim
