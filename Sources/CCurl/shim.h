#ifndef TONGBAN_CCURL_SHIM_H
#define TONGBAN_CCURL_SHIM_H
#include <curl/curl.h>
#endif
