/* JavaScriptCore, opened on first use (see CJavaScriptCore.h). Each entry point
   Fathom calls is defined here with JavaScriptCore's own signature and forwards to
   the library's function, bound by fathom_jsc_load(). */
#include "CJavaScriptCore.h"

#if defined(__APPLE__)

int fathom_jsc_load(void) { return 0; }
const char *fathom_jsc_error(void) { return ""; }

#else

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static const char *const library_names[] = {"libjavascriptcoregtk-4.1.so.0", "libjavascriptcoregtk-4.1.so"};
static int load_status = -1;
static char load_error[512];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

/* The list of entry points: X(return type, name, parameters, argument names),
   V(name, parameters, argument names) for those returning nothing. */
#define FATHOM_JSC_FUNCTIONS(X, V) \
    X(JSClassRef, JSClassCreate, (const JSClassDefinition *definition), (definition)) \
    V(JSClassRelease, (JSClassRef jsClass), (jsClass)) \
    X(JSObjectRef, JSContextGetGlobalObject, (JSContextRef ctx), (ctx)) \
    X(JSContextGroupRef, JSContextGroupCreate, (void), ()) \
    V(JSContextGroupRelease, (JSContextGroupRef group), (group)) \
    V(JSContextGroupSetExecutionTimeLimit, (JSContextGroupRef group, double limit, FathomShouldTerminateCallback callback, void *context), (group, limit, callback, context)) \
    V(JSContextGroupClearExecutionTimeLimit, (JSContextGroupRef group), (group)) \
    X(JSValueRef, JSEvaluateScript, (JSContextRef ctx, JSStringRef script, JSObjectRef thisObject, JSStringRef sourceURL, int startingLineNumber, JSValueRef *exception), (ctx, script, thisObject, sourceURL, startingLineNumber, exception)) \
    X(JSGlobalContextRef, JSGlobalContextCreateInGroup, (JSContextGroupRef group, JSClassRef globalObjectClass), (group, globalObjectClass)) \
    V(JSGlobalContextRelease, (JSGlobalContextRef ctx), (ctx)) \
    V(JSGlobalContextSetUnhandledRejectionCallback, (JSGlobalContextRef ctx, JSObjectRef function, JSValueRef *exception), (ctx, function, exception)) \
    X(JSValueRef, JSObjectCallAsFunction, (JSContextRef ctx, JSObjectRef object, JSObjectRef thisObject, size_t argumentCount, const JSValueRef arguments[], JSValueRef *exception), (ctx, object, thisObject, argumentCount, arguments, exception)) \
    X(void *, JSObjectGetPrivate, (JSObjectRef object), (object)) \
    X(JSValueRef, JSObjectGetProperty, (JSContextRef ctx, JSObjectRef object, JSStringRef propertyName, JSValueRef *exception), (ctx, object, propertyName, exception)) \
    X(JSObjectRef, JSObjectMake, (JSContextRef ctx, JSClassRef jsClass, void *data), (ctx, jsClass, data)) \
    X(JSObjectRef, JSObjectMakeError, (JSContextRef ctx, size_t argumentCount, const JSValueRef arguments[], JSValueRef *exception), (ctx, argumentCount, arguments, exception)) \
    V(JSObjectSetProperty, (JSContextRef ctx, JSObjectRef object, JSStringRef propertyName, JSValueRef value, JSPropertyAttributes attributes, JSValueRef *exception), (ctx, object, propertyName, value, attributes, exception)) \
    X(JSStringRef, JSStringCreateWithUTF8CString, (const char *string), (string)) \
    X(size_t, JSStringGetMaximumUTF8CStringSize, (JSStringRef string), (string)) \
    X(size_t, JSStringGetUTF8CString, (JSStringRef string, char *buffer, size_t bufferSize), (string, buffer, bufferSize)) \
    V(JSStringRelease, (JSStringRef string), (string)) \
    X(bool, JSValueIsNumber, (JSContextRef ctx, JSValueRef value), (ctx, value)) \
    X(bool, JSValueIsObject, (JSContextRef ctx, JSValueRef value), (ctx, value)) \
    X(bool, JSValueIsUndefined, (JSContextRef ctx, JSValueRef value), (ctx, value)) \
    X(JSValueRef, JSValueMakeString, (JSContextRef ctx, JSStringRef string), (ctx, string)) \
    X(JSValueRef, JSValueMakeUndefined, (JSContextRef ctx), (ctx)) \
    V(JSValueProtect, (JSContextRef ctx, JSValueRef value), (ctx, value)) \
    X(double, JSValueToNumber, (JSContextRef ctx, JSValueRef value, JSValueRef *exception), (ctx, value, exception)) \
    X(JSObjectRef, JSValueToObject, (JSContextRef ctx, JSValueRef value, JSValueRef *exception), (ctx, value, exception)) \
    X(JSStringRef, JSValueToStringCopy, (JSContextRef ctx, JSValueRef value, JSValueRef *exception), (ctx, value, exception)) \
    V(JSValueUnprotect, (JSContextRef ctx, JSValueRef value), (ctx, value)) \
    V(JSGarbageCollect, (JSContextRef ctx), (ctx))

/* A pointer per entry point... */
#define FATHOM_JSC_POINTER(ret, name, params, args) static ret (*p_##name) params;
#define FATHOM_JSC_VOID_POINTER(name, params, args) static void (*p_##name) params;
FATHOM_JSC_FUNCTIONS(FATHOM_JSC_POINTER, FATHOM_JSC_VOID_POINTER)

/* ...and the entry point itself, forwarding to it. */
#define FATHOM_JSC_FORWARD(ret, name, params, args) ret name params { return p_##name args; }
#define FATHOM_JSC_VOID_FORWARD(name, params, args) void name params { p_##name args; }
FATHOM_JSC_FUNCTIONS(FATHOM_JSC_FORWARD, FATHOM_JSC_VOID_FORWARD)

/* The one data symbol Fathom uses: an all-zero class definition. */
const JSClassDefinition kJSClassDefinitionEmpty = {0};

static void load(void) {
    void *library = NULL;
    for (size_t i = 0; i < sizeof library_names / sizeof library_names[0] && !library; i++) {
        library = dlopen(library_names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (!library) {
        const char *why = dlerror();
        snprintf(load_error, sizeof load_error,
                 "cannot open JavaScriptCore (%s): %s; install Debian's libjavascriptcoregtk-4.1-0 to run scripts",
                 library_names[0], why ? why : "not found");
        load_status = 1;
        return;
    }
#define FATHOM_JSC_BIND_AS(name) \
    *(void **)(&p_##name) = dlsym(library, #name); /* POSIX's way to type a dlsym result */ \
    if (!p_##name) { \
        snprintf(load_error, sizeof load_error, "%s has no %s; this JavaScriptCore is too old or too new for Fathom", library_names[0], #name); \
        load_status = 1; \
        return; \
    }
#define FATHOM_JSC_BIND(ret, name, params, args) FATHOM_JSC_BIND_AS(name)
#define FATHOM_JSC_VOID_BIND(name, params, args) FATHOM_JSC_BIND_AS(name)
    FATHOM_JSC_FUNCTIONS(FATHOM_JSC_BIND, FATHOM_JSC_VOID_BIND)
    load_status = 0;
}

int fathom_jsc_load(void) {
    pthread_once(&load_once, load);
    return load_status;
}

const char *fathom_jsc_error(void) { return load_error; }

#endif
