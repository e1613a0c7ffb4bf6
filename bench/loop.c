/* The floor any libcurl runner can reach: the benchmark's GraphQL POSTs sent through
 * one reused easy handle (sequential), or through the multi interface with INFLIGHT
 * transfers at once, each on its own reused easy handle (one connection cache shared
 * by the multi handle). Bodies are read from BODIES, one per line; the response is
 * read and dropped; a status other than 200 is counted as a failure.
 *
 *   loop URL TOKEN BODIES [INFLIGHT]      (INFLIGHT 0 or absent: the easy loop)
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t sink(char *p, size_t s, size_t n, void *u) { (void)p; (void)u; return s * n; }

static char **read_lines(const char *path, size_t *count) {
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); exit(2); }
    size_t cap = 1024, n = 0;
    char **lines = malloc(cap * sizeof *lines);
    char *line = NULL; size_t len = 0; ssize_t got;
    while ((got = getline(&line, &len, f)) > 0) {
        if (line[got - 1] == '\n') line[got - 1] = 0;
        if (n == cap) { cap *= 2; lines = realloc(lines, cap * sizeof *lines); }
        lines[n++] = strdup(line);
    }
    free(line); fclose(f);
    *count = n;
    return lines;
}

static void setup(CURL *h, const char *url, struct curl_slist *headers) {
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: loop URL TOKEN BODIES [INFLIGHT]\n"); return 2; }
    const char *url = argv[1];
    size_t n; char **bodies = read_lines(argv[3], &n);
    int inflight = argc > 4 ? atoi(argv[4]) : 0;
    char auth[512]; snprintf(auth, sizeof auth, "Authorization: Bearer %s", argv[2]);
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    headers = curl_slist_append(headers, auth);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    long failures = 0;
    if (inflight <= 0) {
        CURL *h = curl_easy_init();
        setup(h, url, headers);
        for (size_t i = 0; i < n; i++) {
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, bodies[i]);
            long code = 0;
            if (curl_easy_perform(h) != CURLE_OK) { failures++; continue; }
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
            if (code != 200) failures++;
        }
        curl_easy_cleanup(h);
    } else {
        CURLM *m = curl_multi_init();
        CURL **handles = calloc((size_t)inflight, sizeof *handles);
        size_t next = 0; int running = 0;
        for (int k = 0; k < inflight && next < n; k++) {
            handles[k] = curl_easy_init();
            setup(handles[k], url, headers);
            curl_easy_setopt(handles[k], CURLOPT_POSTFIELDS, bodies[next++]);
            curl_multi_add_handle(m, handles[k]);
        }
        do {
            curl_multi_perform(m, &running);
            CURLMsg *msg; int left;
            while ((msg = curl_multi_info_read(m, &left))) {
                if (msg->msg != CURLMSG_DONE) continue;
                CURL *h = msg->easy_handle;
                long code = 0;
                curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
                if (msg->data.result != CURLE_OK || code != 200) failures++;
                curl_multi_remove_handle(m, h);
                if (next < n) {
                    curl_easy_setopt(h, CURLOPT_POSTFIELDS, bodies[next++]);
                    curl_multi_add_handle(m, h);
                    running++;
                }
            }
            if (running) curl_multi_poll(m, NULL, 0, 1000, NULL);
        } while (running || next < n);
        for (int k = 0; k < inflight; k++) if (handles[k]) curl_easy_cleanup(handles[k]);
        curl_multi_cleanup(m);
    }
    curl_slist_free_all(headers);
    printf("%zu requests, %ld failed\n", n, failures);
    return failures ? 1 : 0;
}
