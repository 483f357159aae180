// JSON helpers shared by the store codec's .cc files (private to src/engine).
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_writer.h"
#include "core/status.h"
#include "core/time.h"

namespace pim {
namespace codec {

namespace json = boost::json;

inline json::value Ts(Timestamp t) { return t.micros(); }
inline json::value OptTs(const std::optional<Timestamp>& t) {
  return t ? json::value(t->micros()) : json::value(nullptr);
}
inline json::value OptDur(const std::optional<Duration>& d) {
  return d ? json::value(d->micros()) : json::value(nullptr);
}
// A member's value for JsonWriter: the microseconds, or null.
inline void WriteOptMicros(JsonWriter& w, const std::optional<Timestamp>& t) {
  t ? w.Int(t->micros()) : w.Null();
}
inline void WriteOptMicros(JsonWriter& w, const std::optional<Duration>& d) {
  d ? w.Int(d->micros()) : w.Null();
}
inline json::array Strs(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

// Reads members with defaults for missing or mistyped ones.
class Reader {
 public:
  explicit Reader(const json::object& o) : o_(o) {}
  std::string Str(std::string_view k) const {
    const auto* v = o_.if_contains(k);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  }
  int64_t Int(std::string_view k, int64_t def = 0) const {
    const auto* v = o_.if_contains(k);
    if (v && v->is_int64()) return v->get_int64();
    if (v && v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
    return def;
  }
  bool Bool(std::string_view k, bool def = false) const {
    const auto* v = o_.if_contains(k);
    return v && v->is_bool() ? v->get_bool() : def;
  }
  Timestamp Time(std::string_view k) const { return Timestamp::FromMicros(Int(k)); }
  std::optional<Timestamp> OptTime(std::string_view k) const {
    const auto* v = o_.if_contains(k);
    if (!v || v->is_null()) return std::nullopt;
    return Timestamp::FromMicros(Int(k));
  }
  std::optional<Duration> OptDuration(std::string_view k) const {
    const auto* v = o_.if_contains(k);
    if (!v || v->is_null()) return std::nullopt;
    return Duration::Micros(Int(k));
  }
  std::vector<std::string> StrList(std::string_view k) const {
    std::vector<std::string> out;
    const auto* v = o_.if_contains(k);
    if (!v || !v->is_array()) return out;
    for (const auto& e : v->get_array()) {
      if (e.is_string()) out.emplace_back(e.get_string());
    }
    return out;
  }
  const json::object* Object(std::string_view k) const {
    const auto* v = o_.if_contains(k);
    return v && v->is_object() ? &v->get_object() : nullptr;
  }
  // Each element that is an object.
  std::vector<const json::object*> Objects(std::string_view k) const {
    std::vector<const json::object*> out;
    const auto* v = o_.if_contains(k);
    if (!v || !v->is_array()) return out;
    for (const auto& e : v->get_array()) {
      if (e.is_object()) out.push_back(&e.get_object());
    }
    return out;
  }

 private:
  const json::object& o_;
};

inline Result<json::object> ParseObject(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Internal("stored object is not a JSON object");
  return std::move(v.get_object());
}

template <typename T, typename F>
Result<T> Decode(std::string_view text, F&& fill) {
  ASSIGN_OR_RETURN(json::object o, ParseObject(text));
  T out;
  fill(Reader(o), out);
  return out;
}

}  // namespace codec
}  // namespace pim
