// OData $filter: a real parser for the grammar of CONTRACT.md and an evaluator over Graph JSON.
//
//   expr    := or
//   or      := and ("or" and)*
//   and     := unary ("and" unary)*
//   unary   := "not" unary | primary
//   primary := "(" expr ")" | property op literal
//   op      := eq | ne | gt | ge | lt | le            (case-insensitive keywords)
//   literal := 'string' (with '' for a quote) | GUID | true | false | null
//              | DateTimeOffset (2026-11-26T05:21:04Z) | integer
//   property:= name ("/" name)*                        e.g. initiatedBy/user/id
//
// Properties are checked against the collection's allowed list: an unknown property, a function
// call (startswith, any, ...), or any other syntax is InvalidArgument naming what is unsupported,
// never ignored. Evaluation compares strings case-insensitively (Graph does for ids, names and
// enums), DateTimeOffsets as instants (the JSON side holds ISO 8601 strings), numbers and booleans
// by value; a missing property compares as null. Across mismatched types "eq" is false and "ne"
// true; ordering (gt/ge/lt/le) across mismatched types or against null is false. Error messages
// give the 0-based character position of the offending token.
#pragma once

#include <boost/json/object.hpp>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "core/status.h"

namespace pim {

struct FilterNode;

class Filter {
 public:
  // Parses `text`; properties must be in `allowed` (exact, case-sensitive Graph names).
  static Result<Filter> Parse(std::string_view text, const std::set<std::string>& allowed);
  // True when `object` satisfies the filter. An empty (default) Filter matches everything.
  bool Matches(const boost::json::object& object) const;
  // If the filter is a conjunction that includes `property eq 'literal'` at top level, that
  // literal (lets callers use an index); otherwise "". Strings come back as written, GUID literals
  // lowercased; compare the result case-insensitively.
  std::string EqualityValue(std::string_view property) const;

 private:
  std::shared_ptr<const FilterNode> root_;
};

}  // namespace pim
