#include "core/filter.h"

#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "core/ids.h"
#include "core/time.h"

namespace pim {

enum class CompareOp { kEq, kNe, kGt, kGe, kLt, kLe };

struct FilterLiteral {
  enum class Kind { kString, kGuid, kBool, kNull, kInt, kDateTime } kind = Kind::kNull;
  std::string text;  // kString (unescaped), kGuid
  bool boolean = false;
  int64_t integer = 0;
  Timestamp instant;
};

// AST node. kCompare uses path/property/op/literal; kAnd/kOr use lhs and rhs; kNot uses lhs.
struct FilterNode {
  enum class Kind { kCompare, kAnd, kOr, kNot } kind = Kind::kCompare;
  std::string property;           // as written, e.g. "initiatedBy/user/id"
  std::vector<std::string> path;  // property split on '/'
  CompareOp op = CompareOp::kEq;
  FilterLiteral literal;
  std::shared_ptr<const FilterNode> lhs, rhs;
};

namespace {

namespace json = boost::json;
using NodePtr = std::shared_ptr<const FilterNode>;

struct Token {
  enum class Kind { kEnd, kLParen, kRParen, kComma, kString, kWord } kind = Kind::kEnd;
  std::string text;  // kString: unescaped contents; kWord: raw text
  size_t pos = 0;
};

std::string At(size_t pos) { return " at position " + std::to_string(pos); }

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '/' || c == '.' ||
         c == ':' || c == '-' || c == '+';
}

Result<std::vector<Token>> Tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
    } else if (c == '(' || c == ')' || c == ',') {
      Token::Kind kind = c == '('   ? Token::Kind::kLParen
                         : c == ')' ? Token::Kind::kRParen
                                    : Token::Kind::kComma;
      out.push_back({kind, std::string(1, c), i++});
    } else if (c == '\'') {
      size_t start = i++;
      std::string text;
      bool closed = false;
      while (i < s.size()) {
        if (s[i] == '\'') {
          if (i + 1 < s.size() && s[i + 1] == '\'') {
            text += '\'';
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        text += s[i++];
      }
      if (!closed) return InvalidArgument("$filter: unterminated string literal" + At(start));
      out.push_back({Token::Kind::kString, std::move(text), start});
    } else if (IsWordChar(c)) {
      size_t start = i;
      while (i < s.size() && IsWordChar(s[i])) ++i;
      out.push_back({Token::Kind::kWord, std::string(s.substr(start, i - start)), start});
    } else if (c == '*') {
      return InvalidArgument("$filter: arithmetic is not supported" + At(i));
    } else if (c == '"') {
      return InvalidArgument("$filter: string literals take single quotes" + At(i));
    } else {
      return InvalidArgument(std::string("$filter: unexpected character '") + c + "'" + At(i));
    }
  }
  out.push_back({Token::Kind::kEnd, "", s.size()});
  return out;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

std::vector<std::string> SplitPath(std::string_view s) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t slash = s.find('/', start);
    parts.emplace_back(s.substr(start, slash == std::string_view::npos ? s.npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

bool IsKeyword(std::string_view w) {
  for (const char* k : {"and", "or", "not", "eq", "ne", "gt", "ge", "lt", "le"}) {
    if (EqualsIgnoreCase(w, k)) return true;
  }
  return false;
}

bool IsArithmetic(std::string_view w) {
  for (const char* k : {"add", "sub", "mul", "div", "divby", "mod"}) {
    if (EqualsIgnoreCase(w, k)) return true;
  }
  // "a+b", "price-1": an operand glued to '+' or '-' (literals such as dates start with a digit).
  return !w.empty() && !std::isdigit(static_cast<unsigned char>(w[0])) && !IsGuid(w) &&
         w.find_first_of("+-", 1) != std::string_view::npos;
}

std::optional<CompareOp> ParseOp(std::string_view w) {
  static const std::pair<const char*, CompareOp> kOps[] = {
      {"eq", CompareOp::kEq}, {"ne", CompareOp::kNe}, {"gt", CompareOp::kGt},
      {"ge", CompareOp::kGe}, {"lt", CompareOp::kLt}, {"le", CompareOp::kLe}};
  for (const auto& [name, op] : kOps) {
    if (EqualsIgnoreCase(w, name)) return op;
  }
  return std::nullopt;
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, const std::set<std::string>& allowed)
      : tokens_(std::move(tokens)), allowed_(allowed) {}

  Result<NodePtr> ParseAll() {
    ASSIGN_OR_RETURN(NodePtr root, ParseOr());
    if (Peek().kind != Token::Kind::kEnd) return Unexpected(Peek());
    return root;
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Next() { return tokens_[pos_++]; }
  bool PeekWord(const char* keyword) const {
    return Peek().kind == Token::Kind::kWord && EqualsIgnoreCase(Peek().text, keyword);
  }

  static Status Error(const std::string& what, size_t pos) {
    return InvalidArgument("$filter: " + what + At(pos));
  }

  // A token where "and", "or", ")" or the end was expected.
  static Status Unexpected(const Token& t) {
    if (t.kind == Token::Kind::kRParen) return Error("unbalanced ')'", t.pos);
    if (t.kind == Token::Kind::kWord && IsArithmetic(t.text)) {
      return Error("arithmetic ('" + t.text + "') is not supported", t.pos);
    }
    return Error("unexpected '" + t.text + "' (trailing tokens)", t.pos);
  }

  static NodePtr Binary(FilterNode::Kind kind, NodePtr lhs, NodePtr rhs) {
    auto node = std::make_shared<FilterNode>();
    node->kind = kind;
    node->lhs = std::move(lhs);
    node->rhs = std::move(rhs);
    return node;
  }

  Result<NodePtr> ParseOr() {
    ASSIGN_OR_RETURN(NodePtr lhs, ParseAnd());
    while (PeekWord("or")) {
      Next();
      ASSIGN_OR_RETURN(NodePtr rhs, ParseAnd());
      lhs = Binary(FilterNode::Kind::kOr, std::move(lhs), std::move(rhs));
    }
    return lhs;
  }

  Result<NodePtr> ParseAnd() {
    ASSIGN_OR_RETURN(NodePtr lhs, ParseUnary());
    while (PeekWord("and")) {
      Next();
      ASSIGN_OR_RETURN(NodePtr rhs, ParseUnary());
      lhs = Binary(FilterNode::Kind::kAnd, std::move(lhs), std::move(rhs));
    }
    return lhs;
  }

  // Every nested "not" or "(" passes through here; the depth bound keeps hostile input from
  // exhausting the stack.
  Result<NodePtr> ParseUnary() {
    if (depth_ >= kMaxDepth) return Error("nesting deeper than 64 levels", Peek().pos);
    ++depth_;
    Result<NodePtr> result = ParseNested();
    --depth_;
    return result;
  }

  Result<NodePtr> ParseNested() {
    if (PeekWord("not")) {
      Next();
      ASSIGN_OR_RETURN(NodePtr operand, ParseUnary());
      return Binary(FilterNode::Kind::kNot, std::move(operand), nullptr);
    }
    return ParsePrimary();
  }

  Result<NodePtr> ParsePrimary() {
    const Token& t = Next();
    switch (t.kind) {
      case Token::Kind::kEnd:
        return Error("missing operand", t.pos);
      case Token::Kind::kRParen:
        return Error("unbalanced ')' (missing operand)", t.pos);
      case Token::Kind::kComma:
        return Error("unexpected ','", t.pos);
      case Token::Kind::kString:
        return Error("expected a property name, found a literal", t.pos);
      case Token::Kind::kLParen: {
        ASSIGN_OR_RETURN(NodePtr inner, ParseOr());
        if (Peek().kind != Token::Kind::kRParen) {
          if (Peek().kind == Token::Kind::kEnd) {
            return Error("unbalanced parentheses: missing ')' for the '('", t.pos);
          }
          return Unexpected(Peek());
        }
        Next();
        return inner;
      }
      case Token::Kind::kWord:
        break;
    }
    if (Peek().kind == Token::Kind::kLParen) {
      std::vector<std::string> parts = SplitPath(t.text);
      const std::string& last = parts.back();
      if (parts.size() > 1 && (EqualsIgnoreCase(last, "any") || EqualsIgnoreCase(last, "all"))) {
        return Error("lambda operator '" + last + "' is not supported", t.pos);
      }
      return Error("function '" + t.text + "' is not supported", t.pos);
    }
    if (IsKeyword(t.text)) return Error("missing operand before '" + t.text + "'", t.pos);
    std::vector<std::string> path = SplitPath(t.text);
    for (const std::string& segment : path) {
      if (IsIdentifier(segment)) continue;
      if (IsArithmetic(t.text)) return Error("arithmetic is not supported", t.pos);
      return Error("expected a property name, found '" + t.text + "'", t.pos);
    }
    if (allowed_.count(t.text) == 0) {
      return Error("unknown or unsupported property '" + t.text + "'", t.pos);
    }
    auto node = std::make_shared<FilterNode>();
    node->property = t.text;
    node->path = std::move(path);

    const Token& op = Next();
    if (op.kind == Token::Kind::kEnd) {
      return Error("missing comparison operator after '" + t.text + "'", op.pos);
    }
    std::optional<CompareOp> parsed =
        op.kind == Token::Kind::kWord ? ParseOp(op.text) : std::nullopt;
    if (!parsed) {
      if (op.kind == Token::Kind::kWord && IsArithmetic(op.text)) {
        return Error("arithmetic ('" + op.text + "') is not supported", op.pos);
      }
      return Error(
          "expected eq, ne, gt, ge, lt or le after '" + t.text + "', found '" + op.text + "'",
          op.pos);
    }
    node->op = *parsed;
    ASSIGN_OR_RETURN(node->literal, ParseLiteral(op));
    return NodePtr(std::move(node));
  }

  Result<FilterLiteral> ParseLiteral(const Token& op) {
    const Token& t = Next();
    FilterLiteral lit;
    if (t.kind == Token::Kind::kString) {
      lit.kind = FilterLiteral::Kind::kString;
      lit.text = t.text;
      return lit;
    }
    if (t.kind != Token::Kind::kWord) {
      return Error("missing operand after '" + op.text + "'", t.pos);
    }
    const std::string& w = t.text;
    if (EqualsIgnoreCase(w, "null")) {
      lit.kind = FilterLiteral::Kind::kNull;
    } else if (EqualsIgnoreCase(w, "true") || EqualsIgnoreCase(w, "false")) {
      lit.kind = FilterLiteral::Kind::kBool;
      lit.boolean = EqualsIgnoreCase(w, "true");
    } else if (IsGuid(w)) {
      lit.kind = FilterLiteral::Kind::kGuid;
      lit.text = ToLower(w);
    } else if (w.size() >= 10 && std::isdigit(static_cast<unsigned char>(w[0])) && w[4] == '-') {
      Result<Timestamp> ts = ParseTimestamp(w);
      if (!ts.ok()) return Error("invalid DateTimeOffset: " + ts.status().message(), t.pos);
      lit.kind = FilterLiteral::Kind::kDateTime;
      lit.instant = *ts;
    } else {
      int64_t v = 0;
      auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
      if (ec == std::errc() && end == w.data() + w.size()) {
        lit.kind = FilterLiteral::Kind::kInt;
        lit.integer = v;
      } else if (IsKeyword(w)) {
        return Error("missing operand after '" + op.text + "'", t.pos);
      } else if (IsIdentifier(SplitPath(w).front())) {
        return Error(
            "expected a literal, found '" + w + "' (comparing properties is not supported)", t.pos);
      } else {
        return Error("invalid literal '" + w + "'", t.pos);
      }
    }
    return lit;
  }

  std::vector<Token> tokens_;
  const std::set<std::string>& allowed_;
  static constexpr int kMaxDepth = 64;
  size_t pos_ = 0;
  int depth_ = 0;
};

const json::value* Lookup(const json::object& object, const std::vector<std::string>& path) {
  const json::object* current = &object;
  for (size_t i = 0; i < path.size(); ++i) {
    const json::value* v = current->if_contains(path[i]);
    if (v == nullptr || i + 1 == path.size()) return v;
    if (!v->is_object()) return nullptr;
    current = &v->get_object();
  }
  return nullptr;
}

// Three-way comparison of a JSON value with a literal; nullopt when the types do not compare.
std::optional<int> Compare(const json::value& v, const FilterLiteral& lit) {
  auto sign = [](auto a, auto b) { return a < b ? -1 : (b < a ? 1 : 0); };
  switch (lit.kind) {
    case FilterLiteral::Kind::kString:
    case FilterLiteral::Kind::kGuid: {
      if (!v.is_string()) return std::nullopt;
      int c = ToLower(v.get_string()).compare(ToLower(lit.text));
      return sign(c, 0);
    }
    case FilterLiteral::Kind::kDateTime: {
      if (!v.is_string()) return std::nullopt;
      Result<Timestamp> t = ParseTimestamp(v.get_string());
      if (!t.ok()) return std::nullopt;
      return sign(*t, lit.instant);
    }
    case FilterLiteral::Kind::kBool:
      if (!v.is_bool()) return std::nullopt;
      return sign(v.get_bool(), lit.boolean);
    case FilterLiteral::Kind::kInt:
      if (v.is_int64()) return sign(v.get_int64(), lit.integer);
      if (v.is_uint64()) return lit.integer < 0 ? 1 : sign(v.get_uint64(), uint64_t(lit.integer));
      if (v.is_double()) return sign(v.get_double(), static_cast<double>(lit.integer));
      return std::nullopt;
    case FilterLiteral::Kind::kNull:
      return std::nullopt;
  }
  return std::nullopt;
}

bool EvalCompare(const FilterNode& node, const json::object& object) {
  const json::value* v = Lookup(object, node.path);
  bool is_null = v == nullptr || v->is_null();
  if (node.literal.kind == FilterLiteral::Kind::kNull || is_null) {
    bool both_null = is_null && node.literal.kind == FilterLiteral::Kind::kNull;
    if (node.op == CompareOp::kEq) return both_null;
    if (node.op == CompareOp::kNe) return !both_null;
    return false;  // ordering against null is never true
  }
  std::optional<int> c = Compare(*v, node.literal);
  if (!c) return node.op == CompareOp::kNe;
  switch (node.op) {
    case CompareOp::kEq:
      return *c == 0;
    case CompareOp::kNe:
      return *c != 0;
    case CompareOp::kGt:
      return *c > 0;
    case CompareOp::kGe:
      return *c >= 0;
    case CompareOp::kLt:
      return *c < 0;
    case CompareOp::kLe:
      return *c <= 0;
  }
  return false;
}

bool Eval(const FilterNode& node, const json::object& object) {
  switch (node.kind) {
    case FilterNode::Kind::kCompare:
      return EvalCompare(node, object);
    case FilterNode::Kind::kAnd:
      return Eval(*node.lhs, object) && Eval(*node.rhs, object);
    case FilterNode::Kind::kOr:
      return Eval(*node.lhs, object) || Eval(*node.rhs, object);
    case FilterNode::Kind::kNot:
      return !Eval(*node.lhs, object);
  }
  return false;
}

std::string FindEquality(const FilterNode& node, std::string_view property) {
  if (node.kind == FilterNode::Kind::kAnd) {
    std::string found = FindEquality(*node.lhs, property);
    return found.empty() ? FindEquality(*node.rhs, property) : found;
  }
  if (node.kind == FilterNode::Kind::kCompare && node.op == CompareOp::kEq &&
      node.property == property &&
      (node.literal.kind == FilterLiteral::Kind::kString ||
       node.literal.kind == FilterLiteral::Kind::kGuid)) {
    return node.literal.text;
  }
  return "";
}

}  // namespace

Result<Filter> Filter::Parse(std::string_view text, const std::set<std::string>& allowed) {
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(text));
  if (tokens.size() == 1) return InvalidArgument("$filter: empty filter");
  Parser parser(std::move(tokens), allowed);
  ASSIGN_OR_RETURN(NodePtr root, parser.ParseAll());
  Filter filter;
  filter.root_ = std::move(root);
  return filter;
}

bool Filter::Matches(const json::object& object) const {
  return root_ == nullptr || Eval(*root_, object);
}

std::string Filter::EqualityValue(std::string_view property) const {
  return root_ == nullptr ? "" : FindEquality(*root_, property);
}

}  // namespace pim
