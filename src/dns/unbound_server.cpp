#include "dns/unbound_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace tern::dns::testing {

namespace {

std::string read_all(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_config(const std::filesystem::path& dir, int port,
                  const std::vector<std::string>& lines) {
    std::ofstream out(dir / "unbound.conf");
    out << "server:\n"
        << "  interface: 127.0.0.1\n"
        << "  port: " << port << "\n"
        << "  do-daemonize: no\n"
        << "  username: \"\"\n"
        << "  chroot: \"\"\n"
        << "  directory: \"" << dir.string() << "\"\n"
        << "  pidfile: \"" << (dir / "unbound.pid").string() << "\"\n"
        << "  logfile: \"" << (dir / "unbound.log").string() << "\"\n"
        << "  use-syslog: no\n"
        << "  verbosity: 1\n"
        << "  do-ip6: no\n"
        << "  num-threads: 1\n"
        << "  access-control: 127.0.0.0/8 allow\n"
        // Never recurse off the machine.
        << "  local-zone: \".\" refuse\n";
    for (const auto& line : lines)
        out << "  " << line << "\n";
    out << "remote-control:\n  control-enable: no\n";
}

}  // namespace

int free_udp_port() {
    int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) return 0;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
        port = ntohs(addr.sin_port);
    }
    ::close(fd);
    return port;
}

Result<std::unique_ptr<UnboundServer>> UnboundServer::start(const std::filesystem::path& dir,
                                                            const std::vector<std::string>& lines) {
    for (int attempt = 0; attempt < 3; ++attempt) {
        int port = free_udp_port();
        if (port == 0) return fail(Errc::io, "no free port");
        write_config(dir, port, lines);
        std::filesystem::remove(dir / "unbound.log");
        std::string config = (dir / "unbound.conf").string();
        // /usr/sbin is not on every PATH.
        const char* program =
            std::filesystem::exists("/usr/sbin/unbound") ? "/usr/sbin/unbound" : "unbound";
        const char* argv[] = {program, "-d", "-c", config.c_str(), nullptr};
        pid_t pid = -1;
        if (posix_spawnp(&pid, program, nullptr, nullptr, const_cast<char**>(argv), environ) != 0) {
            return fail(Errc::io, "cannot run unbound (apt-get install unbound)");
        }
        std::unique_ptr<UnboundServer> server(new UnboundServer(pid, port));
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid, &status, WNOHANG) == pid) {
                server->pid_ = -1;  // exited (port taken?): try again
                break;
            }
            if (read_all(dir / "unbound.log").find("start of service") != std::string::npos) {
                return server;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    return fail(Errc::io, "unbound did not start: " + read_all(dir / "unbound.log"));
}

void UnboundServer::stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

UnboundServer::~UnboundServer() {
    stop();
}

}  // namespace tern::dns::testing
