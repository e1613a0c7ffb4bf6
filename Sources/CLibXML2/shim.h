#ifndef FATHOM_CLIBXML2_SHIM_H
#define FATHOM_CLIBXML2_SHIM_H

/* Debian's libxml2 is built with ICU, so <libxml/encoding.h> would pull in the
   system's <unicode/*.h>. Swift's Foundation carries its own, newer ICU module
   (_FoundationICU), and clang rejects the two definitions of `UErrorCode` once
   both modules are loaded. Fathom never touches libxml2's ICU converters (it
   only uses pointers to xmlCharEncodingHandler), so hide them: xmlversion.h is
   included first, once, and its LIBXML_ICU_ENABLED is withdrawn. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlwriter.h>
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/globals.h>

/* Helpers Swift cannot express directly: libxml2's generic error callback is
   variadic, and `xmlFree` is a macro over a per-thread function pointer. */

static void fathom_xml_generic_noop(void *ctx, const char *msg, ...) {
    (void)ctx;
    (void)msg;
}

static void fathom_xml_structured_noop(void *ctx, xmlErrorPtr error) {
    (void)ctx;
    (void)error;
}

/* Silences libxml2's error printing on the calling thread, and sets the
   default for threads created later. libxml2 keeps these handlers per thread. */
static inline void fathom_xml_silence_errors(void) {
    xmlSetGenericErrorFunc(NULL, fathom_xml_generic_noop);
    xmlSetStructuredErrorFunc(NULL, fathom_xml_structured_noop);
    xmlThrDefSetGenericErrorFunc(NULL, fathom_xml_generic_noop);
    xmlThrDefSetStructuredErrorFunc(NULL, fathom_xml_structured_noop);
}

static inline void fathom_xml_free(void *pointer) {
    xmlFree(pointer);
}

#endif
