// Strict reading of Graph JSON request bodies.
//
// ParseJsonObject turns a body into an object (malformed JSON, a non-object or an empty body is
// InvalidArgument). FieldReader reads the members of one object by name with exact type checks
// and remembers which names it consumed; Finish() then refuses every member that was not read
// ("@odata.type" is always allowed). Every error is InvalidArgument with a message naming the
// field by its dotted path (e.g. "scheduleInfo.expiration.duration"). JSON null is treated as
// "absent" for optional fields and as missing for required ones.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"

namespace pim::http {

// Parses `body` as one JSON object ("The request body ..." messages on error).
Result<boost::json::object> ParseJsonObject(std::string_view body);

// Matches `value` case-insensitively against `members` and returns the member's canonical
// spelling. InvalidArgument "Invalid value 'x' for 'field'; expected one of: a, b" otherwise.
Result<std::string> ParseEnum(std::string_view field, std::string_view value,
                              const std::vector<std::string_view>& members);

class FieldReader {
 public:
  // `object` must outlive the reader. `path` is the dotted prefix of this object's fields
  // ("" at the top level, "scheduleInfo" for a nested object).
  FieldReader(const boost::json::object& object, std::string path);

  // The full name of `field` as used in messages.
  std::string Name(std::string_view field) const;

  Result<std::optional<std::string>> OptString(std::string_view field);
  Result<std::string> String(std::string_view field);          // required, may be ""
  Result<std::string> NonEmptyString(std::string_view field);  // required, not ""
  Result<std::optional<bool>> OptBool(std::string_view field);
  Result<std::optional<int64_t>> OptInt(std::string_view field);
  Result<std::optional<Timestamp>> OptTimestamp(std::string_view field);
  // Positive durations only.
  Result<std::optional<Duration>> OptDuration(std::string_view field);
  // A string enum; returns the canonical spelling.
  Result<std::optional<std::string>> OptEnum(std::string_view field,
                                             const std::vector<std::string_view>& members);
  // Nested object; nullptr when absent or null.
  Result<const boost::json::object*> OptObject(std::string_view field);
  // Array of strings; nullopt when absent or null.
  Result<std::optional<std::vector<std::string>>> OptStringArray(std::string_view field);
  // Array of objects; nullopt when absent or null. Pointers into the reader's object.
  Result<std::optional<std::vector<const boost::json::object*>>> OptObjectArray(
      std::string_view field);
  // Refuses the field if present with any non-null value ("'x' is not supported").
  Status Unsupported(std::string_view field, std::string_view why = "is not supported");
  // Marks `field` as consumed without reading it (accepted and ignored).
  void Ignore(std::string_view field);
  // True when the member exists (even if null).
  bool Has(std::string_view field) const;

  // InvalidArgument naming the first member that was not read (other than "@odata.type").
  Status Finish() const;

 private:
  const boost::json::value* Get(std::string_view field);
  Status TypeError(std::string_view field, std::string_view expected) const;

  const boost::json::object& object_;
  std::string path_;
  // The members read so far (by address in `object_`: a name that is absent consumes nothing).
  std::vector<const boost::json::key_value_pair*> consumed_;
  void Consume(std::string_view field);
};

}  // namespace pim::http
