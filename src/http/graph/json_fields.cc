#include "http/graph/json_fields.h"

#include <algorithm>
#include <boost/json/parse.hpp>

#include "core/ids.h"

namespace pim::http {
namespace json = boost::json;

Result<json::object> ParseJsonObject(std::string_view body) {
  size_t start = body.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) {
    return InvalidArgument("The request body is empty; a JSON object is required.");
  }
  boost::system::error_code ec;
  json::value value = json::parse(json::string_view(body.data(), body.size()), ec);
  if (ec) {
    return InvalidArgument("The request body is not valid JSON: " + ec.message() + ".");
  }
  json::object* object = value.if_object();
  if (object == nullptr) return InvalidArgument("The request body must be a JSON object.");
  return std::move(*object);
}

Result<std::string> ParseEnum(std::string_view field, std::string_view value,
                              const std::vector<std::string_view>& members) {
  for (std::string_view member : members) {
    if (EqualsIgnoreCase(member, value)) return std::string(member);
  }
  std::string expected;
  for (std::string_view member : members) {
    if (!expected.empty()) expected += ", ";
    expected += member;
  }
  return InvalidArgument("Invalid value '" + std::string(value) + "' for '" + std::string(field) +
                         "'; expected one of: " + expected + ".");
}

FieldReader::FieldReader(const json::object& object, std::string path)
    : object_(object), path_(std::move(path)) {}

std::string FieldReader::Name(std::string_view field) const {
  return path_.empty() ? std::string(field) : path_ + "." + std::string(field);
}

void FieldReader::Consume(std::string_view field) {
  auto it = object_.find(json::string_view(field.data(), field.size()));
  if (it != object_.end()) consumed_.push_back(&*it);
}

const json::value* FieldReader::Get(std::string_view field) {
  auto it = object_.find(json::string_view(field.data(), field.size()));
  if (it == object_.end()) return nullptr;
  consumed_.push_back(&*it);
  return it->value().is_null() ? nullptr : &it->value();
}

bool FieldReader::Has(std::string_view field) const {
  return object_.contains(json::string_view(field.data(), field.size()));
}

void FieldReader::Ignore(std::string_view field) { Consume(field); }

Status FieldReader::TypeError(std::string_view field, std::string_view expected) const {
  return InvalidArgument("Invalid value for '" + Name(field) + "': expected " +
                         std::string(expected) + ".");
}

Result<std::optional<std::string>> FieldReader::OptString(std::string_view field) {
  const json::value* v = Get(field);
  if (v == nullptr) return std::optional<std::string>();
  const json::string* s = v->if_string();
  if (s == nullptr) return TypeError(field, "a string");
  return std::optional<std::string>(std::string(s->data(), s->size()));
}

Result<std::string> FieldReader::String(std::string_view field) {
  ASSIGN_OR_RETURN(std::optional<std::string> s, OptString(field));
  if (!s) return InvalidArgument("The property '" + Name(field) + "' is required.");
  return std::move(*s);
}

Result<std::string> FieldReader::NonEmptyString(std::string_view field) {
  ASSIGN_OR_RETURN(std::string s, String(field));
  if (s.empty()) return InvalidArgument("The property '" + Name(field) + "' must not be empty.");
  return s;
}

Result<std::optional<bool>> FieldReader::OptBool(std::string_view field) {
  const json::value* v = Get(field);
  if (v == nullptr) return std::optional<bool>();
  if (!v->is_bool()) return TypeError(field, "true or false");
  return std::optional<bool>(v->get_bool());
}

Result<std::optional<int64_t>> FieldReader::OptInt(std::string_view field) {
  const json::value* v = Get(field);
  if (v == nullptr) return std::optional<int64_t>();
  if (v->is_int64()) return std::optional<int64_t>(v->get_int64());
  if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return std::optional<int64_t>(static_cast<int64_t>(v->get_uint64()));
  }
  return TypeError(field, "an integer");
}

Result<std::optional<Timestamp>> FieldReader::OptTimestamp(std::string_view field) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, OptString(field));
  if (!text) return std::optional<Timestamp>();
  Result<Timestamp> t = ParseTimestamp(*text);
  if (!t.ok()) {
    return InvalidArgument("Invalid value for '" + Name(field) + "': " + t.status().message());
  }
  return std::optional<Timestamp>(*t);
}

Result<std::optional<Duration>> FieldReader::OptDuration(std::string_view field) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, OptString(field));
  if (!text) return std::optional<Duration>();
  Result<Duration> d = ParseDuration(*text);
  if (!d.ok()) {
    return InvalidArgument("Invalid value for '" + Name(field) + "': " + d.status().message());
  }
  if (!d->positive()) {
    return InvalidArgument("Invalid value for '" + Name(field) +
                           "': the duration must be positive.");
  }
  return std::optional<Duration>(*d);
}

Result<std::optional<std::string>> FieldReader::OptEnum(
    std::string_view field, const std::vector<std::string_view>& members) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, OptString(field));
  if (!text) return std::optional<std::string>();
  ASSIGN_OR_RETURN(std::string canonical, ParseEnum(Name(field), *text, members));
  return std::optional<std::string>(std::move(canonical));
}

Result<const json::object*> FieldReader::OptObject(std::string_view field) {
  const json::value* v = Get(field);
  if (v == nullptr) return static_cast<const json::object*>(nullptr);
  const json::object* o = v->if_object();
  if (o == nullptr) return TypeError(field, "an object");
  return o;
}

Result<std::optional<std::vector<std::string>>> FieldReader::OptStringArray(
    std::string_view field) {
  const json::value* v = Get(field);
  if (v == nullptr) return std::optional<std::vector<std::string>>();
  const json::array* a = v->if_array();
  if (a == nullptr) return TypeError(field, "an array of strings");
  std::vector<std::string> out;
  for (const json::value& item : *a) {
    const json::string* s = item.if_string();
    if (s == nullptr) return TypeError(field, "an array of strings");
    out.emplace_back(s->data(), s->size());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<std::optional<std::vector<const json::object*>>> FieldReader::OptObjectArray(
    std::string_view field) {
  const json::value* v = Get(field);
  if (v == nullptr) return std::optional<std::vector<const json::object*>>();
  const json::array* a = v->if_array();
  if (a == nullptr) return TypeError(field, "an array of objects");
  std::vector<const json::object*> out;
  for (const json::value& item : *a) {
    const json::object* o = item.if_object();
    if (o == nullptr) return TypeError(field, "an array of objects");
    out.push_back(o);
  }
  return std::optional<std::vector<const json::object*>>(std::move(out));
}

Status FieldReader::Unsupported(std::string_view field, std::string_view why) {
  if (Get(field) == nullptr) return Status::Ok();
  return InvalidArgument("The property '" + Name(field) + "' " + std::string(why) + ".");
}

Status FieldReader::Finish() const {
  for (const auto& member : object_) {
    std::string_view key(member.key().data(), member.key().size());
    if (key == "@odata.type") continue;
    if (std::find(consumed_.begin(), consumed_.end(), &member) == consumed_.end()) {
      return InvalidArgument("The property '" + Name(key) + "' does not exist on this type.");
    }
  }
  return Status::Ok();
}

}  // namespace pim::http
