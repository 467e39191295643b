// imapload's options and its two modes (see imapload.cpp for the load mode
// and idle_hold.cpp for the IDLE mode). Options are parsed once in main();
// bad options print the usage and exit with 2.
#pragma once

#include <cstdint>
#include <string>

namespace bench {

struct Options {
    std::string host = "127.0.0.1";
    uint16_t port = 143;
    unsigned clients = 10;
    unsigned users = 20;
    std::string domain = "bench.test";
    std::string password = "bench password";
    double seconds = 10;        // load: run time; idle: the bound on opening all
    uint64_t max_sessions = 0;  // load, per client; 0: no limit
    int server_pid = 0;
    int timeout = 10;             // seconds per socket read or write
    unsigned messages = 0;        // the mailbox's own messages (never expunged); 0: all
    unsigned bodies = 3;          // whole bodies fetched per session
    unsigned stores = 2;          // messages flagged \Seen and back per session
    unsigned append_size = 4096;  // bytes of the appended message
    bool literal_plus = true;     // false: synchronizing literals only
    unsigned idle = 0;            // > 0: the IDLE mode with this many connections
    unsigned idle_threads = 16;
    double hold = 5;        // idle: seconds to hold every connection
    unsigned sources = 50;  // idle: source addresses 127.0.0.2 .. 127.0.0.(1+sources)
};

Options parse_options(int argc, char** argv);
std::string quoted(const std::string& s);                 // an IMAP quoted string (RFC 9051 4.3)
std::string user_name(const Options& o, unsigned index);  // u<index+1>@domain
int run_load(const Options& o);
int run_idle(const Options& o);

}  // namespace bench
