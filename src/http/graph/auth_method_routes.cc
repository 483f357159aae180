// TOTP enrollment on Graph's softwareOathMethods (Graph has the resource but not these verbs):
// POST /v1.0/me/authentication/softwareOathMethods -> 201 {id, secretKey, otpauthUri,
// createdDateTime}; GET the same path; POST .../{id}/verify {"code"} -> 204.
#include "http/graph/codecs_directory.h"
#include "http/graph/json_fields.h"
#include "http/graph/route_families.h"
#include "http/graph/serve.h"

namespace pim::http {
namespace {

constexpr const char* kContext = "me/authentication/softwareOathMethods";

// Built once: the spec is immutable.
const CollectionSpec& MethodsSpec() {
  static const CollectionSpec spec{kContext,
                                   {"id", "createdDateTime", "pimVerified"},
                                   KeysOf(TotpMethodToGraph(TotpMethod{})),
                                   {}};
  return spec;
}

}  // namespace

void RegisterAuthMethodRoutes(Router& router, const GraphContext& ctx) {
  PimService& svc = ctx.service;
  router.Add("POST", "/v1.0/me/authentication/softwareOathMethods", "softwareOathMethods.create",
             WithCaller(svc,
                        [&svc](const HttpRequest& req, const RouteParams&, const Caller& c) {
                          if (req.body.find_first_not_of(" \t\r\n") != std::string::npos) {
                            Result<boost::json::object> body = ParseJsonObject(req.body);
                            if (!body.ok()) return GraphError(body.status());
                            FieldReader r(*body, "");
                            Status st = r.Finish();
                            if (!st.ok()) return GraphError(st);
                          }
                          Result<TotpEnrollment> enrollment = svc.EnrollTotp(c);
                          if (!enrollment.ok()) return GraphError(enrollment.status());
                          return EntityResponse(req, 201, std::string(kContext) + "/$entity",
                                                TotpEnrollmentToGraph(*enrollment));
                        }),
             /*blocking=*/true);
  router.Add("GET", "/v1.0/me/authentication/softwareOathMethods", "softwareOathMethods.list",
             WithCaller(svc, [&svc](const HttpRequest& req, const RouteParams&, const Caller& c) {
               return ServeCollection(req, MethodsSpec(), [&] {
                 return EncodeAll(svc.ListTotpMethods(c, c.principal_id), TotpMethodToGraph);
               });
             }));
  router.Add("POST", "/v1.0/me/authentication/softwareOathMethods/{id}/verify",
             "softwareOathMethods.verify",
             WithCaller(svc,
                        [&svc](const HttpRequest& req, const RouteParams& p, const Caller& c) {
                          Result<std::string> code = DecodeTotpVerify(req.body);
                          if (!code.ok()) return GraphError(code.status());
                          Status st = svc.VerifyTotpEnrollment(c, p.at("id"), *code);
                          return st.ok() ? NoContent() : GraphError(st);
                        }),
             /*blocking=*/true);
}

}  // namespace pim::http
