// JsonWriter writes what boost::json::serialize writes for the same tree.
#include "core/json_writer.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

namespace pim {
namespace {

namespace json = boost::json;

// Writes `v` through a writer (JsonWriter or JsonTreeWriter), member by member, in order.
template <typename W>
void Write(W& w, const json::value& v) {
  switch (v.kind()) {
    case json::kind::object:
      w.BeginObject();
      for (const auto& member : v.get_object()) {
        w.Key(std::string_view(member.key().data(), member.key().size()));
        Write(w, member.value());
      }
      w.EndObject();
      break;
    case json::kind::array:
      w.BeginArray();
      for (const auto& element : v.get_array()) Write(w, element);
      w.EndArray();
      break;
    case json::kind::string:
      w.String(std::string_view(v.get_string().data(), v.get_string().size()));
      break;
    case json::kind::int64:
      w.Int(v.get_int64());
      break;
    case json::kind::bool_:
      w.Bool(v.get_bool());
      break;
    case json::kind::null:
      w.Null();
      break;
    default:
      FAIL() << "JsonWriter writes no " << json::to_string(v.kind());
  }
}

std::string Written(const json::value& v) {
  std::string out;
  JsonWriter w(out);
  Write(w, v);
  return out;
}

json::value Rebuilt(const json::value& v) {
  JsonTreeWriter w;
  Write(w, v);
  return w.Take();
}

TEST(JsonWriterTest, WritesWhatBoostJsonSerializes) {
  const json::value v = json::parse(R"json({
      "id": "a", "n": -42, "max": 9223372036854775807, "min": -9223372036854775808,
      "t": true, "f": false, "none": null, "empty": {}, "list": [],
      "nested": {"a": [1, {"b": [[], {}]}, "x"], "c": {"d": {"e": null}}},
      "quote\"key": "back\\slash", "ctl": "\u0000\u0001\b\f\n\r\t\u001f\u007f",
      "utf8": "é ✓ \ud83d\ude00", "slash": "a/b"})json");
  EXPECT_EQ(Written(v), json::serialize(v));
  EXPECT_EQ(Rebuilt(v), v);
  EXPECT_EQ(json::serialize(Rebuilt(v)), json::serialize(v));
  EXPECT_EQ(Written(json::value("plain")), "\"plain\"");
  EXPECT_EQ(Written(json::value(7)), "7");
  EXPECT_EQ(Written(json::array{}), "[]");
}

TEST(JsonWriterTest, MembersByTypeAndTheirSeparators) {
  std::string out;
  JsonWriter w(out);
  const std::string id = "x\"y";
  w.BeginObject()
      .Member("s", std::string_view("v"))
      .Member("c", "lit")
      .Member("id", id)
      .Member("i", int64_t{-1})
      .Member("n", 3)
      .Member("b", true)
      .Key("arr")
      .BeginArray()
      .Int(1)
      .BeginObject()
      .EndObject()
      .String("")
      .EndArray()
      .Key("z")
      .Null()
      .EndObject();
  EXPECT_EQ(
      out,
      R"json({"s":"v","c":"lit","id":"x\"y","i":-1,"n":3,"b":true,"arr":[1,{},""],"z":null})json");
}

// Each character boost::json escapes, at every position of a longer string (the writer looks at
// eight bytes at a time), among plain ASCII and UTF-8 bytes.
TEST(JsonWriterTest, FindsAnEscapedCharacterAtAnyPosition) {
  const std::string base = "abcdefgh\xc3\xa9ijklmnopqrstuvwxyz0123456789";
  for (char special : {'"', '\\', '\0', '\n', '\x1f'}) {
    for (size_t i = 0; i <= base.size(); ++i) {
      std::string text = base;
      text.insert(i, 1, special);
      ASSERT_EQ(Written(json::value(text)), json::serialize(json::value(text)))
          << "character " << int(special) << " at " << i;
    }
  }
  EXPECT_EQ(Written(json::value(base)), "\"" + base + "\"");
  EXPECT_EQ(Written(json::value(std::string(64, '\x7f'))), "\"" + std::string(64, '\x7f') + "\"");
}

// Random trees, random strings (every byte value below 0x80 and some multi-byte UTF-8).
json::value RandomValue(std::mt19937& rng, int depth) {
  auto random_string = [&] {
    std::string s;
    const int n = static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) {
      if (rng() % 8 == 0) {
        s += "\xc3\xa9";  // é
      } else {
        s.push_back(static_cast<char>(rng() % 0x80));
      }
    }
    return s;
  };
  const int choice = static_cast<int>(rng() % (depth > 3 ? 4 : 6));
  switch (choice) {
    case 0:
      return json::value(random_string());
    case 1:
      return json::value(static_cast<int64_t>(rng()) * (rng() % 2 ? 1 : -1) *
                         static_cast<int64_t>(rng() % 100000));
    case 2:
      return json::value(rng() % 2 == 0);
    case 3:
      return json::value(nullptr);
    case 4: {
      json::object o;
      const int n = static_cast<int>(rng() % 5);
      for (int i = 0; i < n; ++i) o[random_string()] = RandomValue(rng, depth + 1);
      return o;
    }
    default: {
      json::array a;
      const int n = static_cast<int>(rng() % 5);
      for (int i = 0; i < n; ++i) a.push_back(RandomValue(rng, depth + 1));
      return a;
    }
  }
}

TEST(JsonWriterTest, RandomTreesMatchBoostJson) {
  std::mt19937 rng(20261126);
  for (int i = 0; i < 2000; ++i) {
    const json::value v = RandomValue(rng, 0);
    ASSERT_EQ(Written(v), json::serialize(v)) << "tree " << i;
    // JsonTreeWriter builds the same tree, members in the same order.
    ASSERT_EQ(json::serialize(Rebuilt(v)), json::serialize(v)) << "tree " << i;
  }
}

}  // namespace
}  // namespace pim
