#ifndef FATHOM_CJAVASCRIPTCORE_SHIM_H
#define FATHOM_CJAVASCRIPTCORE_SHIM_H

/* JavaScriptCore's C API: Debian's libjavascriptcoregtk-4.1 on Linux, the system
   framework on macOS. Only FathomScript imports this module. */
#if defined(__APPLE__)
#include <JavaScriptCore/JavaScriptCore.h>
#else
#include <JavaScriptCore/JavaScript.h>
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

#endif
