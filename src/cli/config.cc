#include "cli/config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "cli/json_util.h"

namespace pim::cli {
namespace {

bool Set(const char* v) { return v != nullptr && *v != '\0'; }

Status Errno(const std::string& what, const std::string& path) {
  return Internal(what + " " + path + ": " + std::strerror(errno));
}

// mkdir -p for the parent directories of `path`; created directories get mode 0700.
Status MakeParents(const std::string& path) {
  for (size_t pos = path.find('/', 1); pos != std::string::npos; pos = path.find('/', pos + 1)) {
    const std::string dir = path.substr(0, pos);
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return Errno("cannot create directory", dir);
    }
  }
  return Status::Ok();
}

Status WriteAll(int fd, const std::string& data, const std::string& path) {
  size_t put = 0;
  while (put < data.size()) {
    const ssize_t n = write(fd, data.data() + put, data.size() - put);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("cannot write", path);
    put += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

std::string ResolveConfigPath(const char* pim_config, const char* xdg_config_home,
                              const char* home) {
  if (Set(pim_config)) return pim_config;
  if (Set(xdg_config_home)) return std::string(xdg_config_home) + "/pim/config.json";
  if (Set(home)) return std::string(home) + "/.config/pim/config.json";
  return {};
}

Result<CliConfig> LoadConfig(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return NotFound("no config file " + path);
    return Errno("cannot read", path);
  }
  std::ifstream in(path);
  if (!in) return Internal("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  Result<json::value> parsed = ParseJson(text.str());
  if (!parsed.ok() || !parsed->is_object()) {
    return InvalidArgument("config file " + path +
                           " is not a pim config file (not a JSON object): remove it, or choose "
                           "another with --config or PIM_CONFIG, then run 'pim login'");
  }
  const json::value& v = *parsed;
  CliConfig c;
  c.server = Str(v, "server");
  c.cacert = Str(v, "cacert");
  c.access_token = Str(v, "accessToken");
  c.refresh_token = Str(v, "refreshToken");
  c.user_id = Str(v, "userId");
  c.user_principal_name = Str(v, "userPrincipalName");
  c.mfa_time = Str(v, "mfaTime");
  // The file holds bearer and refresh tokens: readable by others, it is tightened now, as a save
  // would, and reported.
  if ((st.st_mode & 077) != 0) {
    c.was_exposed = true;
    if (chmod(path.c_str(), 0600) != 0) return Errno("cannot chmod", path);
  }
  return c;
}

Status SaveConfig(const std::string& path, const CliConfig& config) {
  if (path.empty()) return InvalidArgument("no config path (set PIM_CONFIG or HOME)");
  RETURN_IF_ERROR(MakeParents(path));
  json::object o;
  o["server"] = config.server;
  if (!config.cacert.empty()) o["cacert"] = config.cacert;
  if (!config.access_token.empty()) o["accessToken"] = config.access_token;
  if (!config.refresh_token.empty()) o["refreshToken"] = config.refresh_token;
  if (!config.user_id.empty()) o["userId"] = config.user_id;
  if (!config.user_principal_name.empty()) o["userPrincipalName"] = config.user_principal_name;
  if (!config.mfa_time.empty()) o["mfaTime"] = config.mfa_time;
  const std::string text = json::serialize(o) + "\n";

  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  unlink(tmp.c_str());
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("cannot create", tmp);
  Status st = WriteAll(fd, text, tmp);
  if (st.ok() && fchmod(fd, 0600) != 0) st = Errno("cannot chmod", tmp);
  if (st.ok() && fsync(fd) != 0) st = Errno("cannot sync", tmp);
  close(fd);
  if (st.ok() && rename(tmp.c_str(), path.c_str()) != 0) st = Errno("cannot replace", path);
  if (!st.ok()) unlink(tmp.c_str());
  return st;
}

}  // namespace pim::cli
