// The `pim` commands. Each takes the Context and its parsed options, prints its result to
// ctx.out (a table, or the server's JSON with ctx.json) and returns OK, or an error whose
// message is the one line shown as "pim: <message>". cli.cc maps command lines onto these.
#pragma once

#include <string>
#include <vector>

#include "cli/context.h"

namespace pim::cli {

// --- session (cmd_session.cc) ---
struct LoginOptions {
  std::string server;
  std::string user;
  bool password_stdin = false;
  std::string otp;
  std::string cacert;
};
Status Login(Context& ctx, const LoginOptions& o);
// With `everywhere`, first asks the server to end every session of the signed-in user.
Status Logout(Context& ctx, bool everywhere = false);
// Changes the signed-in user's password (POST /me/changePassword): the current one from
// $PIM_PASSWORD or a prompt, the new one from $PIM_NEW_PASSWORD or two prompts that must agree.
// With `from_stdin`, both from standard input, one line each. The server ends every other
// session of the user; this one goes on.
Status ChangePassword(Context& ctx, bool from_stdin = false);

struct MfaEnrollOptions {
  std::string code;        // verify with this code instead of prompting
  bool no_verify = false;  // only create the method (verify later with MfaVerify)
  std::string otp;         // a code of an authenticator already verified, when one is
};
// With an authenticator already verified, the server wants fresh MFA to register or verify
// another: both step up as activation does (`otp`, $PIM_OTP or a prompt).
Status MfaEnroll(Context& ctx, const MfaEnrollOptions& o);
Status MfaVerify(Context& ctx, const std::string& method_id, const std::string& code,
                 const std::string& otp = "");

// --- the requester's roles and requests (cmd_roles.cc, cmd_activate.cc) ---
Status Roles(Context& ctx);
Status Requests(Context& ctx);

struct ActivateOptions {
  std::string role;
  std::string scope = "/";
  std::string duration;
  std::string justification;
  std::string ticket;
  std::string ticket_system;
  std::string otp;
};
Status Activate(Context& ctx, const ActivateOptions& o);
Status Deactivate(Context& ctx, const std::string& role, const std::string& scope,
                  const std::string& justification);
Status Extend(Context& ctx, const ActivateOptions& o);
// Withdraws one of your requests still waiting for approval, or a scheduled activation that has
// not started.
Status Cancel(Context& ctx, const std::string& request_id);

// --- approvers (cmd_approvals.cc) ---
Status Approvals(Context& ctx);
// `id` is a request id or an approval id; `approve` false = deny.
Status Review(Context& ctx, const std::string& id, bool approve, const std::string& reason);

// --- administrators (cmd_admin.cc, cmd_policy.cc) ---
struct AssignOptions {
  std::string user;
  std::string role;
  std::string scope = "/";
  bool active = false;  // false = eligible
  std::string duration;
  bool permanent = false;
  std::string justification;
  std::string ticket;
  std::string ticket_system;
  std::string otp;
};
Status AdminAssign(Context& ctx, const AssignOptions& o);
Status AdminRemove(Context& ctx, const AssignOptions& o);

Status PolicyShow(Context& ctx, const std::string& role);
struct PolicySetOptions {
  std::string role;
  std::string max_duration;
  std::vector<std::string> require;  // mfa, justification, ticket, none
  std::string approval;              // "", "on", "off"
  std::vector<std::string> approvers;
};
Status PolicySet(Context& ctx, const PolicySetOptions& o);

// --- auditors (cmd_audit.cc) ---
Status AuditList(Context& ctx, int top, const std::string& filter);
struct AuditVerifyOptions {
  // Checkpoints kept off the host: 'pim audit checkpoint' output or pimd's checkpoint file.
  std::vector<std::string> checkpoint_files;
  // Set: checks this sealed export ('pim audit export --sealed') here, without the server,
  // against the checkpoints kept (at least one) and the public key in `public_key_file`.
  std::string offline_file;
  std::string public_key_file;
};
// Asks the server to check its log (and against the checkpoints kept, if any), or checks a sealed
// export offline.
Status AuditVerify(Context& ctx, const AuditVerifyOptions& o = {});
// The newest signed checkpoint, in the checkpoint file's format (JSON with --json), written to
// standard output or appended to `output`.
Status AuditCheckpoint(Context& ctx, const std::string& output);
// The public key that signs the checkpoints (PEM), to standard output or into `output`.
Status AuditPublicKey(Context& ctx, const std::string& output);
// Every record: as directoryAudits, newest first; or `sealed`, as hashed, oldest first.
Status AuditExport(Context& ctx, const std::string& output, bool sealed = false);

// --- shared by the request-making commands (cmd_activate.cc) ---
// POSTs a schedule request to `collection`; when refused for missing MFA, obtains a code
// (`otp`, $PIM_OTP or a prompt), refreshes the token with it and retries once. When the user
// has no verified authenticator, fails saying how to enroll (or verify) one instead.
Result<json::value> SubmitRequest(Context& ctx, Session& session, const std::string& collection,
                                  const json::value& body, const std::string& otp);

}  // namespace pim::cli
