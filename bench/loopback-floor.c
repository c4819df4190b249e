/*
 * The floor under any server's CPU per delivery on loopback: the moderate mode's shape (clients in
 * rooms, one room message fanned out to its members at a steady rate), sent by the plainest
 * possible server: one thread, one write(2) of a ready frame per delivery, nothing else. Whatever
 * this process spends is the kernel's share of a delivery (both ends of loopback TCP run in the
 * sender's system call) plus a loop; no server that writes once per delivery can spend less.
 *
 *   gcc -O2 -o /tmp/loopback-floor bench/loopback-floor.c
 *   /tmp/loopback-floor [clients 2000] [rooms 4] [room messages/s 100] [frame bytes 200] [seconds 20]
 *
 * A child process holds the clients' sockets and reads everything (epoll, 64 KiB reads); the
 * parent accepts them, sets TCP_NODELAY like Parley and Node, and every 1/rate s writes one frame
 * to each member of the next room in turn. It prints the parent's user and system CPU per delivery.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(struct timeval t) { return t.tv_sec + t.tv_usec / 1e6; }

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void fail(const char *what) { perror(what); exit(1); }

static void receive(int port, int clients) {
    int ep = epoll_create1(0);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    for (int i = 0; i < clients; i++) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        if (s < 0 || connect(s, (struct sockaddr *) &to, sizeof to) < 0) fail("connect");
        struct epoll_event e = {.events = EPOLLIN, .data.fd = s};
        epoll_ctl(ep, EPOLL_CTL_ADD, s, &e);
    }
    static char buf[65536];
    struct epoll_event ready[256];
    int open = clients;
    while (open > 0) {
        int n = epoll_wait(ep, ready, 256, -1);
        for (int i = 0; i < n; i++) {
            ssize_t got = read(ready[i].data.fd, buf, sizeof buf);
            if (got <= 0) { close(ready[i].data.fd); open--; }
        }
    }
    exit(0);
}

int main(int argc, char **argv) {
    int clients = argc > 1 ? atoi(argv[1]) : 2000;
    int rooms = argc > 2 ? atoi(argv[2]) : 4;
    double rate = argc > 3 ? atof(argv[3]) : 100;
    int frame = argc > 4 ? atoi(argv[4]) : 200;
    double duration = argc > 5 ? atof(argv[5]) : 20;
    signal(SIGPIPE, SIG_IGN);

    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in at = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof at;
    if (bind(listener, (struct sockaddr *) &at, sizeof at) < 0 || listen(listener, 4096) < 0) fail("listen");
    getsockname(listener, (struct sockaddr *) &at, &len);
    pid_t child = fork();
    if (child == 0) receive(ntohs(at.sin_port), clients);

    int *fds = malloc(sizeof(int) * clients);
    for (int i = 0; i < clients; i++) {
        fds[i] = accept(listener, NULL, NULL);
        if (fds[i] < 0) fail("accept");
        int on = 1;
        setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }
    char *payload = malloc(frame);
    memset(payload, 'x', frame);

    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    double start = now(), next = start;
    long deliveries = 0;
    for (long message = 0; next < start + duration; message++, next = start + message / rate) {
        struct timespec due = {(time_t) next, (long) ((next - (time_t) next) * 1e9)};
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL);
        int room = message % rooms;
        for (int i = room; i < clients; i += rooms) {
            if (write(fds[i], payload, frame) == frame) deliveries++;
        }
    }
    getrusage(RUSAGE_SELF, &after);
    double user = seconds(after.ru_utime) - seconds(before.ru_utime);
    double system = seconds(after.ru_stime) - seconds(before.ru_stime);
    printf("%ld deliveries in %.1f s (%.0f/s), frames of %d B: per delivery %.2f us (user %.2f + system %.2f)\n",
           deliveries, now() - start, deliveries / (now() - start), frame,
           (user + system) * 1e6 / deliveries, user * 1e6 / deliveries, system * 1e6 / deliveries);
    for (int i = 0; i < clients; i++) close(fds[i]);
    waitpid(child, NULL, 0);
    return 0;
}
