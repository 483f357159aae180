#include "core/status.h"

namespace pim {

std::string Status::ToString() const {
  static const char* const kNames[] = {
      "OK",          "INVALID_ARGUMENT", "UNAUTHENTICATED",     "PERMISSION_DENIED",
      "NOT_FOUND",   "ALREADY_EXISTS",   "FAILED_PRECONDITION", "RESOURCE_EXHAUSTED",
      "UNAVAILABLE", "INTERNAL"};
  std::string out = kNames[static_cast<int>(code_)];
  if (!message_.empty()) out += ": " + message_;
  return out;
}

Status InvalidArgument(std::string message, std::string error_code) {
  return Status(StatusCode::kInvalidArgument, std::move(message), std::move(error_code));
}
Status NotFound(std::string message) { return Status(StatusCode::kNotFound, std::move(message)); }
Status PermissionDenied(std::string message) {
  return Status(StatusCode::kPermissionDenied, std::move(message));
}
Status Unauthenticated(std::string message) {
  return Status(StatusCode::kUnauthenticated, std::move(message));
}
Status AlreadyExists(std::string message) {
  return Status(StatusCode::kAlreadyExists, std::move(message));
}
Status FailedPrecondition(std::string message) {
  return Status(StatusCode::kFailedPrecondition, std::move(message));
}
Status Internal(std::string message) { return Status(StatusCode::kInternal, std::move(message)); }

}  // namespace pim
