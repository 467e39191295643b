#include "queue/bounce.hpp"

#include "base/log.hpp"
#include "base/random_id.hpp"
#include "delivery/local_delivery.hpp"
#include "delivery/router.hpp"
#include "queue/enqueue.hpp"

namespace tern::queue {

Status send_dsn(const BounceContext& ctx, const store::QueuedMessage& message,
                const std::string& raw, std::vector<DsnRecipient> recipients, int64_t now) {
    if (recipients.empty()) return {};
    if (message.sender.empty()) {
        log::info("queue.dsn_suppressed").kv("qid", message.id).kv("why", "null sender");
        return {};
    }
    DsnInput in;
    in.reporting_mta = ctx.hostname;
    in.recipient = message.sender;
    in.envid = message.envid;
    in.arrival_date = message.created_at;
    in.return_full = message.ret == "FULL";
    in.smtputf8 = message.smtputf8;
    in.original = raw;
    in.recipients = std::move(recipients);
    in.now = now;
    in.message_id =
        random_id(16, kQueueIdAlphabet) + "." + std::to_string(now) + "@" + ctx.hostname;
    std::string dsn = build_dsn(in);

    delivery::Router router(ctx.store);
    auto where = router.resolve(message.sender);
    if (where && where->kind == delivery::Resolution::Kind::local && !where->local.empty()) {
        delivery::LocalMessage local;
        local.return_path = "";
        local.targets = where->local;
        local.content = std::move(dsn);
        local.internal_date = now;
        auto stored = delivery::deliver_local(ctx.store, local);
        if (!stored) return stored.failure();
        log::info("queue.dsn_delivered").kv("qid", message.id).kv("to", message.sender);
        return {};
    }
    if (where && where->kind == delivery::Resolution::Kind::unknown) {
        // A local domain without that user: nobody to tell.
        log::warn("queue.dsn_undeliverable").kv("qid", message.id).kv("to", message.sender);
        return {};
    }
    store::NewQueued q;
    q.sender = "";
    q.recipients.push_back({message.sender, "", "NEVER"});
    q.raw = std::move(dsn);
    auto id = enqueue(ctx.store, std::move(q), now, ctx.wakeup);
    if (!id) return id.failure();
    log::info("queue.dsn_queued").kv("qid", message.id).kv("dsn_qid", *id).kv("to", message.sender);
    return {};
}

}  // namespace tern::queue
