// JsonWriter: appends compact JSON text to a string in one pass, for documents written on every
// request (stored objects, audit records, outbox events, entity responses), where building a
// boost::json tree first and serialising it cost more than the text itself.
//
// The text is exactly what boost::json::serialize writes for the tree with the same members in
// the same order: no whitespace, integers in decimal, strings escaped by boost::json's own
// serializer (a string holding nothing it would escape is copied as is). json_writer_test.cc
// checks this against boost::json::serialize.
//
//   std::string out;
//   JsonWriter w(out);
//   w.BeginObject().Member("id", id).Member("kind", 1).Key("end").Null().EndObject();
//
// JsonTreeWriter has the same interface and builds a boost::json::value instead, so one function
// template can describe an entity once and give both its text and its tree (for listings that
// filter and select members).
//
// Members and elements are separated by the writer; the caller keeps objects and arrays balanced
// and writes a value after each Key (checked by assertions in debug builds only).
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pim {

// The Member shortcuts shared by both writers: Key(key) then the value.
template <typename Derived>
class JsonMembers {
 public:
  Derived& Member(std::string_view key, std::string_view value) {
    return self().Key(key).String(value);
  }
  Derived& Member(std::string_view key, const char* value) { return self().Key(key).String(value); }
  Derived& Member(std::string_view key, const std::string& value) {
    return self().Key(key).String(value);
  }
  Derived& Member(std::string_view key, int64_t value) { return self().Key(key).Int(value); }
  Derived& Member(std::string_view key, int value) { return self().Key(key).Int(value); }
  Derived& Member(std::string_view key, bool value) { return self().Key(key).Bool(value); }

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
};

class JsonWriter : public JsonMembers<JsonWriter> {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();

  JsonWriter& Member(std::string_view key, std::string_view value) {
    return Key(key).String(value);
  }
  JsonWriter& Member(std::string_view key, const char* value) { return Key(key).String(value); }
  JsonWriter& Member(std::string_view key, const std::string& value) {
    return Key(key).String(value);
  }
  JsonWriter& Member(std::string_view key, int64_t value) { return Key(key).Int(value); }
  JsonWriter& Member(std::string_view key, int value) { return Key(key).Int(value); }
  JsonWriter& Member(std::string_view key, bool value) { return Key(key).Bool(value); }

 private:
  JsonWriter& Open(char bracket);
  JsonWriter& Close(char bracket);
  void BeforeValue();
  void AppendString(std::string_view text);

  std::string& out_;
  // One bit per open object or array (innermost lowest): set once it holds a member/element.
  uint64_t non_empty_ = 0;
  int depth_ = 0;
  bool after_key_ = false;
};

class JsonTreeWriter : public JsonMembers<JsonTreeWriter> {
 public:
  JsonTreeWriter& BeginObject();
  JsonTreeWriter& EndObject();
  JsonTreeWriter& BeginArray();
  JsonTreeWriter& EndArray();
  JsonTreeWriter& Key(std::string_view key);
  JsonTreeWriter& String(std::string_view value);
  JsonTreeWriter& Int(int64_t value);
  JsonTreeWriter& Bool(bool value);
  JsonTreeWriter& Null();
  using JsonMembers<JsonTreeWriter>::Member;

  // The value written (once every object and array is closed).
  boost::json::value Take() { return std::move(root_); }

 private:
  // Places `v` where the next value goes and returns it there.
  boost::json::value& Put(boost::json::value v);

  boost::json::value root_;
  std::vector<boost::json::value*> open_;  // the open objects and arrays, innermost last
  std::string key_;                        // the key of the member being written
};

}  // namespace pim
