// Loopback TCP echo load generator: the one client every echo server is
// driven by. Plain C++ and epoll, one thread, no runtime library, so it costs every server the
// same.
//
//   echo_load --port=P [--conns=1000] [--size=64] [--duration=10] [--warmup=1]
//               [--peer=name] [--workload=echo_1000] [--server-pid=PID] [--run=1] [--max-msgs=N]
//   echo_load --idle --port=P --server-pid=PID [--conns=1000] [--user-buffers=B] ...
//
// Load mode: opens --conns connections, then each connection runs a closed loop: send one message
// of --size bytes (size-1 printable bytes and '\n', so line servers work too), read until the whole
// echo is back (checked byte for byte), send the next. After --warmup seconds it counts for
// --duration seconds: echoed bytes per second (received by the client), messages per second,
// p50/p99 round trip (send to last byte back) and, with --server-pid, the server's CPU use.
// --max-msgs=N ends the measured window after N echoes instead (bench/echo/callgrind_echo.sh).
//
// Idle mode: measures the server's resident memory per idle connection: RSS after one warm-up
// connection, then after --conns more connections that each made one round trip and now sit idle
// (the handler waits in a read); (after - before) / conns. --user-buffers is the per-connection
// buffer size the server was told to use; it is subtracted for the *_net row.
//
// Output: JSON lines as in bench/peers/common.hpp ({"peer":..,"workload":..,"unit":..,"median":..,
// "p99":..,"samples":..}).
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "common.hpp"

using peers::now_ns;

namespace {

struct Opts {
    std::string host = "127.0.0.1";
    int port = 0;
    int conns = 1000;
    int size = 64;
    double duration = 10;
    double warmup = 1;
    std::string peer = "unknown";
    std::string workload = "echo_1000";
    int server_pid = 0;
    int run = 0;
    bool idle = false;
    long user_buffers = 0;
    long max_msgs = 0;  // stop after this many measured echoes (0: run for --duration)
};

[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "echo_load: %s: %s\n", what, std::strerror(errno));
    std::exit(1);
}

Opts parse(int argc, char** argv) {
    Opts o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto eq = a.find('=');
        std::string k = a.substr(0, eq), v = eq == std::string::npos ? "" : a.substr(eq + 1);
        if (k == "--host")
            o.host = v;
        else if (k == "--port")
            o.port = std::atoi(v.c_str());
        else if (k == "--conns")
            o.conns = std::atoi(v.c_str());
        else if (k == "--size")
            o.size = std::atoi(v.c_str());
        else if (k == "--duration")
            o.duration = std::atof(v.c_str());
        else if (k == "--warmup")
            o.warmup = std::atof(v.c_str());
        else if (k == "--peer")
            o.peer = v;
        else if (k == "--workload")
            o.workload = v;
        else if (k == "--server-pid")
            o.server_pid = std::atoi(v.c_str());
        else if (k == "--run")
            o.run = std::atoi(v.c_str());
        else if (k == "--idle")
            o.idle = true;
        else if (k == "--user-buffers")
            o.user_buffers = std::atol(v.c_str());
        else if (k == "--max-msgs")
            o.max_msgs = std::atol(v.c_str());
        else {
            std::fprintf(stderr, "echo_load: unknown option %s (see the source header)\n",
                         a.c_str());
            std::exit(2);
        }
    }
    if (o.port <= 0 || o.conns <= 0 || o.size < 2 || o.size > 65536) {
        std::fprintf(stderr, "echo_load: need --port, --conns > 0, 2 <= --size <= 65536\n");
        std::exit(2);
    }
    return o;
}

int connect_one(const Opts& o) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(o.port));
    if (inet_pton(AF_INET, o.host.c_str(), &a.sin_addr) != 1) die("inet_pton");
    // Blocking connect: on loopback it completes once the kernel has queued the connection; the
    // server accepts at its own pace (every server listens with a backlog >= 1024).
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) die("connect");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

void raise_fd_limit() {
    rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
        r.rlim_cur = r.rlim_max;
        setrlimit(RLIMIT_NOFILE, &r);
    }
}

// Server CPU time in seconds (user + system, or only user / only system with which = 1 / 2), from
// /proc/PID/stat; -1 without a pid.
double proc_cpu_s(int pid, int which = 0) {
    if (pid <= 0) return -1;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE* f = std::fopen(path, "r");
    if (!f) return -1;
    char buf[1024];
    size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = 0;
    const char* p = std::strrchr(buf, ')');  // comm may hold spaces
    if (!p) return -1;
    unsigned long ut = 0, st = 0;
    // After ")": state(3) ... utime is field 14, stime 15.
    if (std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
        return -1;
    unsigned long t = which == 1 ? ut : which == 2 ? st : ut + st;
    return double(t) / double(sysconf(_SC_CLK_TCK));
}

double self_cpu_s() {
    rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           1e-6 * double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

// Resident set of a process in bytes (VmRSS), -1 if unknown.
long proc_rss(int pid) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE* f = std::fopen(path, "r");
    if (!f) return -1;
    char line[256];
    long kb = -1;
    while (std::fgets(line, sizeof line, f))
        if (std::strncmp(line, "VmRSS:", 6) == 0) kb = std::atol(line + 6);
    std::fclose(f);
    return kb * 1024;
}

struct Conn {
    int fd = -1;
    int got = 0;          // bytes of the current echo received
    std::int64_t t0 = 0;  // when the current message was sent
    uint32_t seq = 0;
};

void fill(std::vector<char>& msg, uint32_t seq) {
    // Printable, varies per message so a server that echoes stale bytes is caught.
    for (size_t i = 0; i + 1 < msg.size(); ++i) msg[i] = char('a' + (seq + i) % 26);
    msg.back() = '\n';
}

void send_msg(Conn& c, std::vector<char>& msg) {
    fill(msg, c.seq);
    c.got = 0;
    c.t0 = now_ns();
    size_t off = 0;
    while (off < msg.size()) {  // a fresh message always fits a loopback socket buffer
        ssize_t n = ::send(c.fd, msg.data() + off, msg.size() - off, MSG_NOSIGNAL);
        if (n > 0) {
            off += size_t(n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && errno == EAGAIN) {
            continue;  // cannot happen with one message in flight; spin rather than lose bytes
        } else {
            die("send");
        }
    }
}

// Reads what is there; true when the whole echo of the current message is in.
bool recv_echo(Conn& c, std::vector<char>& rbuf, std::vector<char>& expect) {
    for (;;) {
        ssize_t n = ::recv(c.fd, rbuf.data() + c.got, rbuf.size() - size_t(c.got), 0);
        if (n > 0) {
            c.got += int(n);
            if (size_t(c.got) == rbuf.size()) {
                fill(expect, c.seq);
                if (std::memcmp(rbuf.data(), expect.data(), rbuf.size()) != 0) {
                    std::fprintf(stderr, "echo_load: wrong bytes echoed on fd %d\n", c.fd);
                    std::exit(1);
                }
                return true;
            }
            continue;
        }
        if (n == 0) {
            std::fprintf(stderr, "echo_load: server closed fd %d\n", c.fd);
            std::exit(1);
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN) return false;
        die("recv");
    }
}

// Blocks (via poll on each) until every connection has done one round trip.
void one_round_trip_each(std::vector<Conn>& cs, int size) {
    std::vector<char> msg(static_cast<size_t>(size)), rbuf(msg.size()), expect(msg.size());
    int ep = epoll_create1(EPOLL_CLOEXEC);
    for (size_t i = 0; i < cs.size(); ++i) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = i;
        epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev);
        send_msg(cs[i], msg);
    }
    size_t left = cs.size();
    std::vector<epoll_event> evs(1024);
    std::int64_t deadline = now_ns() + 30'000'000'000LL;
    while (left > 0) {
        int n = epoll_wait(ep, evs.data(), int(evs.size()), 1000);
        if (now_ns() > deadline) {
            std::fprintf(stderr, "echo_load: %zu connections got no echo in 30 s\n", left);
            std::exit(1);
        }
        for (int i = 0; i < n; ++i) {
            Conn& c = cs[evs[size_t(i)].data.u64];
            if (recv_echo(c, rbuf, expect)) {
                ++c.seq;
                --left;
                epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
            }
        }
    }
    close(ep);
}

int run_idle(const Opts& o) {
    if (o.server_pid <= 0) {
        std::fprintf(stderr, "echo_load: --idle needs --server-pid\n");
        return 2;
    }
    // One warm-up connection first: the server's first accept sets up its allocator arenas and
    // whatever else is per-process, not per-connection.
    std::vector<Conn> warm(1);
    warm[0].fd = connect_one(o);
    one_round_trip_each(warm, o.size);
    usleep(300000);
    long before = proc_rss(o.server_pid);
    std::vector<Conn> cs(size_t(o.conns));
    for (auto& c : cs) c.fd = connect_one(o);
    one_round_trip_each(cs, o.size);
    usleep(500000);  // let the server settle (every handler is back waiting in its read)
    long after = proc_rss(o.server_pid);
    if (before < 0 || after < 0) {
        std::fprintf(stderr, "echo_load: cannot read /proc/%d/status\n", o.server_pid);
        return 1;
    }
    double per = double(after - before) / o.conns;
    char extra[256];
    std::snprintf(extra, sizeof extra,
                  ",\"rss_before\":%ld,\"rss_after\":%ld,\"conns\":%d,\"user_buffers\":%ld%s",
                  before, after, o.conns, o.user_buffers,
                  o.run ? (",\"run\":" + std::to_string(o.run)).c_str() : "");
    peers::emit_value(o.peer.c_str(), (o.workload + "_idle_mem").c_str(), "bytes_per_conn", per,
                      extra);
    if (o.user_buffers > 0)
        peers::emit_value(o.peer.c_str(), (o.workload + "_idle_net").c_str(), "bytes_per_conn",
                          per - double(o.user_buffers), extra);
    for (auto& c : cs) close(c.fd);
    close(warm[0].fd);
    return 0;
}

int run_load(const Opts& o) {
    std::vector<Conn> cs(size_t(o.conns));
    for (auto& c : cs) c.fd = connect_one(o);
    // Every handler is up before the clock starts.
    one_round_trip_each(cs, o.size);

    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    std::vector<char> msg(static_cast<size_t>(o.size)), rbuf(msg.size()), expect(msg.size());
    for (size_t i = 0; i < cs.size(); ++i) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = i;
        if (epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev) != 0) die("epoll_ctl");
    }
    const std::int64_t t_start = now_ns();
    const std::int64_t t_measure = t_start + std::int64_t(o.warmup * 1e9);
    const std::int64_t t_end = t_measure + std::int64_t(o.duration * 1e9);
    for (auto& c : cs) send_msg(c, msg);

    std::vector<uint32_t> rtt;  // ns, measured window only
    rtt.reserve(1 << 22);
    std::uint64_t bytes = 0, msgs = 0;
    bool measuring = false;
    double srv0 = -1, usr0 = -1, me0 = 0;
    std::int64_t t_first = 0;
    std::vector<epoll_event> evs(1024);
    for (;;) {
        std::int64_t now = now_ns();
        if (!measuring && now >= t_measure) {
            measuring = true;
            t_first = now;
            srv0 = proc_cpu_s(o.server_pid);
            usr0 = proc_cpu_s(o.server_pid, 1);
            me0 = self_cpu_s();
        }
        if (now >= t_end || (o.max_msgs > 0 && msgs >= std::uint64_t(o.max_msgs))) break;
        int n = epoll_wait(ep, evs.data(), int(evs.size()), 100);
        if (n < 0 && errno != EINTR) die("epoll_wait");
        for (int i = 0; i < n; ++i) {
            Conn& c = cs[evs[size_t(i)].data.u64];
            if (!recv_echo(c, rbuf, expect)) continue;
            if (measuring) {
                std::int64_t d = now_ns() - c.t0;
                rtt.push_back(uint32_t(d > 0xffffffffLL ? 0xffffffffLL : d));
                bytes += uint64_t(o.size);
                ++msgs;
            }
            ++c.seq;
            send_msg(c, msg);
        }
    }
    const std::int64_t t_last = now_ns();
    const double srv1 = proc_cpu_s(o.server_pid), usr1 = proc_cpu_s(o.server_pid, 1);
    const double me1 = self_cpu_s();
    const double secs = double(t_last - t_first) * 1e-9;

    std::vector<double> v(rtt.begin(), rtt.end());
    peers::Summary s = peers::summarize(std::move(v));
    const double srv_cpu = srv0 >= 0 && srv1 >= 0 ? (srv1 - srv0) / secs : -1;
    const double usr_cpu = usr0 >= 0 && usr1 >= 0 ? (usr1 - usr0) / secs : -1;
    const double cli_cpu = (me1 - me0) / secs;
    std::string run = o.run ? ",\"run\":" + std::to_string(o.run) : "";
    char extra[512];
    std::snprintf(extra, sizeof extra,
                  ",\"conns\":%d,\"size\":%d,\"seconds\":%.3f,\"msgs_per_s\":%.6g,"
                  "\"server_cpu\":%.3f,\"server_user_cpu\":%.3f,\"client_cpu\":%.3f%s",
                  o.conns, o.size, secs, double(msgs) / secs, srv_cpu, usr_cpu, cli_cpu,
                  run.c_str());
    // Throughput row: one value; the round-trip row: p50 / p99.
    peers::emit_value(o.peer.c_str(), (o.workload + "_rate").c_str(), "bytes_per_s",
                      double(bytes) / secs, extra);
    peers::emit(o.peer.c_str(), (o.workload + "_rtt").c_str(), "ns", s, extra);
    if (srv_cpu > 0)
        peers::emit_value(o.peer.c_str(), (o.workload + "_cpu").c_str(), "server_cpu_ns_per_msg",
                          srv_cpu * secs * 1e9 / double(msgs), extra);
    if (usr_cpu >= 0 && msgs > 0)
        peers::emit_value(o.peer.c_str(), (o.workload + "_usercpu").c_str(),
                          "server_user_ns_per_msg", usr_cpu * secs * 1e9 / double(msgs), extra);
    for (auto& c : cs) close(c.fd);
    close(ep);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Opts o = parse(argc, argv);
    raise_fd_limit();
    return o.idle ? run_idle(o) : run_load(o);
}
