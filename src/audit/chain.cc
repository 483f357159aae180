#include <utility>

#include "audit/audit.h"
#include "audit/digest.h"
#include "auth/crypto.h"

namespace pim {

AuditChain::AuditChain(int64_t last_seq, std::string last_hash, const AuditSigner* signer)
    : last_seq_(last_seq), last_hash_(std::move(last_hash)), signer_(signer) {}

SealedAuditRecord AuditChain::Seal(const AuditEvent& event) {
  SealedAuditRecord record;
  record.seq = last_seq_ + 1;
  record.time = event.time;
  record.id = event.id;
  record.category = event.category;
  record.activity = event.activity;
  record.initiator_id = event.initiator_id;
  record.canonical = CanonicalEncode(event);
  record.prev_hash = last_hash_;
  record.hash = Sha256Hex(record.prev_hash, record.canonical);
  last_seq_ = record.seq;
  last_hash_ = record.hash;
  return record;
}

AuditCheckpoint AuditChain::Head(Timestamp now) const {
  AuditCheckpoint checkpoint;
  checkpoint.seq = last_seq_;
  checkpoint.head_hash = last_hash_;
  checkpoint.time = now;
  return checkpoint;
}

AuditCheckpoint AuditChain::Checkpoint(Timestamp now) const {
  AuditCheckpoint checkpoint = Head(now);
  if (signer_ != nullptr) signer_->SignCheckpoint(checkpoint);
  return checkpoint;
}

}  // namespace pim
