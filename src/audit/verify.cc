// VerifyAudit: walks the whole chain in physical order and checks it against the signed
// checkpoints (docs/AUDIT.md, "What verify detects").
#include <algorithm>
#include <boost/json.hpp>
#include <functional>
#include <map>

#include "audit/audit.h"
#include "audit/checkpoint_file.h"
#include "audit/digest.h"
#include "auth/crypto.h"

namespace pim {

namespace {

constexpr int kPageSize = 1000;

// Records with seq >= from_seq in physical order, at most `limit` (Store::ReadAuditAscending).
using ReadAscending =
    std::function<Result<std::vector<SealedAuditRecord>>(int64_t from_seq, int limit)>;
// Whether a signature (base64) is the audit key's signature of a message.
using CheckSignature = std::function<bool(const std::string&, const std::string&)>;

// Every audit record, in physical order, one page at a time.
class AuditCursor {
 public:
  explicit AuditCursor(const ReadAscending& read) : read_(read) {}

  // The next record (valid until the following call), nullptr at the end.
  Result<const SealedAuditRecord*> Next() {
    if (pos_ >= page_.size()) {
      if (exhausted_) return nullptr;
      ASSIGN_OR_RETURN(page_, read_(next_from_, kPageSize));
      pos_ = 0;
      exhausted_ = page_.size() < static_cast<size_t>(kPageSize);
      for (const SealedAuditRecord& r : page_) next_from_ = std::max(next_from_, r.seq + 1);
      if (page_.empty()) return nullptr;
    }
    return &page_[pos_++];
  }

 private:
  const ReadAscending& read_;
  std::vector<SealedAuditRecord> page_;
  size_t pos_ = 0;
  int64_t next_from_ = 0;
  bool exhausted_ = false;
};

// The seq of the first record matching `match`, if any (a full scan; used only on failure).
Result<std::optional<int64_t>> Find(const ReadAscending& read,
                                    const std::function<bool(const SealedAuditRecord&)>& match) {
  AuditCursor cursor(read);
  while (true) {
    ASSIGN_OR_RETURN(const SealedAuditRecord* r, cursor.Next());
    if (r == nullptr) return std::optional<int64_t>();
    if (match(*r)) return std::optional<int64_t>(r->seq);
  }
}

// The name of the first stored column that disagrees with the hashed canonical text, or "".
std::string ColumnMismatch(const SealedAuditRecord& r) {
  SealedAuditRecord hashed;
  if (!audit_internal::ReadSearchColumns(r.canonical, hashed)) return "canonical";
  if (hashed.id != r.id) return "id";
  if (hashed.category != r.category) return "category";
  if (hashed.activity != r.activity) return "activity";
  if (hashed.time != r.time) return "time";
  if (hashed.initiator_id != r.initiator_id) return "initiator";
  return "";
}

AuditVerifyReport Fail(AuditVerifyReport report, int64_t seq, std::string problem,
                       std::string message) {
  report.ok = false;
  report.first_bad_seq = seq;
  report.problem = std::move(problem);
  report.message = std::move(message);
  return report;
}

std::string Rec(int64_t seq) { return "audit record " + std::to_string(seq); }

// Checks one record against its predecessor (expected seq, head hash). Returns a failed report
// or nullopt when the record is sound.
Result<std::optional<AuditVerifyReport>> CheckRecord(const ReadAscending& read,
                                                     const AuditVerifyReport& report,
                                                     const SealedAuditRecord& r, int64_t expected,
                                                     const std::string& head) {
  using Out = std::optional<AuditVerifyReport>;
  const std::string prev = expected == 1 ? "the start of the chain" : Rec(expected - 1);
  if (r.seq < expected) {
    return Out(Fail(report, r.seq, "reordered",
                    Rec(r.seq) + " is out of order (found after " + Rec(expected - 1) + ")"));
  }
  if (r.seq > expected) {
    ASSIGN_OR_RETURN(std::optional<int64_t> elsewhere,
                     Find(read, [&](const SealedAuditRecord& x) { return x.seq == expected; }));
    if (elsewhere) {
      return Out(Fail(report, expected, "reordered",
                      Rec(expected) + " is out of order (" + Rec(r.seq) + " comes first)"));
    }
    return Out(Fail(report, expected, "removed",
                    Rec(expected) + " was removed (" + prev + " is followed by record " +
                        std::to_string(r.seq) + ")"));
  }
  if (Sha256Hex(r.prev_hash, r.canonical) != r.hash) {
    return Out(Fail(report, r.seq, "altered", Rec(r.seq) + " was altered (hash mismatch)"));
  }
  if (r.prev_hash != head) {
    ASSIGN_OR_RETURN(std::optional<int64_t> linked, Find(read, [&](const SealedAuditRecord& x) {
                       return x.hash == r.prev_hash && x.seq != r.seq;
                     }));
    if (linked) {
      return Out(Fail(report, r.seq, "reordered",
                      Rec(r.seq) + " was reordered (it follows record " + std::to_string(*linked) +
                          ", not " + prev + ")"));
    }
    return Out(Fail(report, r.seq, "altered",
                    Rec(r.seq) + " was altered (its prev_hash does not match " + prev + ")"));
  }
  if (std::string column = ColumnMismatch(r); !column.empty()) {
    return Out(Fail(
        report, r.seq, "altered",
        Rec(r.seq) + " was altered (its " + column + " column differs from the hashed record)"));
  }
  return Out();
}

struct Claim {
  std::string where;  // "the database", "checkpoint file <path>" or "the copy supplied"
  AuditCheckpoint checkpoint;
};

// Walks the chain through `read` and checks it against `claims` (docs/AUDIT.md, "What verify
// detects"). `claims_problem`, when not OK, is reported as checkpoint-invalid after the walk.
Result<AuditVerifyReport> VerifyChain(const ReadAscending& read, std::vector<Claim> claims,
                                      const Status& claims_problem, const CheckSignature& check) {
  AuditVerifyReport report;
  // The hash at each checkpointed seq, filled in by the walk.
  std::map<int64_t, std::string> hash_at{{0, audit_internal::ZeroHash()}};

  AuditCursor cursor(read);
  int64_t expected = 1;
  std::string head = audit_internal::ZeroHash();
  while (true) {
    ASSIGN_OR_RETURN(const SealedAuditRecord* r, cursor.Next());
    if (r == nullptr) break;
    ASSIGN_OR_RETURN(std::optional<AuditVerifyReport> bad,
                     CheckRecord(read, report, *r, expected, head));
    if (bad) return *bad;
    head = r->hash;
    expected = r->seq + 1;
    ++report.records_checked;
    for (const Claim& claim : claims) {
      if (claim.checkpoint.seq == r->seq) hash_at[r->seq] = r->hash;
    }
  }
  const int64_t last = expected - 1;

  if (!claims_problem.ok()) {
    return Fail(report, 0, "checkpoint-invalid", claims_problem.message());
  }
  for (const Claim& claim : claims) {
    const AuditCheckpoint& c = claim.checkpoint;
    if (!check(CheckpointMessage(c.seq, c.head_hash, c.time), c.signature)) {
      return Fail(report, c.seq, "checkpoint-invalid",
                  "the audit checkpoint in " + claim.where + " (record " + std::to_string(c.seq) +
                      ") has an invalid signature");
    }
    report.checkpoint_seq = std::max(report.checkpoint_seq, c.seq);
  }
  std::sort(claims.begin(), claims.end(),
            [](const Claim& a, const Claim& b) { return a.checkpoint.seq > b.checkpoint.seq; });
  for (const Claim& claim : claims) {
    const AuditCheckpoint& c = claim.checkpoint;
    if (c.seq > last) {
      return Fail(report, last + 1, "truncated",
                  "the audit log was truncated after " + Rec(last) + ": the checkpoint in " +
                      claim.where + " signed at " + FormatTimestamp(c.time) + " covers " +
                      std::to_string(c.seq) + " records");
    }
    if (hash_at[c.seq] != c.head_hash) {
      return Fail(report, c.seq, "altered",
                  Rec(c.seq) + " was altered (its hash differs from the checkpoint in " +
                      claim.where + ")");
    }
  }
  return report;
}

// A sealed export read back as the store would serve it: records with seq >= from_seq in the
// order of the lines. A read from seq 0 starts a new pass at the first line.
class ExportReader {
 public:
  explicit ExportReader(std::istream& in) : in_(in) {}

  Result<std::vector<SealedAuditRecord>> Read(int64_t from_seq, int limit) {
    if (from_seq == 0) {
      in_.clear();
      in_.seekg(0);
      if (!in_) return InvalidArgument("the export cannot be read again from its start");
      line_number_ = 0;
    }
    std::vector<SealedAuditRecord> out;
    std::string line;
    while (static_cast<int>(out.size()) < limit && std::getline(in_, line)) {
      ++line_number_;
      if (line.empty()) continue;
      boost::system::error_code ec;
      boost::json::value value = boost::json::parse(line, ec);
      Result<SealedAuditRecord> record =
          ec ? Result<SealedAuditRecord>(InvalidArgument("not JSON")) : SealedRecordFromJson(value);
      if (!record.ok()) {
        return InvalidArgument("line " + std::to_string(line_number_) +
                               " is not a sealed audit record: " + record.status().message());
      }
      if (record->seq >= from_seq) out.push_back(std::move(record).value());
    }
    if (in_.bad()) return InvalidArgument("the export could not be read");
    return out;
  }

 private:
  std::istream& in_;
  int64_t line_number_ = 0;
};

}  // namespace

Result<AuditVerifyReport> VerifyAudit(Store& store, const AuditSigner& signer,
                                      const std::string& checkpoint_file,
                                      const std::vector<AuditCheckpoint>& witnessed) {
  std::vector<Claim> claims;
  ASSIGN_OR_RETURN(std::optional<AuditCheckpoint> db_checkpoint, store.LatestCheckpoint());
  if (db_checkpoint) claims.push_back({"the database", *db_checkpoint});
  Status file_problem;
  if (!checkpoint_file.empty()) {
    Result<std::optional<AuditCheckpoint>> file = ReadCheckpointFile(checkpoint_file);
    if (!file.ok() && file.status().code() != StatusCode::kInvalidArgument) return file.status();
    if (!file.ok()) {
      file_problem = file.status();
    } else if (file->has_value()) {
      claims.push_back({"checkpoint file " + checkpoint_file, **file});
    }
  }
  for (const AuditCheckpoint& c : witnessed) claims.push_back({"the copy supplied", c});
  const ReadAscending read = [&store](int64_t from, int limit) {
    return store.ReadAuditAscending(from, limit);
  };
  return VerifyChain(read, std::move(claims), file_problem,
                     [&signer](const std::string& message, const std::string& signature) {
                       return signer.Verify(message, signature);
                     });
}

Result<AuditVerifyReport> VerifyExportedAudit(std::istream& lines, const AuditPublicKey& key,
                                              const std::vector<AuditCheckpoint>& kept) {
  std::vector<Claim> claims;
  for (const AuditCheckpoint& c : kept) claims.push_back({"the copy supplied", c});
  ExportReader reader(lines);
  const ReadAscending read = [&reader](int64_t from, int limit) {
    return reader.Read(from, limit);
  };
  return VerifyChain(read, std::move(claims), Status::Ok(),
                     [&key](const std::string& message, const std::string& signature) {
                       return key.Verify(message, signature);
                     });
}

}  // namespace pim
