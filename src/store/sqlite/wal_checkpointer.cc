#include "store/sqlite/wal_checkpointer.h"

#include <pthread.h>
#include <sqlite3.h>

#include <cstdio>
#include <utility>

namespace pim::sqlite {

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(const std::string& path,
                                                                int busy_ms, Connection& writer,
                                                                int threshold_frames,
                                                                int cap_frames) {
  ASSIGN_OR_RETURN(Connection own, Connection::Open(path, busy_ms));
  // A checkpoint syncs the log before copying it and the database file after (FULL, stated
  // rather than left to the library's default), so the log may restart over what it copied.
  RETURN_IF_ERROR(own.Exec("PRAGMA synchronous=FULL"));
  std::unique_ptr<WalCheckpointer> checkpointer(
      new WalCheckpointer(std::move(own), writer, threshold_frames, cap_frames));
  // Replaces the automatic checkpoint, which is itself a WAL hook.
  sqlite3_wal_autocheckpoint(writer.get(), 0);
  sqlite3_wal_hook(writer.get(), &WalCheckpointer::OnCommit, checkpointer.get());
  checkpointer->thread_ = std::thread([c = checkpointer.get()] { c->Run(); });
  return checkpointer;
}

WalCheckpointer::WalCheckpointer(Connection own, Connection& writer, int threshold, int cap)
    : own_(std::move(own)), writer_(writer), threshold_(threshold), cap_(cap) {}

WalCheckpointer::~WalCheckpointer() { Stop(); }

void WalCheckpointer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  sqlite3_wal_autocheckpoint(writer_.get(), 1000);  // SQLite's default, hook included
}

int WalCheckpointer::OnCommit(void* self, sqlite3* db, const char* schema, int frames) {
  auto* c = static_cast<WalCheckpointer*>(self);
  // A reader's snapshot keeps the frames after it in the log: until it ends, asking again at
  // the next commit would only repeat the attempt. Wait for another threshold of frames.
  auto note_held = [&](bool held) {
    c->asked_ = false;
    c->retry_at_ = held ? frames + c->threshold_ : 0;
  };
  auto copy_here = [&] {
    int log = -1, copied = -1;
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
    c->by_writer_.fetch_add(1);
    note_held(copied < log);
  };
  auto ask_thread = [&] {
    c->asked_ = true;
    {
      std::lock_guard<std::mutex> lock(c->mu_);
      c->wanted_ = true;
    }
    c->cv_.notify_one();
  };
  if (frames < c->threshold_) {
    // The log started over (the thread's copy was complete): an answer is about the old log.
    if (c->asked_ && c->answer_.exchange(kNoAnswer) != kNoAnswer) c->asked_ = false;
    c->retry_at_ = 0;
    return SQLITE_OK;
  }
  if (frames < c->retry_at_) return SQLITE_OK;  // a reader held the log at the last attempt
  if (frames >= c->cap_ && c->retry_at_ == 0) {
    // The thread has not let the log restart: copy everything here, so the next transaction
    // starts the log over. (Not while a reader holds the log: then the log is long because of
    // the reader, and once it ends the thread copies the backlog without stalling commits.)
    copy_here();
    c->at_cap_.fetch_add(1);
    c->answer_.store(kNoAnswer);
    return SQLITE_OK;
  }
  const int answer = c->answer_.exchange(kNoAnswer);
  if (answer == kCopied || answer == kCopiedToReader) {
    if (frames - c->copied_through_.load() <= c->cap_) {
      copy_here();  // step 3 of the header comment: the commits made during the thread's copy
    } else if (answer == kCopiedToReader) {
      note_held(true);  // the rest is long: not on the writer, and not before the reader ends
    } else {
      ask_thread();  // a long copy (a backlog) left a long tail: the thread copies it too
    }
  } else if (answer == kFailed || !c->asked_) {
    ask_thread();
  }
  return SQLITE_OK;
}

int WalCheckpointer::SyncDatabaseFile() {
  // Otherwise the writer's checkpoint in step 3 would write back everything this thread copied,
  // inside its COMMIT: 20-30 ms stalls of every request waiting for that group commit.
  sqlite3_file* file = nullptr;
  int rc = sqlite3_file_control(own_.get(), "main", SQLITE_FCNTL_FILE_POINTER, &file);
  if (rc != SQLITE_OK || file == nullptr || file->pMethods == nullptr) return rc;
  return file->pMethods->xSync(file, SQLITE_SYNC_NORMAL);
}

void WalCheckpointer::Run() {
  pthread_setname_np(pthread_self(), "pim-walckpt");
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || wanted_; });
      if (stopping_) return;
      wanted_ = false;
    }
    int log = -1, copied = -1;
    int rc =
        sqlite3_wal_checkpoint_v2(own_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
    if (rc == SQLITE_OK) rc = SyncDatabaseFile();
    if (rc == SQLITE_OK) {
      background_.fetch_add(1);
      copied_through_.store(copied);
      answer_.store(copied < log ? kCopiedToReader : kCopied);
    } else {
      // Not fatal: the log keeps every committed frame; the next commit asks again.
      if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) {
        std::fprintf(stderr, "pim store: background WAL checkpoint failed: %s (%s)\n",
                     sqlite3_errstr(rc), sqlite3_errmsg(own_.get()));
      }
      answer_.store(kFailed);
    }
  }
}

}  // namespace pim::sqlite
