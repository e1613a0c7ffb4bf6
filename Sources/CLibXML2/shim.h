#ifndef FATHOM_CLIBXML2_SHIM_H
#define FATHOM_CLIBXML2_SHIM_H
#include <libxml/xmlwriter.h>
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#endif
