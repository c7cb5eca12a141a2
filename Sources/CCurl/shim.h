#ifndef TONGBAN_CCURL_SHIM_H
#define TONGBAN_CCURL_SHIM_H
#include <curl/curl.h>

// Swift cannot call C variadic functions, so `curl_easy_setopt` and `curl_easy_getinfo` are
// wrapped once per argument type. The parentheses around the function name bypass the
// type-checking macro of curl/typecheck-gcc.h, which needs a constant option.

static inline CURLcode tongban_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return (curl_easy_setopt)(handle, option, value);
}

static inline CURLcode tongban_curl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return (curl_easy_setopt)(handle, option, value);
}

/// For string options (curl copies them), data pointers and list pointers.
static inline CURLcode tongban_curl_setopt_pointer(CURL *handle, CURLoption option, const void *value) {
    return (curl_easy_setopt)(handle, option, value);
}

/// For CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION, which share this signature.
static inline CURLcode tongban_curl_setopt_write_callback(CURL *handle, CURLoption option, curl_write_callback value) {
    return (curl_easy_setopt)(handle, option, value);
}

static inline CURLcode tongban_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return (curl_easy_getinfo)(handle, info, value);
}

#endif
