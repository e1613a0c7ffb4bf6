#ifndef FATHOM_CCURL_SHIM_H
#define FATHOM_CCURL_SHIM_H
#include <curl/curl.h>
#endif
