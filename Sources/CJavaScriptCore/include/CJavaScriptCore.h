#ifndef FATHOM_CJAVASCRIPTCORE_SHIM_H
#define FATHOM_CJAVASCRIPTCORE_SHIM_H

/* JavaScriptCore's C API: Debian's libjavascriptcoregtk-4.1 on Linux, the system
   framework on macOS. Only FathomScript imports this module.

   On Linux the library is not linked: loader.c defines the entry points Fathom
   uses, and the first call to fathom_jsc_load() opens the library with dlopen and
   binds them. A run without scripts (and every other command) so never loads
   JavaScriptCore and its dependencies (ICU, GLib...), which cost about 8 ms and
   7.5 MiB at every start. On macOS the system framework is linked as usual. */
#if defined(__APPLE__)
#include <JavaScriptCore/JavaScriptCore.h>
#else
#include <JavaScriptCore/JavaScript.h>
/* Opens JavaScriptCore and binds its entry points, once; later calls return the
   first result. 0 on success; otherwise what failed is in fathom_jsc_error().
   No other function of this header may be called until it succeeded. */
int fathom_jsc_load(void);
const char *fathom_jsc_error(void);

#endif
#include <stdbool.h>

/* Not in the public headers, but exported by the library (JSContextRefPrivate.h):
   a CPU-time limit for scripts of a context group, checked at safe points. */
typedef bool (*FathomShouldTerminateCallback)(JSContextRef ctx, void *context);
JS_EXPORT void JSContextGroupSetExecutionTimeLimit(JSContextGroupRef group, double limit,
                                                   FathomShouldTerminateCallback callback, void *context);
JS_EXPORT void JSContextGroupClearExecutionTimeLimit(JSContextGroupRef group);

/* Also exported (JSContextRefPrivate.h): `function` is called with (promise, reason)
   for each rejected promise no handler was attached to. */
JS_EXPORT void JSGlobalContextSetUnhandledRejectionCallback(JSGlobalContextRef ctx, JSObjectRef function,
                                                            JSValueRef *exception);

/* Opens JavaScriptCore and binds its entry points, once; later calls return the
   first result. 0 on success; otherwise what failed is in fathom_jsc_error().
   No other function of this header may be called until it succeeded. */
int fathom_jsc_load(void);
const char *fathom_jsc_error(void);

#endif
