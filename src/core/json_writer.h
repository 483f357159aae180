// JsonWriter: appends compact JSON text to a string in one pass, for documents written on every
// request (stored objects, audit records, outbox events), where building a boost::json tree
// first and serialising it cost more than the text itself.
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
// Members and elements are separated by the writer; the caller keeps objects and arrays balanced
// and writes a value after each Key (checked by assertions in debug builds only).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pim {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
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
  void BeforeValue();
  void AppendString(std::string_view text);

  std::string& out_;
  // One bit per open object or array (innermost lowest): set once it holds a member/element.
  uint64_t non_empty_ = 0;
  int depth_ = 0;
  bool after_key_ = false;
};

}  // namespace pim
