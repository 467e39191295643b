#include "store/sqlite/indexer.hpp"

#include "base/log.hpp"
#include "store/sqlite/ops.hpp"

namespace tern::store::sqlite {
namespace {
// Bytes of messages read per batch: big enough to amortise a commit, small
// enough that the writer job does not hold up deliveries for long.
constexpr std::size_t kBatchBytes = 2u << 20;
}  // namespace

Indexer::Indexer(ReaderPool& readers, Writer& writer, Derivers derivers)
    : readers_(readers), writer_(writer), derivers_(std::move(derivers)) {}

Indexer::~Indexer() {
    stop();
}

void Indexer::start() {
    if (!derivers_.view && !derivers_.text) return;
    thread_ = std::thread([this] { loop(); });
}

void Indexer::poke() {
    {
        std::lock_guard lock(mu_);
        poked_ = true;
    }
    cv_.notify_one();
}

void Indexer::stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) thread_.join();
}

Result<std::size_t> Indexer::batch(BlobId& after) {
    std::lock_guard lock(batch_mu_);
    const bool need_view = static_cast<bool>(derivers_.view);
    const bool need_text = static_cast<bool>(derivers_.text);
    if (!need_view && !need_text) return std::size_t{0};
    auto pending = readers_.with(
        [&](Db& db) { return ops::pending_blobs(db, after, need_view, need_text, kBatchBytes); });
    if (!pending) return pending.failure();
    if (pending->empty()) return std::size_t{0};
    struct Made {
        BlobId id;
        std::optional<std::string> view;
        std::optional<IndexText> text;
    };
    std::vector<Made> made;
    for (auto& p : *pending) {
        Made m{p.id, {}, {}};
        if (p.needs_view) m.view = derivers_.view(p.raw);
        if (p.needs_text) m.text = derivers_.text(p.raw);
        made.push_back(std::move(m));
        p.raw.clear();
        p.raw.shrink_to_fit();
    }
    Status kept = writer_.submit([&](Db& db, Changes&) -> Status {
        for (const auto& m : made)
            if (auto s = ops::put_derived(db, m.id, m.view, m.text); !s) return s;
        return {};
    });
    if (!kept) return kept.failure();
    after = pending->back().id;
    return pending->size();
}

Status Indexer::run_pending() {
    BlobId after = 0;
    for (;;) {
        auto n = batch(after);
        if (!n) return n.failure();
        if (*n == 0) return {};
    }
}

void Indexer::loop() {
    BlobId after = 0;
    std::size_t done = 0;
    std::unique_lock lock(mu_);
    for (;;) {
        cv_.wait(lock, [&] { return stopping_ || poked_; });
        if (stopping_) return;
        poked_ = false;
        lock.unlock();
        // New blobs always get higher ids, so each pass goes on from the
        // last one seen; a failed batch is retried from the same place.
        for (;;) {
            auto n = batch(after);
            if (!n) {
                log::warn("store.index_failed").kv("error", n.error().message);
                break;
            }
            if (*n == 0) break;
            done += *n;
            std::lock_guard check(mu_);
            if (stopping_) break;
        }
        if (done) log::debug("store.indexed").kv("blobs", done);
        done = 0;
        lock.lock();
    }
}

}  // namespace tern::store::sqlite
