#include "core/json_writer.h"

#include <boost/json/serializer.hpp>
#include <cassert>
#include <charconv>
#include <cstring>

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

JsonWriter& JsonWriter::Open(char bracket) {
  BeforeValue();
  out_.push_back(bracket);
  assert(depth_ < 64);
  non_empty_ <<= 1;
  ++depth_;
  return *this;
}

JsonWriter& JsonWriter::Close(char bracket) {
  assert(depth_ > 0 && !after_key_);
  out_.push_back(bracket);
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

namespace {

// Whether boost::json would escape any byte of `text`: a control character (< 0x20), '"' or
// '\\'. Eight bytes at a time (the byte-by-byte loop was ~6% of the I/O thread's time under
// load): `(x - 0x01..01 * n) & ~x & 0x80..80` is non-zero exactly when some byte of x is below n
// (for n <= 0x80; bytes of 0x80 and above never count), and a byte of x equals c exactly when
// that byte of `x ^ (0x01..01 * c)` is below 1.
bool NeedsEscaping(std::string_view text) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  auto below = [&](uint64_t x, uint64_t n) { return (x - kOnes * n) & ~x & kHigh; };
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, text.data() + i, 8);
    if (below(x, 0x20) | below(x ^ (kOnes * '"'), 1) | below(x ^ (kOnes * '\\'), 1)) return true;
  }
  for (; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == '"' || c == '\\') return true;
  }
  return false;
}

}  // namespace

void JsonWriter::AppendString(std::string_view text) {
  if (!NeedsEscaping(text)) {  // boost::json writes such a string as is, between quotes
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

boost::json::value& JsonTreeWriter::Put(boost::json::value v) {
  if (open_.empty()) {
    root_ = std::move(v);
    return root_;
  }
  boost::json::value& container = *open_.back();
  if (container.is_object()) {
    boost::json::value& slot = container.get_object()[key_];
    slot = std::move(v);
    return slot;
  }
  return container.get_array().emplace_back(std::move(v));
}

JsonTreeWriter& JsonTreeWriter::BeginObject() {
  open_.push_back(&Put(boost::json::object()));
  return *this;
}

JsonTreeWriter& JsonTreeWriter::EndObject() {
  assert(!open_.empty() && open_.back()->is_object());
  open_.pop_back();
  return *this;
}

JsonTreeWriter& JsonTreeWriter::BeginArray() {
  open_.push_back(&Put(boost::json::array()));
  return *this;
}

JsonTreeWriter& JsonTreeWriter::EndArray() {
  assert(!open_.empty() && open_.back()->is_array());
  open_.pop_back();
  return *this;
}

JsonTreeWriter& JsonTreeWriter::Key(std::string_view key) {
  key_.assign(key);
  return *this;
}

JsonTreeWriter& JsonTreeWriter::String(std::string_view value) {
  Put(boost::json::string(value));
  return *this;
}

JsonTreeWriter& JsonTreeWriter::Int(int64_t value) {
  Put(value);
  return *this;
}

JsonTreeWriter& JsonTreeWriter::Bool(bool value) {
  Put(value);
  return *this;
}

JsonTreeWriter& JsonTreeWriter::Null() {
  Put(nullptr);
  return *this;
}

}  // namespace pim
