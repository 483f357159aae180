// Audit: hash-chained, signed, tamper-evident records (docs/AUDIT.md describes the encoding).
//
// The engine builds an AuditEvent for every change and security-relevant refusal, seals it with
// the AuditChain (under the engine lock, so seq order = commit order) and puts the sealed record
// into the same ChangeSet as the change. After each sealed batch the chain produces a checkpoint
// signed with the server's Ed25519 key, whose private key lives in the data directory outside the
// database.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "store/store.h"

namespace pim {

struct AuditTarget {
  std::string id;
  std::string type;  // "User", "Role", "Request", "Policy", "Group", "ServicePrincipal", ...
  std::string display_name;
  std::string user_principal_name;
  // modifiedProperties: (displayName, oldValue, newValue)
  std::vector<std::tuple<std::string, std::string, std::string>> modified;
};

// One directoryAudit. Everything here is hashed; nothing may be left out of the encoding.
struct AuditEvent {
  std::string id;        // GUID
  Timestamp time;        // activityDateTime
  std::string category;  // "RoleManagement", "UserManagement", "GroupManagement",
                         // "ApplicationManagement", "Policy", "Authentication", "Audit"
  std::string
      activity;  // activityDisplayName, e.g. "Add member to role completed (PIM activation)"
  std::string operation_type;      // "Add", "Update", "Delete", "Assign", "Unassign", "Other"
  std::string result = "success";  // success | failure | timeout
  std::string result_reason;
  std::string correlation_id;  // e.g. the request id
  std::string logged_by_service = "PIM";
  // initiatedBy: a user (id, upn, display name, ip) or an app (service principal id, name);
  // "system" timers use initiator_type "app" with the id "pim-timer".
  std::string initiator_type = "user";  // "user" | "app"
  std::string initiator_id;
  std::string initiator_upn;
  std::string initiator_display_name;
  std::string initiator_ip;
  std::vector<AuditTarget> targets;
  // additionalDetails (key, value) in insertion order: justification, ticketNumber,
  // ticketSystem, roleDefinitionId, directoryScopeId, requestId, requestDateTime,
  // startDateTime, endDateTime, approverId, decision, approverJustification, ...
  std::vector<std::pair<std::string, std::string>> details;
};

// Canonical encoding v1: a JSON object with keys in a fixed order and no insignificant
// whitespace, shaped as Graph's directoryAudit plus "pimEncodingVersion":1. Decoding it gives
// back the directoryAudit JSON served by GET /v1.0/auditLogs/directoryAudits.
std::string CanonicalEncode(const AuditEvent& event);

// Ed25519 key kept in a file (mode 600) in the data directory.
class AuditSigner {
 public:
  // Loads the PEM private key at `path`, creating it (mode 600) if absent.
  static Result<AuditSigner> LoadOrCreate(const std::string& path);
  std::string Sign(const std::string& message) const;  // base64 signature
  // Fills checkpoint.signature (CheckpointMessage of its seq, head hash and time).
  void SignCheckpoint(AuditCheckpoint& checkpoint) const;
  bool Verify(const std::string& message, const std::string& signature_b64) const;
  std::string PublicKeyPem() const;
  ~AuditSigner();
  AuditSigner(AuditSigner&&) noexcept;
  AuditSigner& operator=(AuditSigner&&) noexcept;

 private:
  AuditSigner() = default;
  void* pkey_ = nullptr;             // EVP_PKEY*: the key file's form; verifies
  unsigned char* secret_ = nullptr;  // libsodium's form of the same key (sodium_malloc); signs
};

// An Ed25519 public key that checks checkpoint signatures: the PEM (`BEGIN PUBLIC KEY`) that
// AuditSigner::PublicKeyPem and GET /v1.0/pim/audit/checkpoint give. For checking a log away from
// the server, which never needs the private key.
class AuditPublicKey {
 public:
  static Result<AuditPublicKey> FromPem(const std::string& pem);
  bool Verify(const std::string& message, const std::string& signature_b64) const;
  ~AuditPublicKey();
  AuditPublicKey(AuditPublicKey&&) noexcept;
  AuditPublicKey& operator=(AuditPublicKey&&) noexcept;

 private:
  AuditPublicKey() = default;
  void* pkey_ = nullptr;  // EVP_PKEY*
};

// The message a checkpoint signs.
std::string CheckpointMessage(int64_t seq, const std::string& head_hash, Timestamp time);

// Assigns sequence numbers and hashes. Not thread-safe: the engine calls it under its lock.
class AuditChain {
 public:
  // Continues after the record (last_seq, last_hash); a new chain starts at (0, 64 zeros).
  AuditChain(int64_t last_seq, std::string last_hash, const AuditSigner* signer);
  SealedAuditRecord Seal(const AuditEvent& event);
  // A signed checkpoint of the current head.
  AuditCheckpoint Checkpoint(Timestamp now) const;
  // The same, unsigned (signature empty): for signing later, once for many (AuditSigner).
  AuditCheckpoint Head(Timestamp now) const;
  int64_t last_seq() const { return last_seq_; }
  const std::string& last_hash() const { return last_hash_; }

 private:
  int64_t last_seq_;
  std::string last_hash_;
  const AuditSigner* signer_;
};

struct AuditVerifyReport {
  bool ok = true;
  int64_t records_checked = 0;
  int64_t checkpoint_seq = 0;  // latest valid signed checkpoint seen
  // When !ok: the first record found wrong and what is wrong with it:
  // "altered" (hash mismatch), "removed" (a gap in seq), "reordered" (seq out of order or
  // prev_hash linking to another record), "truncated" (fewer records than the checkpoint says),
  // "checkpoint-invalid" (bad signature).
  int64_t first_bad_seq = 0;
  std::string problem;
  std::string message;  // one human sentence naming the record
};

// Reads every record through `store` (in physical order, so reordering shows) and the latest
// checkpoint, plus the checkpoint copy kept in `checkpoint_file` outside the database if it exists,
// plus `witnessed`: checkpoints kept elsewhere (off the host), each checked like the others.
Result<AuditVerifyReport> VerifyAudit(Store& store, const AuditSigner& signer,
                                      const std::string& checkpoint_file,
                                      const std::vector<AuditCheckpoint>& witnessed = {});

// The report as GET /v1.0/pim/audit/verify serves it and `pim audit verify --json` prints it:
// ok, recordsChecked, checkpointSeq, firstBadSequence (null when ok), problem (null when ok),
// message.
boost::json::object AuditVerifyReportToJson(const AuditVerifyReport& report);

// A sealed record as GET /v1.0/pim/audit/records serves it and `pim audit export --sealed` writes
// it, one JSON object per line: {"sequence", "previousHash", "hash", "record"}, where "record" is
// the canonical text exactly as hashed (docs/AUDIT.md, "Sealed export").
boost::json::object SealedRecordToJson(const SealedAuditRecord& record);
// The inverse; the search columns (time, id, category, activity, initiator) are read from the
// canonical text. InvalidArgument names what is missing or malformed.
Result<SealedAuditRecord> SealedRecordFromJson(const boost::json::value& value);

// Checks a sealed export away from the server: the records in the order the stream holds them
// (one SealedRecordToJson object per line), with the checks VerifyAudit makes, against checkpoints
// kept off the host and signed with `key`. The stream must be seekable (a file): a record found
// out of place is looked for from the start. A line that is not a sealed record is an
// InvalidArgument error naming its line number.
Result<AuditVerifyReport> VerifyExportedAudit(std::istream& lines, const AuditPublicKey& key,
                                              const std::vector<AuditCheckpoint>& kept);

// Writes the checkpoint copy outside the database (atomic rename; no fsync needed: an older copy
// is still a valid lower bound).
Status WriteCheckpointFile(const std::string& path, const AuditCheckpoint& checkpoint);

}  // namespace pim
