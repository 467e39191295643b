// Blocking: a pool of threads for calls that block (the store, password
// hashing), so the event loops never wait on disk or CPU-heavy work
// (DESIGN.md rule 2).
//
//   std::function<void()> job = [&] { result = store.find_account(address); };
//   co_await blocking.run(job);
//
// run() resumes the caller on its own executor once job returned. Name the
// job before co_await (STACK-NOTES: g++ 12 destroys temporaries inside a
// co_await operand twice).
#pragma once

#include <functional>
#include <memory>

#include "net/task.hpp"

namespace tern::net {

class Blocking {
  public:
    explicit Blocking(unsigned threads);
    ~Blocking();  // waits for running jobs
    Blocking(const Blocking&) = delete;
    Blocking& operator=(const Blocking&) = delete;

    Task<void> run(const std::function<void()>& job);
    // Runs job now on a pool thread without waiting (background work).
    void post(std::function<void()> job);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tern::net
