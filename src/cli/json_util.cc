#include "cli/json_util.h"

namespace pim::cli {

Result<json::value> ParseJson(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return InvalidArgument("malformed JSON: " + ec.message());
  return v;
}

const json::value* Member(const json::value& v, std::string_view key) {
  const json::object* obj = v.if_object();
  if (obj == nullptr) return nullptr;
  return obj->if_contains(key);
}

const json::value* Path(const json::value& v, std::initializer_list<std::string_view> keys) {
  const json::value* cur = &v;
  for (std::string_view k : keys) {
    cur = Member(*cur, k);
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

std::string Str(const json::value& v, std::string_view key) { return StrAt(v, {key}); }

std::string StrAt(const json::value& v, std::initializer_list<std::string_view> keys) {
  const json::value* m = Path(v, keys);
  if (m == nullptr) return {};
  if (const json::string* s = m->if_string()) return std::string(*s);
  return {};
}

const json::array& Arr(const json::value& v, std::string_view key) {
  static const json::array kEmpty;
  const json::value* m = Member(v, key);
  if (m == nullptr) return kEmpty;
  const json::array* a = m->if_array();
  return a != nullptr ? *a : kEmpty;
}

bool Bool(const json::value& v, std::string_view key, bool fallback) {
  const json::value* m = Member(v, key);
  if (m == nullptr) return fallback;
  const bool* b = m->if_bool();
  return b != nullptr ? *b : fallback;
}

}  // namespace pim::cli
