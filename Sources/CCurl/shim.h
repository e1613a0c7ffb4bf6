#ifndef FATHOM_CCURL_SHIM_H
#define FATHOM_CCURL_SHIM_H

/*
 * Typed, non-variadic wrappers over libcurl's variadic entry points, so Swift
 * never calls a C variadic function (whose argument types Swift cannot check).
 * Each wrapper passes exactly the C type libcurl expects for that option kind.
 */

#include <curl/curl.h>
#include <stddef.h>

/* ---- constants that are macros Swift cannot import ---- */

static const long fathom_curl_global_all = CURL_GLOBAL_ALL;
static const long fathom_curlauth_digest = (long)CURLAUTH_DIGEST;
static const long fathom_curlauth_ntlm = (long)CURLAUTH_NTLM;
static const long fathom_redir_post_all = (long)CURL_REDIR_POST_ALL;
static const size_t fathom_curl_error_size = CURL_ERROR_SIZE;

/* ---- callback types ---- */

/* CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION */
typedef size_t (*fathom_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
/* CURLOPT_XFERINFOFUNCTION */
typedef int (*fathom_xferinfo_callback)(void *userdata, curl_off_t dltotal, curl_off_t dlnow,
                                        curl_off_t ultotal, curl_off_t ulnow);

/* ---- curl_easy_setopt ---- */

static inline CURLcode fathom_setopt_long(CURL *h, CURLoption option, long value) {
    return curl_easy_setopt(h, option, value);
}

static inline CURLcode fathom_setopt_off(CURL *h, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(h, option, value);
}

/* libcurl copies string options (except CURLOPT_POSTFIELDS, which is a pointer). */
static inline CURLcode fathom_setopt_string(CURL *h, CURLoption option, const char *value) {
    return curl_easy_setopt(h, option, value);
}

static inline CURLcode fathom_setopt_pointer(CURL *h, CURLoption option, void *value) {
    return curl_easy_setopt(h, option, value);
}

/* CURLOPT_POSTFIELDS: the bytes are NOT copied and must outlive the transfer. */
static inline CURLcode fathom_setopt_bytes(CURL *h, CURLoption option, const void *value) {
    return curl_easy_setopt(h, option, value);
}

static inline CURLcode fathom_setopt_slist(CURL *h, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(h, option, value);
}

static inline CURLcode fathom_setopt_data_callback(CURL *h, CURLoption option, fathom_data_callback cb) {
    return curl_easy_setopt(h, option, cb);
}

static inline CURLcode fathom_setopt_xferinfo_callback(CURL *h, CURLoption option, fathom_xferinfo_callback cb) {
    return curl_easy_setopt(h, option, cb);
}

/* ---- curl_easy_getinfo ---- */

static inline CURLcode fathom_getinfo_long(CURL *h, CURLINFO info, long *out) {
    return curl_easy_getinfo(h, info, out);
}

static inline CURLcode fathom_getinfo_off(CURL *h, CURLINFO info, curl_off_t *out) {
    return curl_easy_getinfo(h, info, out);
}

/* The string is owned by the handle and valid until the next transfer/reset. */
static inline CURLcode fathom_getinfo_string(CURL *h, CURLINFO info, const char **out) {
    char *s = NULL;
    CURLcode rc = curl_easy_getinfo(h, info, &s);
    *out = s;
    return rc;
}

static inline CURLcode fathom_getinfo_double(CURL *h, CURLINFO info, double *out) {
    return curl_easy_getinfo(h, info, out);
}

/* The caller frees the list with curl_slist_free_all. */
static inline CURLcode fathom_getinfo_slist(CURL *h, CURLINFO info, struct curl_slist **out) {
    return curl_easy_getinfo(h, info, out);
}

/* A non-NULL pointer to zero bytes, for CURLOPT_POSTFIELDS with an empty body
   (a NULL POSTFIELDS would make libcurl read the body from its read callback). */
static inline const void *fathom_empty_bytes(void) {
    return "";
}

/* ---- atomics for the cancellation ticket, usable from any thread ---- */

static inline void fathom_atomic_store(long *cell, long value) {
    __atomic_store_n(cell, value, __ATOMIC_RELEASE);
}

static inline long fathom_atomic_load(const long *cell) {
    return __atomic_load_n(cell, __ATOMIC_ACQUIRE);
}

static inline long fathom_atomic_increment(long *cell) {
    return __atomic_add_fetch(cell, 1, __ATOMIC_ACQ_REL);
}

/* ---- share and multi interfaces ---- */

static const long fathom_lock_data_cookie = (long)CURL_LOCK_DATA_COOKIE;
static const long fathom_lock_data_dns = (long)CURL_LOCK_DATA_DNS;
static const long fathom_lock_data_ssl_session = (long)CURL_LOCK_DATA_SSL_SESSION;

static inline CURLSHcode fathom_share_setopt_long(CURLSH *sh, CURLSHoption option, long value) {
    return curl_share_setopt(sh, option, value);
}

static inline CURLMcode fathom_multi_setopt_long(CURLM *m, CURLMoption option, long value) {
    return curl_multi_setopt(m, option, value);
}

/* The easy handle and result of a finished transfer from curl_multi_info_read;
   returns 0 when the queue holds no finished transfer. */
static inline int fathom_multi_next_done(CURLM *m, CURL **easy, CURLcode *result) {
    int left = 0;
    CURLMsg *msg;
    while ((msg = curl_multi_info_read(m, &left)) != NULL) {
        if (msg->msg == CURLMSG_DONE) {
            *easy = msg->easy_handle;
            *result = msg->data.result;
            return 1;
        }
    }
    return 0;
}

#endif
