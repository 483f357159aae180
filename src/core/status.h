// Status and Result<T>: errors as values, with canonical codes.
//
// Every fallible function in pim returns a Status or a Result<T>. The http module maps codes to
// HTTP status and Graph-style error bodies in exactly one place (http/errors.cc). `error_code` is
// the Graph error code (e.g. "RoleAssignmentRequestPolicyValidationFailed"); `details` is an
// optional JSON text placed in innerError (e.g. {"failedRules":[...],"code":"MfaRequired"}).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace pim {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // 400
  kUnauthenticated,     // 401
  kPermissionDenied,    // 403
  kNotFound,            // 404
  kAlreadyExists,       // 409
  kFailedPrecondition,  // 409 (conflicting state)
  kResourceExhausted,   // 429 (locked out, throttled)
  kUnavailable,         // 503
  kInternal,            // 500: a bug or an I/O failure, never client input
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message, std::string error_code = {},
         std::string details_json = {})
      : code_(code),
        message_(std::move(message)),
        error_code_(std::move(error_code)),
        details_json_(std::move(details_json)) {}

  static Status Ok() { return Status(); }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // Graph error code; empty means "derive from code()".
  const std::string& error_code() const { return error_code_; }
  // JSON object text merged into innerError; empty when none.
  const std::string& details_json() const { return details_json_; }
  // Seconds for Retry-After on kResourceExhausted; 0 when not set.
  int retry_after() const { return retry_after_; }
  Status& set_retry_after(int seconds) {
    retry_after_ = seconds;
    return *this;
  }
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string error_code_;
  std::string details_json_;
  int retry_after_ = 0;
};

Status InvalidArgument(std::string message, std::string error_code = {});
Status NotFound(std::string message);
Status PermissionDenied(std::string message);
Status Unauthenticated(std::string message);
Status AlreadyExists(std::string message);
Status FailedPrecondition(std::string message);
Status Internal(std::string message);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace pim

#define PIM_CONCAT_INNER(a, b) a##b
#define PIM_CONCAT(a, b) PIM_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)          \
  do {                                 \
    ::pim::Status _pim_st = (expr);    \
    if (!_pim_st.ok()) return _pim_st; \
  } while (0)

#define ASSIGN_OR_RETURN(lhs, expr) \
  PIM_ASSIGN_OR_RETURN_IMPL(PIM_CONCAT(_pim_res_, __LINE__), lhs, expr)
#define PIM_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()
