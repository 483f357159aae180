#include "http/graph/json_fields.h"

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>
#include <set>

#include "core/ids.h"

namespace pim::http {
namespace json = boost::json;

namespace {

// What json::parser allows: the basic_parser handlers below build or walk the same values.
struct HandlerLimits {
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();
};

// Builds the value as json::parse does (a value_stack fed by the parser) and counts the members
// of every object as written. json::object keeps the last of a repeated name, so the value holds
// fewer members than the text did exactly when some object named a member twice.
struct CountingHandler : HandlerLimits {
  json::value_stack st;
  std::size_t members = 0;

  bool on_document_begin(boost::system::error_code&) { return true; }
  bool on_document_end(boost::system::error_code&) { return true; }
  bool on_object_begin(boost::system::error_code&) { return true; }
  bool on_object_end(std::size_t n, boost::system::error_code&) {
    members += n;
    st.push_object(n);
    return true;
  }
  bool on_array_begin(boost::system::error_code&) { return true; }
  bool on_array_end(std::size_t n, boost::system::error_code&) {
    st.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, boost::system::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, boost::system::error_code&) {
    st.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, boost::system::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, boost::system::error_code&) {
    st.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view, boost::system::error_code&) { return true; }
  bool on_int64(std::int64_t i, json::string_view, boost::system::error_code&) {
    st.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, boost::system::error_code&) {
    st.push_uint64(u);
    return true;
  }
  bool on_double(double d, json::string_view, boost::system::error_code&) {
    st.push_double(d);
    return true;
  }
  bool on_bool(bool b, boost::system::error_code&) {
    st.push_bool(b);
    return true;
  }
  bool on_null(boost::system::error_code&) {
    st.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, boost::system::error_code&) { return true; }
  bool on_comment(json::string_view, boost::system::error_code&) { return true; }
};

std::size_t MembersIn(const json::value& v) {
  std::size_t n = 0;
  if (const json::array* a = v.if_array()) {
    for (const json::value& e : *a) n += MembersIn(e);
  } else if (const json::object* o = v.if_object()) {
    n = o->size();
    for (const json::key_value_pair& kv : *o) n += MembersIn(kv.value());
  }
  return n;
}

// Only when a name was repeated: parses again keeping every name of each open object, and stops
// at the first repeat, whose dotted path it leaves in `path`.
struct RepeatFinder : HandlerLimits {
  struct Frame {
    bool object = false;
    std::set<std::string, std::less<>> names;
    std::string name;       // of the member being read (objects)
    std::size_t index = 0;  // of the element being read (arrays)
  };
  std::vector<Frame> frames;
  std::string key;
  std::string path;

  std::string Where() const {
    std::string out;
    for (const Frame& f : frames) {
      if (f.object) {
        if (!out.empty()) out += '.';
        out += f.name;
      } else {
        out += '[' + std::to_string(f.index) + ']';
      }
    }
    return out;
  }
  bool Ended() {
    if (!frames.empty() && !frames.back().object) ++frames.back().index;
    return true;
  }
  bool on_document_begin(boost::system::error_code&) { return true; }
  bool on_document_end(boost::system::error_code&) { return true; }
  bool on_object_begin(boost::system::error_code&) {
    frames.emplace_back().object = true;
    return true;
  }
  bool on_object_end(std::size_t, boost::system::error_code&) {
    frames.pop_back();
    return Ended();
  }
  bool on_array_begin(boost::system::error_code&) {
    frames.emplace_back();
    return true;
  }
  bool on_array_end(std::size_t, boost::system::error_code&) {
    frames.pop_back();
    return Ended();
  }
  bool on_key_part(json::string_view s, std::size_t, boost::system::error_code&) {
    key.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, boost::system::error_code& ec) {
    key.append(s.data(), s.size());
    Frame& f = frames.back();
    f.name = std::move(key);
    key.clear();
    if (!f.names.insert(f.name).second) {
      path = Where();
      ec = json::error::syntax;  // stops the parser here
      return false;
    }
    return true;
  }
  bool on_string_part(json::string_view, std::size_t, boost::system::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, boost::system::error_code&) { return Ended(); }
  bool on_number_part(json::string_view, boost::system::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, boost::system::error_code&) { return Ended(); }
  bool on_uint64(std::uint64_t, json::string_view, boost::system::error_code&) { return Ended(); }
  bool on_double(double, json::string_view, boost::system::error_code&) { return Ended(); }
  bool on_bool(bool, boost::system::error_code&) { return Ended(); }
  bool on_null(boost::system::error_code&) { return Ended(); }
  bool on_comment_part(json::string_view, boost::system::error_code&) { return true; }
  bool on_comment(json::string_view, boost::system::error_code&) { return true; }
};

std::string RepeatedMemberPath(std::string_view body) {
  json::basic_parser<RepeatFinder> parser(json::parse_options{});
  boost::system::error_code ec;
  parser.write_some(false, body.data(), body.size(), ec);
  return parser.handler().path;
}

}  // namespace

Result<json::object> ParseJsonObject(std::string_view body) {
  size_t start = body.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) {
    return InvalidArgument("The request body is empty; a JSON object is required.");
  }
  json::basic_parser<CountingHandler> parser(json::parse_options{});
  parser.handler().st.reset();
  boost::system::error_code ec;
  std::size_t used = parser.write_some(false, body.data(), body.size(), ec);
  if (!ec && used < body.size()) ec = json::error::extra_data;
  if (ec) {
    return InvalidArgument("The request body is not valid JSON: " + ec.message() + ".");
  }
  json::value value = parser.handler().st.release();
  json::object* object = value.if_object();
  if (object == nullptr) return InvalidArgument("The request body must be a JSON object.");
  if (MembersIn(value) != parser.handler().members) {
    return InvalidArgument("The request body names '" + RepeatedMemberPath(body) +
                           "' more than once.");
  }
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
