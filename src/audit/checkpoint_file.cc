#include "audit/checkpoint_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include "audit/audit.h"

namespace pim {

namespace {

constexpr std::string_view kMagic = "pim-audit-checkpoint-v1";

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    if (end == std::string_view::npos) {
      lines.push_back(text);
      break;
    }
    lines.push_back(text.substr(0, end));
    text.remove_prefix(end + 1);
  }
  return lines;
}

// "key=value" -> value, when the key matches.
std::optional<std::string_view> Field(std::string_view line, std::string_view key) {
  if (line.size() <= key.size() || line.substr(0, key.size()) != key || line[key.size()] != '=') {
    return std::nullopt;
  }
  return line.substr(key.size() + 1);
}

std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string FormatCheckpointFile(const AuditCheckpoint& checkpoint) {
  return std::string(kMagic) + "\nseq=" + std::to_string(checkpoint.seq) +
         "\nhead_hash=" + checkpoint.head_hash +
         "\ntime_us=" + std::to_string(checkpoint.time.micros()) +
         "\nsignature=" + checkpoint.signature + "\n";
}

Result<std::optional<AuditCheckpoint>> ReadCheckpointFile(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::optional<AuditCheckpoint>();
    return Internal("cannot stat checkpoint file " + path + ": " + std::strerror(errno));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Internal("cannot read checkpoint file " + path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  // The file is replaced without an fsync: after a power failure it can be empty, or as long as
  // it was with its one block never written (zeros). Either claims nothing, as no file would,
  // and is no evidence (deleting the file gains an attacker as much).
  if (text.find_first_not_of('\0') == std::string::npos) return std::optional<AuditCheckpoint>();
  auto malformed = [&](const std::string& why) {
    return InvalidArgument("checkpoint file " + path + " is malformed: " + why);
  };
  if (text.empty() || text.back() != '\n') return malformed("it does not end with a newline");
  std::vector<std::string_view> lines = SplitLines(text);
  if (lines.size() != 5 || lines[0] != kMagic) {
    return malformed("expected the 5 lines of " + std::string(kMagic));
  }
  std::optional<std::string_view> seq = Field(lines[1], "seq");
  std::optional<std::string_view> head = Field(lines[2], "head_hash");
  std::optional<std::string_view> time = Field(lines[3], "time_us");
  std::optional<std::string_view> signature = Field(lines[4], "signature");
  if (!seq || !head || !time || !signature) {
    return malformed("expected seq=, head_hash=, time_us=, signature= in that order");
  }
  std::optional<int64_t> seq_value = ParseInt(*seq);
  std::optional<int64_t> time_value = ParseInt(*time);
  if (!seq_value || *seq_value < 0 || !time_value) return malformed("bad number");
  AuditCheckpoint checkpoint;
  checkpoint.seq = *seq_value;
  checkpoint.head_hash = std::string(*head);
  checkpoint.time = Timestamp::FromMicros(*time_value);
  checkpoint.signature = std::string(*signature);
  return std::optional<AuditCheckpoint>(std::move(checkpoint));
}

void RemoveCheckpointFileTemporaries(const std::string& path) {
  const std::filesystem::path file(path);
  const std::string prefix = file.filename().string() + ".";
  std::error_code ec;
  std::filesystem::path dir = file.parent_path();
  if (dir.empty()) dir = ".";
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() != prefix.size() + 6 || name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string_view suffix = std::string_view(name).substr(prefix.size());
    if (std::all_of(suffix.begin(), suffix.end(), [](char c) { return std::isalnum(c) != 0; })) {
      std::filesystem::remove(entry.path(), ec);
    }
  }
}

Status WriteCheckpointFile(const std::string& path, const AuditCheckpoint& checkpoint) {
  const std::string text = FormatCheckpointFile(checkpoint);
  std::string temp = path + ".XXXXXX";  // RemoveCheckpointFileTemporaries knows this shape
  int fd = mkstemp(temp.data());        // mode 0600
  if (fd < 0) {
    return Internal("cannot create " + temp + ": " + std::strerror(errno));
  }
  bool ok = fchmod(fd, 0600) == 0;
  size_t done = 0;
  while (ok && done < text.size()) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  std::string error = ok ? "" : std::strerror(errno);
  if (close(fd) != 0 && ok) {
    ok = false;
    error = std::strerror(errno);
  }
  if (ok && rename(temp.c_str(), path.c_str()) != 0) {
    ok = false;
    error = std::strerror(errno);
  }
  if (!ok) {
    unlink(temp.c_str());
    return Internal("cannot write checkpoint file " + path + ": " + error);
  }
  return Status::Ok();
}

}  // namespace pim
