// A Client over a MemoryStream whose input is the server's whole side of
// the dialogue, for the SMTP client's unit tests.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "smtp/client/client.hpp"
#include "testing/memory_stream.hpp"
#include "testing/run_task.hpp"

namespace tern::smtp::client::test {

inline ClientOptions test_options() {
    ClientOptions o;
    o.helo_name = "out.example.net";
    o.command_timeout = std::chrono::seconds(2);
    o.data_timeout = std::chrono::seconds(3);
    return o;
}

struct TestSession {
    // chunk 1: the client reads one octet at a time, so nothing it has not
    // asked for yet sits in its buffer (STARTTLS discards that).
    explicit TestSession(std::string server, std::size_t chunk = 1 << 20)
        : stream(std::move(server), chunk), client(stream, test_options()) {}

    // Greeting and EHLO, then forgets what was written so far.
    void open() {
        Reply g = testing::run_task(client.greeting());
        EXPECT_EQ(g.code, 220);
        Reply h = testing::run_task(client.hello());
        EXPECT_EQ(h.code, 250);
        stream.clear_output();
    }

    testing::MemoryStream stream;
    Client client;
};

}  // namespace tern::smtp::client::test
