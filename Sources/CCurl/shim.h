// Typed wrappers for libcurl's variadic calls.
//
// Swift cannot call C variadic functions (curl_easy_setopt, curl_easy_getinfo, curl_multi_setopt),
// so each wrapper below fixes one argument type. They live here as `static inline` functions in the
// system module's own header rather than in a separate C target: there is no second compile unit to
// keep in step with pkg-config's flags, and each wrapper is a single cast the compiler inlines.
// Everything else about curl is Swift (Sources/PatrolCore/HTTP).
#ifndef PATROL_CCURL_SHIM_H
#define PATROL_CCURL_SHIM_H

#include <curl/curl.h>

static inline CURLcode CCurl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode CCurl_easy_setopt_ptr(CURL *handle, CURLoption option, const void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode CCurl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*CCurl_data_callback)(char *data, size_t size, size_t count, void *userdata);

static inline CURLcode CCurl_easy_setopt_data_callback(CURL *handle, CURLoption option, CCurl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode CCurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLMcode CCurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

/// CURL_GLOBAL_ALL is a computed macro that Swift does not import.
static inline CURLcode CCurl_global_init_all(void) {
    return curl_global_init(CURL_GLOBAL_ALL);
}

#endif
