// TempDir, for tests: a new private directory under the system's temporary directory (mkdtemp:
// mode 0700, a unique name starting with `prefix`), removed with everything in it when the object
// is destroyed. A fixture holds one as a member, so the directory outlives TearDown() and goes
// with the fixture. If the directory cannot be made the constructor throws: googletest fails the
// test without running it (no test ever sees an empty path).
#pragma once

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace pim {

class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "pim-test") {
    std::string pattern =
        (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp(" + pattern + "): " + std::strerror(errno));
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Points TMPDIR at `dir` while it lives. A death test's child process runs the test's fixture
// again and aborts, so its TempDir is never removed: made inside the parent's own TempDir, it
// goes when the parent's does.
class TmpdirForChildren {
 public:
  explicit TmpdirForChildren(const std::string& dir) {
    if (const char* old = getenv("TMPDIR")) old_ = old;
    setenv("TMPDIR", dir.c_str(), 1);
  }
  ~TmpdirForChildren() {
    if (old_.empty()) {
      unsetenv("TMPDIR");
    } else {
      setenv("TMPDIR", old_.c_str(), 1);
    }
  }
  TmpdirForChildren(const TmpdirForChildren&) = delete;
  TmpdirForChildren& operator=(const TmpdirForChildren&) = delete;

 private:
  std::string old_;
};

}  // namespace pim
