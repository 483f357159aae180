// Graph JSON for approvals (Graph beta approval/approvalStep, served under /v1.0) with pim's
// extensions pimQuorum and pimReviews, and the decoder of a step review (PATCH).
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <string>
#include <string_view>

#include "core/model.h"
#include "core/status.h"

namespace pim::http {

// Resolves a principal id to its display name ("" when unknown); used for reviewedBy.
using DisplayNameFn = std::function<std::string(const std::string& principal_id)>;

// {"id","displayName","status","assignedToMe","reviewResult","reviewedBy":{"id","displayName"}
// |null,"reviewedDateTime","justification","pimQuorum","pimReviews":[...]}
boost::json::object StepToGraph(const ApprovalStep& step, bool assigned_to_me,
                                const DisplayNameFn& display_name);

struct StepReview {
  std::string review_result;  // "Approve" | "Deny"
  std::string justification;
};

// {"reviewResult": "Approve"|"Deny" (case-insensitive; Approved/Denied accepted),
//  "justification": "..."}; reviewResult required.
Result<StepReview> DecodeStepReview(std::string_view body);

}  // namespace pim::http
