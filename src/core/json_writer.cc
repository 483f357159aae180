#include "core/json_writer.h"

#include <boost/json/serializer.hpp>
#include <cassert>
#include <charconv>

namespace pim {

void JsonWriter::BeforeValue() {
  if (after_key_) {  // the value of the member whose key was just written
    after_key_ = false;
    return;
  }
  if (depth_ == 0) return;
  if (non_empty_ & 1) out_.push_back(',');
  non_empty_ |= 1;
}

JsonWriter& JsonWriter::BeginObject() {
  BeforeValue();
  out_.push_back('{');
  assert(depth_ < 64);
  non_empty_ <<= 1;
  ++depth_;
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  assert(depth_ > 0 && !after_key_);
  out_.push_back('}');
  non_empty_ >>= 1;
  --depth_;
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  BeforeValue();
  out_.push_back('[');
  assert(depth_ < 64);
  non_empty_ <<= 1;
  ++depth_;
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  assert(depth_ > 0 && !after_key_);
  out_.push_back(']');
  non_empty_ >>= 1;
  --depth_;
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  assert(depth_ > 0 && !after_key_);
  BeforeValue();
  AppendString(key);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
  BeforeValue();
  AppendString(value);
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t value) {
  BeforeValue();
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  (void)ec;  // 24 characters hold any int64
  out_.append(digits, end);
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  BeforeValue();
  out_.append(value ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  out_.append("null");
  return *this;
}

void JsonWriter::AppendString(std::string_view text) {
  bool plain = true;
  for (unsigned char c : text) {
    if (c < 0x20 || c == '"' || c == '\\') {
      plain = false;
      break;
    }
  }
  if (plain) {  // boost::json writes such a string as is, between quotes
    out_.push_back('"');
    out_.append(text);
    out_.push_back('"');
    return;
  }
  boost::json::serializer serializer;
  serializer.reset(boost::json::string_view(text.data(), text.size()));
  char buffer[256];
  while (!serializer.done()) {
    boost::json::string_view chunk = serializer.read(buffer, sizeof buffer);
    out_.append(chunk.data(), chunk.size());
  }
}

}  // namespace pim
