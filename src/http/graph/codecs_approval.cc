#include "http/graph/codecs_approval.h"

#include <boost/json/array.hpp>

#include "http/graph/json_fields.h"

namespace pim::http {
namespace json = boost::json;
namespace {

json::value Identity(const std::string& id, const DisplayNameFn& display_name) {
  if (id.empty()) return nullptr;
  std::string name = display_name ? display_name(id) : std::string();
  return json::object{{"id", id},
                      {"displayName", name.empty() ? json::value(nullptr) : json::value(name)}};
}

}  // namespace

json::object StepToGraph(const ApprovalStep& step, bool assigned_to_me,
                         const DisplayNameFn& display_name) {
  json::array reviews;
  for (const ApprovalReview& review : step.reviews) {
    json::object o;
    o["reviewedBy"] = Identity(review.reviewer_id, display_name);
    o["reviewResult"] = review.result;
    o["justification"] = review.justification;
    o["reviewedDateTime"] = FormatTimestamp(review.at);
    reviews.emplace_back(std::move(o));
  }
  json::object out;
  out["id"] = step.id;
  out["displayName"] =
      step.display_name.empty() ? json::value(nullptr) : json::value(step.display_name);
  out["status"] = step.status;
  out["assignedToMe"] = assigned_to_me;
  out["reviewResult"] = step.review_result;
  out["reviewedBy"] = Identity(step.reviewed_by, display_name);
  out["reviewedDateTime"] =
      step.reviewed ? json::value(FormatTimestamp(*step.reviewed)) : json::value(nullptr);
  out["justification"] =
      step.justification.empty() ? json::value(nullptr) : json::value(step.justification);
  out["pimQuorum"] = step.quorum;
  out["pimReviews"] = std::move(reviews);
  return out;
}

Result<StepReview> DecodeStepReview(std::string_view body) {
  ASSIGN_OR_RETURN(json::object object, ParseJsonObject(body));
  FieldReader r(object, "");
  ASSIGN_OR_RETURN(std::optional<std::string> result,
                   r.OptEnum("reviewResult", {"Approve", "Deny", "Approved", "Denied"}));
  ASSIGN_OR_RETURN(std::optional<std::string> justification, r.OptString("justification"));
  RETURN_IF_ERROR(r.Finish());
  if (!result) return InvalidArgument("The property 'reviewResult' is required.");
  StepReview review;
  review.review_result = (*result == "Approve" || *result == "Approved") ? "Approve" : "Deny";
  review.justification = justification.value_or("");
  return review;
}

}  // namespace pim::http
